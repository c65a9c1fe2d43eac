using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SQLitePCL;

namespace Switch.Runtime.Persistence;

/// <summary>
/// The SQLite journal (the embedded default): one database file in WAL mode, synced at every commit by default
/// (<see cref="SqlitePersistenceOptions.Synchronous"/>). One connection writes (the group-commit loop); reads use
/// pooled connections and run alongside it.
/// </summary>
public sealed class SqliteJournal : EventJournal
{
    private readonly SqliteSchema _schema;
    private readonly string _replaySql, _highestSql, _highestOrderingSql, _deleteSql, _byTagSql, _allSql;
    private Writer? _writer;

    private SqliteJournal(SqliteSchema schema, ILogger logger)
        : base($"sqlite journal '{schema.FullPath}'", "sqlite", schema.Options, logger)
    {
        _schema = schema;
        const string columns = "ordering, persistence_id, sequence_number, created, manifest, payload, writer_id, tags";
        var j = schema.Journal;
        _replaySql = $"SELECT {columns} FROM {j} WHERE persistence_id = $pid AND sequence_number >= $from AND sequence_number <= $to AND deleted = 0 ORDER BY sequence_number LIMIT $max";
        _highestSql = $"SELECT COALESCE(MAX(sequence_number), 0) FROM {j} WHERE persistence_id = $pid";
        _highestOrderingSql = $"SELECT COALESCE(MAX(ordering), 0) FROM {j}";
        _deleteSql = $"UPDATE {j} SET deleted = 1 WHERE persistence_id = $pid AND sequence_number <= $to AND deleted = 0";
        _byTagSql = $"SELECT j.ordering, j.persistence_id, j.sequence_number, j.created, j.manifest, j.payload, j.writer_id, j.tags FROM {schema.Tags} t JOIN {j} j ON j.ordering = t.ordering_id WHERE t.tag = $tag AND t.ordering_id > $after AND j.deleted = 0 ORDER BY t.ordering_id LIMIT $max";
        _allSql = $"SELECT {columns} FROM {j} WHERE ordering > $after AND deleted = 0 ORDER BY ordering LIMIT $max";
    }

    /// <summary>Opens the journal: creates or migrates the schema (idempotently) and starts the writer loop.</summary>
    /// <param name="options">The database file and settings.</param>
    /// <param name="loggerFactory">Where to log failures; null for none.</param>
    /// <param name="cancellationToken">Stops opening.</param>
    /// <returns>The open journal; dispose it to close.</returns>
    /// <exception cref="JournalUnavailableException">The database could not be opened or migrated.</exception>
    public static async Task<SqliteJournal> OpenAsync(SqlitePersistenceOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var schema = new SqliteSchema(options);
        await SqliteStore.MigrateAsync(schema, "sqlite journal", cancellationToken).ConfigureAwait(false);
        var journal = new SqliteJournal(schema, (ILogger?)loggerFactory?.CreateLogger<SqliteJournal>() ?? NullLogger.Instance);
        journal.StartWriter();
        return journal;
    }

    // ---- writes ----------------------------------------------------------------------------------------------

