using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Switch.Runtime.Persistence;

/// <summary>
/// An SQLite VFS that sits on the platform's own and gathers a connection's writes to its write-ahead log into one
/// write per transaction. SQLite writes every frame of a commit with two calls (the 24-byte frame header, then the
/// page): with one dirty index page per event, that was four system calls per journaled event, a third of the writer's
/// time. Everything else (the database file, the -shm file, locking, other connections) goes to the platform VFS
/// unchanged; the journal's writer alone opens its connection through this one (<c>?vfs=</c> in its URI).
/// </summary>
/// <remarks>
/// <para>When gathered bytes reach the file: before any read, sync, size query, truncation, file control or close of
/// the log; when a write does not continue the gathered run; when the run would pass <see cref="Capacity"/>; and right
/// after the page of a commit frame (a frame header whose "database size after commit" field is not zero, per the
/// documented WAL format). SQLite publishes a commit to readers (the -shm header) only after it has written the commit
/// frame, so every frame a reader can see is in the file. Bytes still gathered when the process dies belong to a
/// transaction that had not committed.</para>
/// <para>A log write that fails surfaces as the failure of the SQLite call that caused the flush, which fails the
/// transaction like any I/O error.</para>
/// </remarks>
internal static unsafe class WalGatheringVfs
{
    /// <summary>The name to put in a connection URI (<c>file:...?vfs=switch-wal</c>).</summary>
    internal const string Name = "switch-wal";

    private const int Ok = 0;
    private const int OpenWal = 0x00080000; // SQLITE_OPEN_WAL
    private const int WalHeaderSize = 32, FrameHeaderSize = 24;
    private const int Capacity = 124 << 10; // the unix VFS writes at most 128 KiB - 1 per call (it masks the length)

    private static readonly object Gate = new();
    private static Vfs* _platform;
    private static IoMethods* _walMethods;

