using System.Runtime.InteropServices;
using SQLitePCL;

namespace Switch.Runtime.Persistence;

/// <summary>
/// The binds the journal's writer makes per event, called straight into the e_sqlite3 library that
/// SQLitePCL loaded: raw pointers instead of SafeHandles, and UTF-8 bytes the caller keeps alive (SQLITE_STATIC)
/// instead of strings converted and copied on every bind. Everything else goes through SQLitePCL.
/// </summary>
internal static unsafe class SqliteNative
{
    private static readonly delegate* unmanaged<nint, int, long, int> BindInt64Fn;
    private static readonly delegate* unmanaged<nint, int, int> BindNullFn;
    private static readonly delegate* unmanaged<nint, int, byte*, int, nint, int> BindTextFn;
    private static readonly delegate* unmanaged<nint, int, byte*, int, nint, int> BindBlobFn;

    static SqliteNative()
    {
        var library = Library = NativeLibrary.Load("e_sqlite3", typeof(SQLite3Provider_e_sqlite3).Assembly, null);
        BindInt64Fn = (delegate* unmanaged<nint, int, long, int>)NativeLibrary.GetExport(library, "sqlite3_bind_int64");
        BindNullFn = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(library, "sqlite3_bind_null");
        BindTextFn = (delegate* unmanaged<nint, int, byte*, int, nint, int>)NativeLibrary.GetExport(library, "sqlite3_bind_text");
        BindBlobFn = (delegate* unmanaged<nint, int, byte*, int, nint, int>)NativeLibrary.GetExport(library, "sqlite3_bind_blob");
    }

    /// <summary>The e_sqlite3 library SQLitePCL uses.</summary>
    internal static nint Library { get; }

    /// <summary>SQLITE_STATIC: SQLite reads the bound bytes in place until the statement is stepped and reset.</summary>
    private const nint Static = 0;

    internal static int BindInt64(nint statement, int index, long value) => BindInt64Fn(statement, index, value);

    internal static int BindNull(nint statement, int index) => BindNullFn(statement, index);

    /// <summary>Binds UTF-8 text that stays pinned and unchanged until the statement has been stepped.</summary>
    internal static int BindText(nint statement, int index, byte* utf8, int length) => BindTextFn(statement, index, utf8, length, Static);

    /// <summary>Binds bytes that stay pinned and unchanged until the statement has been stepped.</summary>
    internal static int BindBlob(nint statement, int index, byte* bytes, int length) => BindBlobFn(statement, index, bytes, length, Static);
}