    private protected override ValueTask<WriteRejection[]?> WriteBatchAsync(IReadOnlyList<AtomicWrite> batch, long createdUnixMs, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult(WriteBatch(batch, createdUnixMs, cancellationToken));
        }
        catch (Exception error)
        {
            // A failed transaction may leave the connection in any state: start the next batch on a fresh one.
            _writer?.Dispose();
            _writer = null;
            return ValueTask.FromException<WriteRejection[]?>(error);
        }
    }

    private WriteRejection[]? WriteBatch(IReadOnlyList<AtomicWrite> batch, long created, CancellationToken cancellationToken)
    {
        var writer = _writer ??= new Writer(_schema);
        using (var transaction = writer.Begin())
        {
            try
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    if ((i & 63) == 63)
                        cancellationToken.ThrowIfCancellationRequested();
                    writer.Insert(batch[i], created, DefaultWriterId);
                }
            }
            catch (SqliteException error) when (SqliteSchema.IsSequenceConflict(error))
            {
                transaction.Rollback();
                goto isolate;
            }
            Commit(transaction);
            return null;
        }

    isolate:
        // Some write collides with a stored event (or with an earlier write of this batch): redo the batch with a
        // savepoint per write, so the offenders alone are rolled back and the others commit.
        var rejected = new WriteRejection[batch.Count];
        using (var transaction = writer.Begin())
        {
            for (var i = 0; i < batch.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                transaction.Save("w");
                try
                {
                    writer.Insert(batch[i], created, DefaultWriterId);
                }
                catch (SqliteException error) when (SqliteSchema.IsSequenceConflict(error))
                {
                    transaction.Rollback("w");
                    rejected[i] = WriteRejection.SequenceConflict;
                }
                transaction.Release("w");
            }
            Commit(transaction);
        }
        return rejected;
    }

    private static void Commit(SqliteTransaction transaction)
    {
        try
        {
            transaction.Commit();
        }
        catch (Exception error)
        {
            throw new CommitUncertainException(error);
        }
    }

    /// <summary>
    /// The writer loop's connection and its two statements, prepared once and bound through SQLitePCL directly
    /// (no boxing, no per-call parameter lookup, payloads bound from their memory without a copy).
    /// </summary>
    private sealed class Writer : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _insertEvent, _insertTag;

        internal Writer(SqliteSchema schema)
        {
            _connection = schema.Open();
            _connection.DefaultTimeout = schema.WriteTimeoutSeconds;
            SqliteSchema.Execute(_connection, $"PRAGMA wal_autocheckpoint = {schema.Options.CheckpointPages}");
            SqliteSchema.Execute(_connection, "PRAGMA cache_size = -65536"); // 64 MiB: the index pages of the active persistence ids stay cached
            _db = _connection.Handle!;
            _insertEvent = Prepare($"INSERT INTO {schema.Journal} (persistence_id, sequence_number, deleted, created, manifest, payload, writer_id, tags) VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7)");
            _insertTag = Prepare($"INSERT INTO {schema.Tags} (ordering_id, tag, persistence_id, sequence_nr) VALUES (?1, ?2, ?3, ?4)");
        }

        private sqlite3_stmt Prepare(string sql)
        {
            Check(raw.sqlite3_prepare_v2(_db, sql, out var statement));
            return statement;
        }

        private void Check(int rc)
        {
            if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE))
                throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(_db));
        }

        internal SqliteTransaction Begin() => _connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE

        internal void Insert(AtomicWrite write, long created, string defaultWriterId)
        {
            var pid = write.PersistenceId;
            var writerId = write.WriterId ?? defaultWriterId;
            foreach (var e in write.Events)
            {
                var statement = _insertEvent;
                raw.sqlite3_bind_text(statement, 1, pid);
                raw.sqlite3_bind_int64(statement, 2, e.SequenceNumber);
                raw.sqlite3_bind_int64(statement, 3, created);
                raw.sqlite3_bind_text(statement, 4, e.Manifest);
                raw.sqlite3_bind_blob(statement, 5, e.Payload.Span);
                raw.sqlite3_bind_text(statement, 6, writerId);
                if (e.Tags.Count == 0)
                    raw.sqlite3_bind_null(statement, 7);
                else
                    raw.sqlite3_bind_text(statement, 7, Tagging.Join(e.Tags));
                Step(statement);
                if (e.Tags.Count == 0)
                    continue;
                var ordering = raw.sqlite3_last_insert_rowid(_db);
                foreach (var tag in e.Tags)
                {
                    raw.sqlite3_bind_int64(_insertTag, 1, ordering);
                    raw.sqlite3_bind_text(_insertTag, 2, tag);
                    raw.sqlite3_bind_text(_insertTag, 3, pid);
                    raw.sqlite3_bind_int64(_insertTag, 4, e.SequenceNumber);
                    Step(_insertTag);
                }
            }
        }

        private void Step(sqlite3_stmt statement)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                raw.sqlite3_reset(statement);
                return;
            }
            var error = new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(_db));
            raw.sqlite3_reset(statement);
            throw error;
        }

        public void Dispose()
        {
            _insertEvent.Dispose();
            _insertTag.Dispose();
            _connection.Dispose();
        }
    }

    // ---- reads -----------------------------------------------------------------------------------------------

    private protected override IAsyncEnumerable<PersistedEvent> ReadEventsCore(string persistenceId, long from, long to, long max, CancellationToken cancellationToken) =>
        QueryAsync(_replaySql, [("$pid", persistenceId), ("$from", from), ("$to", to), ("$max", max)], cancellationToken);

    private protected override IAsyncEnumerable<PersistedEvent> ReadByTagCore(string tag, long afterOrdering, long max, CancellationToken cancellationToken) =>
        QueryAsync(_byTagSql, [("$tag", tag), ("$after", afterOrdering), ("$max", max)], cancellationToken);

    private protected override IAsyncEnumerable<PersistedEvent> ReadAllCore(long afterOrdering, long max, CancellationToken cancellationToken) =>
        QueryAsync(_allSql, [("$after", afterOrdering), ("$max", max)], cancellationToken);

    /// <summary>
    /// Runs one of the event queries (columns: ordering, persistence_id, sequence_number, created, manifest, payload,
    /// writer_id, tags) through SQLitePCL directly: the persistence id, manifest and writer id of a row are reused
    /// from the previous row when their bytes are the same, so a replay allocates little more than the events.
    /// </summary>
    private async IAsyncEnumerable<PersistedEvent> QueryAsync(string sql, (string Name, object Value)[] parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        using var connection = new SqliteConnection(_schema.ConnectionString);
        connection.Open();
        var db = connection.Handle!;
        using var interrupt = cancellationToken.Register(static state => raw.sqlite3_interrupt((sqlite3)state!), db);
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        using var _ = statement;
        if (rc != raw.SQLITE_OK)
            throw Error(db, rc);
        foreach (var (name, value) in parameters)
        {
            var index = raw.sqlite3_bind_parameter_index(statement, name);
            rc = value switch
            {
                string text => raw.sqlite3_bind_text(statement, index, text),
                long number => raw.sqlite3_bind_int64(statement, index, number),
                _ => throw new ArgumentException($"unsupported parameter type {value.GetType()}"),
            };
            if (rc != raw.SQLITE_OK)
                throw Error(db, rc);
        }
        var pid = new CachedString();
        var manifest = new CachedString();
        var writer = new CachedString();
        while (true)
        {
            rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
                break;
            if (rc != raw.SQLITE_ROW)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw Error(db, rc);
            }
            yield return new PersistedEvent(
                raw.sqlite3_column_int64(statement, 0),
                pid.Get(raw.sqlite3_column_blob(statement, 1)),
                raw.sqlite3_column_int64(statement, 2),
                manifest.Get(raw.sqlite3_column_blob(statement, 4)),
                raw.sqlite3_column_blob(statement, 5).ToArray(),
                raw.sqlite3_column_type(statement, 7) == raw.SQLITE_NULL ? Tagging.Split(null) : Tagging.Split(Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, 7))),
                writer.Get(raw.sqlite3_column_blob(statement, 6)),
                DateTimeOffset.FromUnixTimeMilliseconds(raw.sqlite3_column_int64(statement, 3)));
        }
    }

    private static SqliteException Error(sqlite3 db, int rc) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(db));

    /// <summary>The last string decoded from a column, reused while the column's bytes stay the same.</summary>
    private sealed class CachedString
    {
        private byte[] _bytes = [];
        private string _text = "";

        internal string Get(ReadOnlySpan<byte> utf8)
        {
            if (!utf8.SequenceEqual(_bytes))
            {
                _bytes = utf8.ToArray();
                _text = Encoding.UTF8.GetString(utf8);
            }
            return _text;
        }
    }

    private protected override Task<long> ReadHighestSequenceNumberCoreAsync(string persistenceId, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = new SqliteConnection(_schema.ConnectionString);
            connection.Open();
            return Convert.ToInt64(SqliteSchema.Scalar(connection, _highestSql, null, ("$pid", persistenceId)));
        }, cancellationToken);

    private protected override Task<long> ReadHighestOrderingCoreAsync(CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = new SqliteConnection(_schema.ConnectionString);
            connection.Open();
            return Convert.ToInt64(SqliteSchema.Scalar(connection, _highestOrderingSql));
        }, cancellationToken);

    private protected override Task DeleteEventsToCoreAsync(string persistenceId, long toSequenceNumber, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = _schema.Open();
            SqliteSchema.Execute(connection, _deleteSql, null, ("$pid", persistenceId), ("$to", toSequenceNumber));
        }, cancellationToken);

    private protected override ValueTask CloseCoreAsync()
    {
        _writer?.Dispose();
        _writer = null;
        SqliteConnection.ClearPool(new SqliteConnection(_schema.ConnectionString));
        return ValueTask.CompletedTask;
    }
}

/// <summary>What the SQLite journal and snapshot store share: opening and migrating.</summary>
internal static class SqliteStore
{
    internal static async Task MigrateAsync(SqliteSchema schema, string what, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Run(schema.Migrate, cancellationToken).WaitAsync(schema.Options.ConnectTimeout + schema.Options.WriteTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new JournalUnavailableException($"{what} '{schema.FullPath}'", $"could not open and migrate the database: {StoreGuard.Describe(error)}.", error);
        }
    }
}