    /// <summary>Registers the VFS with SQLite once per process (not as the default).</summary>
    internal static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_platform is not null)
                return;
            var find = (delegate* unmanaged<byte*, Vfs*>)NativeLibrary.GetExport(SqliteNative.Library, "sqlite3_vfs_find");
            var register = (delegate* unmanaged<Vfs*, int, int>)NativeLibrary.GetExport(SqliteNative.Library, "sqlite3_vfs_register");
            var platform = find(null);
            if (platform is null || platform->Version < 1)
                throw new InvalidOperationException("SQLite has no default VFS to build on.");

            var methods = (IoMethods*)NativeMemory.AllocZeroed((nuint)sizeof(IoMethods));
            methods->Version = 1; // the log needs no shared memory or memory mapping
            methods->Close = &Close;
            methods->Read = &Read;
            methods->Write = &Write;
            methods->Truncate = &Truncate;
            methods->Sync = &Sync;
            methods->FileSize = &FileSize;
            methods->Lock = &Lock;
            methods->Unlock = &Unlock;
            methods->CheckReservedLock = &CheckReservedLock;
            methods->FileControl = &FileControl;
            methods->SectorSize = &SectorSize;
            methods->DeviceCharacteristics = &DeviceCharacteristics;

            // A copy of the platform VFS (its other calls ignore which VFS they are called through) with a larger file
            // object (ours, then the platform's) and our xOpen.
            var vfs = (Vfs*)NativeMemory.AllocZeroed((nuint)sizeof(Vfs));
            Unsafe.CopyBlock(vfs, platform, (uint)VfsSize(platform->Version));
            vfs->Next = null;
            vfs->OsFileSize = platform->OsFileSize + sizeof(WalFile);
            vfs->Name = (byte*)Marshal.StringToCoTaskMemUTF8(Name);
            vfs->Open = &Open;
            _walMethods = methods;
            _platform = platform;
            var rc = register(vfs, 0);
            if (rc != Ok)
            {
                _platform = null;
                throw new InvalidOperationException($"SQLite refused to register the '{Name}' VFS (error {rc}).");
            }
        }
    }

    private static int VfsSize(int version) => version switch
    {
        1 => (int)Marshal.OffsetOf<Vfs>(nameof(Vfs.CurrentTimeInt64)),
        2 => (int)Marshal.OffsetOf<Vfs>(nameof(Vfs.SetSystemCall)),
        _ => sizeof(Vfs),
    };

    // ---- the file ------------------------------------------------------------------------------------------------

    /// <summary>Our part of a log's file object; the platform's file object follows it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct WalFile
    {
        public IoMethods* Methods; // sqlite3_file: must come first
        public byte* Buffer;
        public long BufferStart;   // the log offset of Buffer[0]
        public long CommitPageAt;  // the offset of the page that follows a commit frame's header; -1 when none
        public int BufferLength;
        private readonly int _padding;
    }

    private static SqliteFile* Platform(WalFile* file) => (SqliteFile*)((byte*)file + sizeof(WalFile));

    [UnmanagedCallersOnly]
    private static int Open(Vfs* vfs, byte* name, SqliteFile* file, int flags, int* outFlags)
    {
        if ((flags & OpenWal) == 0)
            return _platform->Open(_platform, name, file, flags, outFlags); // not a log: the platform's file object, as it is

        var wal = (WalFile*)file;
        *wal = default;
        var inner = Platform(wal);
        inner->Methods = null;
        var rc = _platform->Open(_platform, name, inner, flags, outFlags);
        if (rc != Ok)
        {
            if (inner->Methods is not null)
                inner->Methods->Close(inner);
            wal->Methods = null;
            return rc;
        }
        wal->Buffer = (byte*)NativeMemory.Alloc(Capacity);
        wal->CommitPageAt = -1;
        wal->Methods = _walMethods;
        return Ok;
    }

    private static int Flush(WalFile* file)
    {
        if (file->BufferLength == 0)
            return Ok;
        var length = file->BufferLength;
        file->BufferLength = 0;
        var inner = Platform(file);
        return inner->Methods->Write(inner, file->Buffer, length, file->BufferStart);
    }

    [UnmanagedCallersOnly]
    private static int Write(SqliteFile* f, byte* data, int amount, long offset)
    {
        var file = (WalFile*)f;
        if (file->BufferLength > 0 && (offset != file->BufferStart + file->BufferLength || file->BufferLength + amount > Capacity))
        {
            var flushed = Flush(file);
            if (flushed != Ok)
                return flushed;
        }
        if (amount > Capacity)
        {
            var inner = Platform(file);
            return inner->Methods->Write(inner, data, amount, offset);
        }
        if (file->BufferLength == 0)
            file->BufferStart = offset;
        new ReadOnlySpan<byte>(data, amount).CopyTo(new Span<byte>(file->Buffer + file->BufferLength, Capacity - file->BufferLength));
        file->BufferLength += amount;

        if (offset >= WalHeaderSize && amount >= FrameHeaderSize && (amount == FrameHeaderSize || IsPageSize(amount - FrameHeaderSize)))
        {
            // A frame header (alone, or with its page): bytes 4-7 are the database size after a commit, 0 otherwise.
            if (BinaryPrimitives.ReadUInt32BigEndian(new ReadOnlySpan<byte>(data + 4, 4)) != 0)
            {
                if (amount == FrameHeaderSize)
                    file->CommitPageAt = offset + FrameHeaderSize;
                else
                    return Flush(file);
            }
        }
        else if (offset == file->CommitPageAt)
        {
            file->CommitPageAt = -1;
            return Flush(file);
        }
        return Ok;
    }

    private static bool IsPageSize(int amount) => amount is >= 512 and <= 65536 && BitOperations.IsPow2(amount);

    [UnmanagedCallersOnly]
    private static int Read(SqliteFile* f, byte* data, int amount, long offset)
    {
        var file = (WalFile*)f;
        var rc = Flush(file);
        var inner = Platform(file);
        return rc != Ok ? rc : inner->Methods->Read(inner, data, amount, offset);
    }

    [UnmanagedCallersOnly]
    private static int Sync(SqliteFile* f, int flags)
    {
        var file = (WalFile*)f;
        var rc = Flush(file);
        var inner = Platform(file);
        return rc != Ok ? rc : inner->Methods->Sync(inner, flags);
    }

    [UnmanagedCallersOnly]
    private static int Truncate(SqliteFile* f, long size)
    {
        var file = (WalFile*)f;
        var rc = Flush(file);
        var inner = Platform(file);
        return rc != Ok ? rc : inner->Methods->Truncate(inner, size);
    }

    [UnmanagedCallersOnly]
    private static int FileSize(SqliteFile* f, long* size)
    {
        var file = (WalFile*)f;
        var rc = Flush(file);
        var inner = Platform(file);
        return rc != Ok ? rc : inner->Methods->FileSize(inner, size);
    }

    [UnmanagedCallersOnly]
    private static int FileControl(SqliteFile* f, int op, void* argument)
    {
        var file = (WalFile*)f;
        var rc = Flush(file);
        var inner = Platform(file);
        return rc != Ok ? rc : inner->Methods->FileControl(inner, op, argument);
    }

    [UnmanagedCallersOnly]
    private static int Close(SqliteFile* f)
    {
        var file = (WalFile*)f;
        var flushed = Flush(file);
        var inner = Platform(file);
        var closed = inner->Methods->Close(inner);
        NativeMemory.Free(file->Buffer);
        file->Buffer = null;
        file->Methods = null;
        return flushed != Ok ? flushed : closed;
    }

    [UnmanagedCallersOnly]
    private static int Lock(SqliteFile* f, int level) => Platform((WalFile*)f)->Methods->Lock(Platform((WalFile*)f), level);

    [UnmanagedCallersOnly]
    private static int Unlock(SqliteFile* f, int level) => Platform((WalFile*)f)->Methods->Unlock(Platform((WalFile*)f), level);

    [UnmanagedCallersOnly]
    private static int CheckReservedLock(SqliteFile* f, int* result) => Platform((WalFile*)f)->Methods->CheckReservedLock(Platform((WalFile*)f), result);

    [UnmanagedCallersOnly]
    private static int SectorSize(SqliteFile* f) => Platform((WalFile*)f)->Methods->SectorSize(Platform((WalFile*)f));

    [UnmanagedCallersOnly]
    private static int DeviceCharacteristics(SqliteFile* f) => Platform((WalFile*)f)->Methods->DeviceCharacteristics(Platform((WalFile*)f));

    // ---- SQLite's structures (sqlite3.h) ------------------------------------------------------------------------

    [StructLayout(LayoutKind.Sequential)]
    private struct SqliteFile
    {
        public IoMethods* Methods;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoMethods
    {
        public int Version;
        public delegate* unmanaged<SqliteFile*, int> Close;
        public delegate* unmanaged<SqliteFile*, byte*, int, long, int> Read;
        public delegate* unmanaged<SqliteFile*, byte*, int, long, int> Write;
        public delegate* unmanaged<SqliteFile*, long, int> Truncate;
        public delegate* unmanaged<SqliteFile*, int, int> Sync;
        public delegate* unmanaged<SqliteFile*, long*, int> FileSize;
        public delegate* unmanaged<SqliteFile*, int, int> Lock;
        public delegate* unmanaged<SqliteFile*, int, int> Unlock;
        public delegate* unmanaged<SqliteFile*, int*, int> CheckReservedLock;
        public delegate* unmanaged<SqliteFile*, int, void*, int> FileControl;
        public delegate* unmanaged<SqliteFile*, int> SectorSize;
        public delegate* unmanaged<SqliteFile*, int> DeviceCharacteristics;
        public nint ShmMap, ShmLock, ShmBarrier, ShmUnmap; // version 2
        public nint Fetch, Unfetch;                         // version 3
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Vfs
    {
        public int Version;
        public int OsFileSize;
        public int MaxPathname;
        public Vfs* Next;
        public byte* Name;
        public void* AppData;
        public delegate* unmanaged<Vfs*, byte*, SqliteFile*, int, int*, int> Open;
        public nint Delete, Access, FullPathname, DlOpen, DlError, DlSym, DlClose, Randomness, Sleep, CurrentTime, GetLastError;
        public nint CurrentTimeInt64;                             // version 2
        public nint SetSystemCall, GetSystemCall, NextSystemCall; // version 3
    }
}
