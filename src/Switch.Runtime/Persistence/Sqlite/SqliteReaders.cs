using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Switch.Runtime.Persistence;

/// <summary>
/// The read connections of one SQLite store, kept open between reads with their statements prepared once. A recovery
/// is one or two short reads, and opening a connection and parsing the SQL cost more than the reads themselves. (Not
/// memory-mapped: the journal grows with every commit, and each read that finds the file longer maps it anew, which
/// cost more in page faults than the copies it saves.)
/// </summary>
internal sealed class SqliteReaders(SqliteSchema schema) : IDisposable
{
    /// <summary>Connections kept open while idle; more are opened when more reads run at once, and closed after.</summary>
    private const int MaxIdle = 8;

    private readonly ConcurrentBag<Reader> _idle = [];
    private int _idleCount;
    private volatile bool _closed;

    /// <summary>An idle connection, or a new one; give it back with <see cref="Return"/>.</summary>
    internal Reader Rent()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_idle.TryTake(out var reader))
        {
            Interlocked.Decrement(ref _idleCount);
            return reader;
        }
        return new Reader(schema.ReaderConnectionString);
    }

    /// <summary>Ends the connection's read (its statement is reset) and keeps it for the next one, or closes it.</summary>
    /// <param name="reader">The rented connection, whether its read succeeded or failed (SQLite keeps a connection
    /// usable after a statement's error).</param>
    internal void Return(Reader reader)
    {
        var keep = reader.EndRead() && !_closed;
        if (keep && Interlocked.Increment(ref _idleCount) > MaxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            keep = false;
        }
        if (!keep)
        {
            reader.Dispose();
            return;
        }
        _idle.Add(reader);
        if (_closed)
            Dispose(); // closed while this read ran
    }

    public void Dispose()
    {
        _closed = true;
        while (_idle.TryTake(out var reader))
            reader.Dispose();
    }

    /// <summary>One open read connection and its prepared statements.</summary>
    internal sealed class Reader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly Dictionary<string, sqlite3_stmt> _statements = new(StringComparer.Ordinal);
        private sqlite3_stmt? _current;

        internal Reader(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            try
            {
                _connection.Open();
            }
            catch
            {
                _connection.Dispose();
                throw;
            }
            Db = _connection.Handle!;
        }

        internal sqlite3 Db { get; }

        /// <summary>The statement for <paramref name="sql"/>, prepared on first use; one statement per read.</summary>
        internal sqlite3_stmt Statement(string sql)
        {
            if (!_statements.TryGetValue(sql, out var statement))
            {
                var rc = raw.sqlite3_prepare_v3(Db, sql, raw.SQLITE_PREPARE_PERSISTENT, out statement);
                if (rc != raw.SQLITE_OK)
                {
                    statement.Dispose();
                    Check(rc);
                }
                _statements[sql] = statement;
            }
            _current = statement;
            return statement;
        }

        /// <summary>Throws the connection's error unless <paramref name="rc"/> is <c>SQLITE_OK</c>.</summary>
        internal void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
                throw SqliteJournal.Error(Db, rc);
        }

        /// <summary>Steps <paramref name="statement"/>: true on a row, false when done, the connection's error otherwise.</summary>
        internal bool Step(sqlite3_stmt statement) => raw.sqlite3_step(statement) switch
        {
            raw.SQLITE_ROW => true,
            raw.SQLITE_DONE => false,
            var rc => throw SqliteJournal.Error(Db, rc),
        };

        /// <summary>Resets the read's statement, which ends its read transaction (a statement left on a row holds it).</summary>
        internal bool EndRead()
        {
            if (_current is not { } statement)
                return true;
            _current = null;
            raw.sqlite3_reset(statement); // returns the last step's error, already reported to the reader's caller
            return raw.sqlite3_clear_bindings(statement) == raw.SQLITE_OK;
        }

        public void Dispose()
        {
            foreach (var statement in _statements.Values)
                statement.Dispose();
            _connection.Dispose();
        }
    }
}
