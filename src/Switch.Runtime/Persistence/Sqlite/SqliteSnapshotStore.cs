using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SQLitePCL;

namespace Switch.Runtime.Persistence;

/// <summary>The SQLite snapshot store: the snapshot table of the same database file as <see cref="SqliteJournal"/>.</summary>
public sealed class SqliteSnapshotStore : SnapshotStore
{
    private readonly SqliteSchema _schema;
    private readonly SqliteReaders _readers;
    private readonly string _saveSql, _loadSql, _deleteSql;

    private SqliteSnapshotStore(SqliteSchema schema, ILogger logger)
        : base($"sqlite snapshot store '{schema.FullPath}'", schema.Options, logger)
    {
        _schema = schema;
        _readers = new SqliteReaders(schema);
        var s = schema.Snapshot;
        _saveSql = $"INSERT INTO {s} (persistence_id, sequence_number, created, manifest, payload) VALUES ($pid, $seq, $created, $manifest, $payload) " +
                   "ON CONFLICT (persistence_id, sequence_number) DO UPDATE SET created = excluded.created, manifest = excluded.manifest, payload = excluded.payload";
        _loadSql = $"SELECT {Columns} FROM {s} WHERE persistence_id = ?1 AND sequence_number <= ?2 ORDER BY sequence_number DESC LIMIT 1";
        _deleteSql = $"DELETE FROM {s} WHERE persistence_id = $pid AND sequence_number <= $max";
    }

    internal SqliteSchema Schema => _schema;

    /// <summary>The columns <see cref="Read"/> reads, in its order.</summary>
    internal const string Columns = "sequence_number, created, manifest, payload";

    /// <summary>The snapshot in the <see cref="Columns"/> of the statement's current row, starting at column <paramref name="first"/>.</summary>
    internal static Snapshot Read(string persistenceId, sqlite3_stmt statement, int first) =>
        new(persistenceId, raw.sqlite3_column_int64(statement, first), raw.sqlite3_column_text(statement, first + 2).utf8_to_string(),
            raw.sqlite3_column_blob(statement, first + 3).ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(raw.sqlite3_column_int64(statement, first + 1)));

    /// <summary>Opens the snapshot store, creating or migrating the schema (idempotently).</summary>
    /// <param name="options">The database file and settings (the journal's).</param>
    /// <param name="loggerFactory">Where to log failures; null for none.</param>
    /// <param name="cancellationToken">Stops opening.</param>
    /// <returns>The open store; dispose it to close.</returns>
    /// <exception cref="JournalUnavailableException">The database could not be opened or migrated.</exception>
    public static async Task<SqliteSnapshotStore> OpenAsync(SqlitePersistenceOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var schema = new SqliteSchema(options);
        await SqliteStore.MigrateAsync(schema, "sqlite snapshot store", cancellationToken).ConfigureAwait(false);
        return new SqliteSnapshotStore(schema, (ILogger?)loggerFactory?.CreateLogger<SqliteSnapshotStore>() ?? NullLogger.Instance);
    }

    private protected override Task SaveCoreAsync(Snapshot snapshot, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = _schema.Open();
            var payload = snapshot.Payload.ToArray();
            SqliteSchema.Execute(connection, _saveSql, null,
                ("$pid", snapshot.PersistenceId), ("$seq", snapshot.SequenceNumber), ("$created", snapshot.Created.ToUnixTimeMilliseconds()),
                ("$manifest", snapshot.Manifest), ("$payload", payload));
        }, cancellationToken);

    private protected override Task<Snapshot?> LoadCoreAsync(string persistenceId, long maxSequenceNumber, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            var reader = _readers.Rent();
            try
            {
                var statement = reader.Statement(_loadSql);
                reader.Check(raw.sqlite3_bind_text(statement, 1, persistenceId));
                reader.Check(raw.sqlite3_bind_int64(statement, 2, maxSequenceNumber));
                return reader.Step(statement) ? Read(persistenceId, statement, 0) : null;
            }
            finally
            {
                _readers.Return(reader);
            }
        }, cancellationToken);

    private protected override Task DeleteCoreAsync(string persistenceId, long maxSequenceNumber, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = _schema.Open();
            SqliteSchema.Execute(connection, _deleteSql, null, ("$pid", persistenceId), ("$max", maxSequenceNumber));
        }, cancellationToken);

    private protected override ValueTask CloseCoreAsync()
    {
        _readers.Dispose();
        return ValueTask.CompletedTask;
    }
}
