using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switch.Runtime.Persistence;

/// <summary>The SQLite snapshot store: the snapshot table of the same database file as <see cref="SqliteJournal"/>.</summary>
public sealed class SqliteSnapshotStore : SnapshotStore
{
    private readonly SqliteSchema _schema;
    private readonly string _saveSql, _loadSql, _deleteSql;

    private SqliteSnapshotStore(SqliteSchema schema, ILogger logger)
        : base($"sqlite snapshot store '{schema.FullPath}'", schema.Options, logger)
    {
        _schema = schema;
        var s = schema.Snapshot;
        _saveSql = $"INSERT INTO {s} (persistence_id, sequence_number, created, manifest, payload) VALUES ($pid, $seq, $created, $manifest, $payload) " +
                   "ON CONFLICT (persistence_id, sequence_number) DO UPDATE SET created = excluded.created, manifest = excluded.manifest, payload = excluded.payload";
        _loadSql = $"SELECT sequence_number, created, manifest, payload FROM {s} WHERE persistence_id = $pid AND sequence_number <= $max ORDER BY sequence_number DESC LIMIT 1";
        _deleteSql = $"DELETE FROM {s} WHERE persistence_id = $pid AND sequence_number <= $max";
    }

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
            using var connection = new SqliteConnection(_schema.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = _loadSql;
            command.Parameters.AddWithValue("$pid", persistenceId);
            command.Parameters.AddWithValue("$max", maxSequenceNumber);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
                return null;
            return new Snapshot(persistenceId, reader.GetInt64(0), reader.GetString(2), reader.GetFieldValue<byte[]>(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
        }, cancellationToken);

    private protected override Task DeleteCoreAsync(string persistenceId, long maxSequenceNumber, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = _schema.Open();
            SqliteSchema.Execute(connection, _deleteSql, null, ("$pid", persistenceId), ("$max", maxSequenceNumber));
        }, cancellationToken);

    private protected override ValueTask CloseCoreAsync() => ValueTask.CompletedTask;
}
