using Microsoft.Win32.SafeHandles;

namespace Switch.Runtime.Persistence;

/// <summary>
/// Makes committed transactions durable off the writer's thread: the writer commits without a sync (PRAGMA
/// synchronous = NORMAL) and asks for one here, then goes on with the next transaction while this thread syncs the
/// write-ahead log. One sync covers every commit asked for before it started, so commits that pile up during a sync
/// share the next one. A write is acknowledged only after a sync that began after its commit.
/// </summary>
/// <remarks>
/// The log is synced through a handle of its own on the same file (fsync works per file, not per descriptor). SQLite
/// never deletes or replaces the log while a connection (the writer's) has the database open, so the handle, opened
/// after the writer's first commit, names the live log for the writer's whole life. SQLite locks the database and
/// its -shm file, never the log, so opening and closing this handle cannot drop a lock of SQLite's.
/// </remarks>
internal sealed class WalSync : IDisposable
{
    private readonly string _walPath;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private List<TaskCompletionSource> _waiting = [];
    private List<TaskCompletionSource> _spare = [];
    private SafeFileHandle? _wal;
    private bool _closed;

    internal WalSync(string databasePath)
    {
        _walPath = databasePath + "-wal";
        _thread = new Thread(Run) { IsBackground = true, Name = "switch-journal-sync" };
        _thread.Start();
    }

    /// <summary>Completes when everything committed before this call is on disk; fails if the sync failed.</summary>
    internal Task SyncAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _waiting.Add(done);
            if (_waiting.Count == 1)
                Monitor.Pulse(_gate);
        }
        return done.Task;
    }

    private void Run()
    {
        while (true)
        {
            List<TaskCompletionSource> due;
            lock (_gate)
            {
                while (_waiting.Count == 0 && !_closed)
                    Monitor.Wait(_gate);
                if (_waiting.Count == 0)
                    return;
                due = _waiting;
                _waiting = _spare;
            }
            try
            {
                _wal ??= File.OpenHandle(_walPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                RandomAccess.FlushToDisk(_wal);
                foreach (var done in due)
                    done.TrySetResult();
            }
            catch (Exception error)
            {
                // The page cache may have dropped what it could not write: these commits' fate is unknown.
                foreach (var done in due)
                    done.TrySetException(new CommitUncertainException(error));
            }
            due.Clear();
            lock (_gate)
                _spare = due;
        }
    }

    /// <summary>Syncs what is still waiting, then stops the thread and closes the handle.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
                return;
            _closed = true;
            Monitor.Pulse(_gate);
        }
        _thread.Join();
        _wal?.Dispose();
    }
}
