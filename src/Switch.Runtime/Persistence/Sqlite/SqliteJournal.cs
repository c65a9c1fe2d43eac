using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SQLitePCL;

namespace Switch.Runtime.Persistence;

/// <summary>
/// The SQLite journal (the embedded default): one database file in WAL mode; by default a write is acknowledged only
/// once the log holding its commit is synced (<see cref="SqlitePersistenceOptions.Synchronous"/>), the sync running
/// beside the next commit (<see cref="WalSync"/>). One connection writes (the group-commit loop); reads use pooled
/// connections and run alongside it.
/// </summary>
public sealed class SqliteJournal : EventJournal
{
    private readonly SqliteSchema _schema;
    private readonly SqliteReaders _readers;
    private readonly string _replaySql, _highestSql, _recoveryStartSql, _highestOrderingSql, _deleteSql, _byTagSql, _allSql;
    private Writer? _writer;

    private SqliteJournal(SqliteSchema schema, ILogger logger)
        : base($"sqlite journal '{schema.FullPath}'", "sqlite", schema.Options, logger)
    {
        _schema = schema;
        _readers = new SqliteReaders(schema);
        const string columns = "ordering, persistence_id, sequence_number, created, manifest, payload, writer_id, tags";
        var j = schema.Journal;
        _replaySql = $"SELECT {columns} FROM {j} WHERE persistence_id = $pid AND sequence_number >= $from AND sequence_number <= $to AND deleted = 0 ORDER BY sequence_number LIMIT $max";
        _highestSql = $"SELECT COALESCE(MAX(sequence_number), 0) FROM {j} WHERE persistence_id = ?1";
        _recoveryStartSql = $"SELECT h.highest, s.* FROM (SELECT COALESCE(MAX(sequence_number), 0) AS highest FROM {j} WHERE persistence_id = ?1) h " +
                            $"LEFT JOIN (SELECT {SqliteSnapshotStore.Columns} FROM {schema.Snapshot} WHERE persistence_id = ?1 ORDER BY sequence_number DESC LIMIT 1) s ON 1";
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

    private protected override bool PipelinesCommits => true;

    private protected override ValueTask<WriteRejection[]?> WriteBatchAsync(IReadOnlyList<AtomicWrite> batch, long createdUnixMs, CancellationToken cancellationToken)
    {
        Writer writer;
        WriteRejection[]? rejected;
        try
        {
            writer = _writer ??= new Writer(_schema);
            rejected = WriteBatch(writer, batch, createdUnixMs, cancellationToken);
        }
        catch (Exception error)
        {
            // A failed transaction may leave the connection in any state: start the next batch on a fresh one.
            _writer?.Dispose();
            _writer = null;
            return ValueTask.FromException<WriteRejection[]?>(error);
        }
        return writer.Sync is { } sync ? AwaitSyncAsync(sync.SyncAsync(), rejected) : ValueTask.FromResult(rejected);
    }

    private static async ValueTask<WriteRejection[]?> AwaitSyncAsync(Task synced, WriteRejection[]? rejected)
    {
        await synced.ConfigureAwait(false);
        return rejected;
    }

    private WriteRejection[]? WriteBatch(Writer writer, IReadOnlyList<AtomicWrite> batch, long created, CancellationToken cancellationToken)
    {
        using (var transaction = writer.Begin())
        {
            try
            {
                writer.InsertAll(batch, created, DefaultWriterId, cancellationToken);
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
    /// The writer loop's connection (through <see cref="WalGatheringVfs"/>) and its statements, prepared once. Values
    /// are copied once into a pinned buffer and bound in place straight into e_sqlite3 (<see cref="SqliteNative"/>).
    /// Events go in as multi-row INSERTs of up to <see cref="RowsPerInsert"/> rows: SQLite's per-statement work
    /// (cursors, the AUTOINCREMENT bookkeeping, the statement's start and end) is then paid once per chunk.
    /// </summary>
    private sealed class Writer : IDisposable
    {
        private const int RowsPerInsert = 32;
        private const int ColumnsPerRow = 7;

        private readonly SqliteConnection _connection;
        private readonly sqlite3 _db;
        private readonly string _journal;
        private readonly sqlite3_stmt?[] _insertEvents = new sqlite3_stmt?[RowsPerInsert + 1]; // by row count
        private readonly sqlite3_stmt _insertEvent, _insertTag;
        private readonly List<(AtomicWrite Write, NewEvent Event)> _rows = new(capacity: 1024);
        private byte[] _arena = GC.AllocateUninitializedArray<byte>(64 * 1024, pinned: true); // the bound bytes of one INSERT

        internal Writer(SqliteSchema schema)
        {
            _connection = schema.OpenWriter();
            _connection.DefaultTimeout = schema.WriteTimeoutSeconds;
            if (schema.Options.Synchronous == SqliteSynchronous.Full)
            {
                // Durable at acknowledgement all the same: the commit does not wait for the sync, the write does.
                SqliteSchema.Execute(_connection, "PRAGMA synchronous = NORMAL");
                Sync = new WalSync(schema.FullPath);
            }
            SqliteSchema.Execute(_connection, $"PRAGMA wal_autocheckpoint = {schema.Options.CheckpointPages}");
            _db = _connection.Handle!;
            _journal = schema.Journal;
            _insertEvent = Prepare(InsertEventsSql("INSERT", 1));
            _insertTag = Prepare($"INSERT INTO {schema.Tags} (ordering_id, tag, persistence_id, sequence_nr) VALUES (?1, ?2, ?3, ?4)");
        }

        private sqlite3_stmt Prepare(string sql)
        {
            Check(raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement));
            return statement;
        }

        /// <summary>
        /// The batch's INSERT of <paramref name="rows"/> rows. OR ROLLBACK: a conflict ends the whole transaction, which
        /// the batch redoes write by write anyway, so SQLite needs no statement journal (a temporary file it would
        /// otherwise write the old content of every changed page to, for undoing one statement of several rows).
        /// </summary>
        private sqlite3_stmt InsertEvents(int rows) => _insertEvents[rows] ??= Prepare(InsertEventsSql("INSERT OR ROLLBACK", rows));

        private string InsertEventsSql(string insert, int rows)
        {
            var sql = new StringBuilder($"{insert} INTO {_journal} (persistence_id, sequence_number, deleted, created, manifest, payload, writer_id, tags) VALUES ");
            for (var row = 0; row < rows; row++)
            {
                var p = row * ColumnsPerRow;
                sql.Append(row == 0 ? "" : ", ").Append($"(?{p + 1}, ?{p + 2}, 0, ?{p + 3}, ?{p + 4}, ?{p + 5}, ?{p + 6}, ?{p + 7})");
            }
            return sql.ToString();
        }

        private void Check(int rc)
        {
            if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE))
                throw Error(_db, rc);
        }

        /// <summary>Syncs the write-ahead log after commits; null when commits are not synced (<see cref="SqliteSynchronous.Normal"/>).</summary>
        internal WalSync? Sync { get; }

        internal SqliteTransaction Begin() => _connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE

        /// <summary>Inserts every event of the batch, in order.</summary>
        internal void InsertAll(IReadOnlyList<AtomicWrite> batch, long created, string defaultWriterId, CancellationToken cancellationToken)
        {
            var rows = _rows;
            rows.Clear();
            foreach (var write in batch)
            {
                foreach (var e in write.Events)
                    rows.Add((write, e));
            }
            for (var start = 0; start < rows.Count; start += RowsPerInsert)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(RowsPerInsert, rows.Count - start);
                InsertRows(InsertEvents(count), start, count, created, defaultWriterId);
            }
            rows.Clear();
        }

        /// <summary>
        /// Inserts the events of one write, one row per INSERT whose conflict ends only the statement (the
        /// savepoint-per-write path after a conflict).
        /// </summary>
        internal void Insert(AtomicWrite write, long created, string defaultWriterId)
        {
            var rows = _rows;
            rows.Clear();
            foreach (var e in write.Events)
                rows.Add((write, e));
            for (var row = 0; row < rows.Count; row++)
                InsertRows(_insertEvent, row, 1, created, defaultWriterId);
            rows.Clear();
        }

        private unsafe void InsertRows(sqlite3_stmt statement, int start, int count, long created, string defaultWriterId)
        {
            var handle = statement.DangerousGetHandle();
            var size = 0;
            for (var row = 0; row < count; row++)
            {
                var (write, e) = _rows[start + row];
                size += Encoding.UTF8.GetMaxByteCount(write.PersistenceId.Length + e.Manifest.Length + (write.WriterId ?? defaultWriterId).Length)
                    + e.Payload.Length + (e.Tags.Count == 0 ? 0 : Encoding.UTF8.GetMaxByteCount(Tagging.Join(e.Tags)!.Length));
            }
            if (_arena.Length < size)
                _arena = GC.AllocateUninitializedArray<byte>(Math.Max(size, _arena.Length * 2), pinned: true);
            var tagged = false;
            fixed (byte* arena = _arena)
            {
                var used = 0;
                for (var row = 0; row < count; row++)
                {
                    var (write, e) = _rows[start + row];
                    var p = row * ColumnsPerRow;
                    BindText(handle, p + 1, write.PersistenceId, arena, ref used);
                    Check(SqliteNative.BindInt64(handle, p + 2, e.SequenceNumber));
                    Check(SqliteNative.BindInt64(handle, p + 3, created));
                    BindText(handle, p + 4, e.Manifest, arena, ref used);
                    BindBlob(handle, p + 5, e.Payload.Span, arena, ref used);
                    BindText(handle, p + 6, write.WriterId ?? defaultWriterId, arena, ref used);
                    if (e.Tags.Count == 0)
                    {
                        Check(SqliteNative.BindNull(handle, p + 7));
                    }
                    else
                    {
                        BindText(handle, p + 7, Tagging.Join(e.Tags)!, arena, ref used);
                        tagged = true;
                    }
                }
                Step(statement);
            }
            if (!tagged)
                return;
            // The rows of one INSERT take consecutive orderings in VALUES order (each is the table's highest + 1), so
            // the last insert rowid gives every row's ordering.
            var first = raw.sqlite3_last_insert_rowid(_db) - count + 1;
            for (var row = 0; row < count; row++)
            {
                var (write, e) = _rows[start + row];
                foreach (var tag in e.Tags)
                {
                    raw.sqlite3_bind_int64(_insertTag, 1, first + row);
                    raw.sqlite3_bind_text(_insertTag, 2, tag);
                    raw.sqlite3_bind_text(_insertTag, 3, write.PersistenceId);
                    raw.sqlite3_bind_int64(_insertTag, 4, e.SequenceNumber);
                    Step(_insertTag);
                }
            }
        }

        /// <summary>Copies <paramref name="text"/> as UTF-8 into the arena at <paramref name="used"/> and binds it there.</summary>
        private unsafe void BindText(nint statement, int index, string text, byte* arena, ref int used)
        {
            var length = Encoding.UTF8.GetBytes(text, _arena.AsSpan(used));
            Check(SqliteNative.BindText(statement, index, arena + used, length));
            used += length;
        }

        /// <summary>Copies <paramref name="bytes"/> into the arena at <paramref name="used"/> and binds them there.</summary>
        private unsafe void BindBlob(nint statement, int index, ReadOnlySpan<byte> bytes, byte* arena, ref int used)
        {
            bytes.CopyTo(_arena.AsSpan(used));
            Check(SqliteNative.BindBlob(statement, index, arena + used, bytes.Length));
            used += bytes.Length;
        }

        private void Step(sqlite3_stmt statement)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                raw.sqlite3_reset(statement);
                return;
            }
            var error = Error(_db, rc);
            raw.sqlite3_reset(statement);
            throw error;
        }

        public void Dispose()
        {
            Sync?.Dispose();
            foreach (var statement in _insertEvents)
                statement?.Dispose();
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
    /// writer_id, tags) on a pooled reader: the persistence id, manifest and writer id of a row are reused from the
    /// previous row when their bytes are the same, so a replay allocates little more than the events.
    /// </summary>
    private async IAsyncEnumerable<PersistedEvent> QueryAsync(string sql, (string Name, object Value)[] parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var reader = _readers.Rent();
        try
        {
            using var interrupt = cancellationToken.Register(static state => raw.sqlite3_interrupt((sqlite3)state!), reader.Db);
            var statement = reader.Statement(sql);
            foreach (var (name, value) in parameters)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, name);
                reader.Check(value switch
                {
                    string text => raw.sqlite3_bind_text(statement, index, text),
                    long number => raw.sqlite3_bind_int64(statement, index, number),
                    _ => throw new ArgumentException($"unsupported parameter type {value.GetType()}"),
                });
            }
            var pid = new CachedString();
            var manifest = new CachedString();
            var writer = new CachedString();
            while (true)
            {
                bool row;
                try
                {
                    row = reader.Step(statement);
                }
                catch (SqliteException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
                if (!row)
                    break;
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
        finally
        {
            _readers.Return(reader);
        }
    }

    /// <summary>Reads the one row of <paramref name="sql"/> (its parameter ?1, if any, is <paramref name="persistenceId"/>) on a pooled reader.</summary>
    private T ReadRow<T>(string sql, string? persistenceId, Func<sqlite3_stmt, string?, T> read)
    {
        var reader = _readers.Rent();
        try
        {
            var statement = reader.Statement(sql);
            if (persistenceId is not null)
                reader.Check(raw.sqlite3_bind_text(statement, 1, persistenceId));
            if (!reader.Step(statement))
                throw new InvalidOperationException($"'{sql}' returned no row.");
            return read(statement, persistenceId);
        }
        finally
        {
            _readers.Return(reader);
        }
    }

    internal static SqliteException Error(sqlite3 db, int rc) =>
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
        Task.Run(() => ReadRow(_highestSql, persistenceId, static (row, _) => raw.sqlite3_column_int64(row, 0)), cancellationToken);

    /// <summary>When the snapshot store keeps its table in this journal's file, one query reads both on one connection.</summary>
    private protected override Task<(long Highest, Snapshot? Snapshot)> ReadRecoveryStartCoreAsync(string persistenceId, SnapshotStore? snapshots)
    {
        if (snapshots is not SqliteSnapshotStore store || !store.Schema.SharesSnapshotTableWith(_schema))
            return base.ReadRecoveryStartCoreAsync(persistenceId, snapshots);
        return Guard.RunAsync($"Reading the recovery start of '{persistenceId}'", token => Task.Run(() => ReadRow(_recoveryStartSql, persistenceId,
            static (row, pid) => (raw.sqlite3_column_int64(row, 0), raw.sqlite3_column_type(row, 1) == raw.SQLITE_NULL ? null : SqliteSnapshotStore.Read(pid!, row, 1))),
            token), CancellationToken.None);
    }

    private protected override Task<long> ReadHighestOrderingCoreAsync(CancellationToken cancellationToken) =>
        Task.Run(() => ReadRow(_highestOrderingSql, null, static (row, _) => raw.sqlite3_column_int64(row, 0)), cancellationToken);

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
        _readers.Dispose();
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
