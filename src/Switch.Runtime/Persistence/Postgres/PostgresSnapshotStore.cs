using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switch.Runtime.Persistence;

/// <summary>The PostgreSQL snapshot store: the snapshot table next to <see cref="PostgresJournal"/>'s tables.</summary>
public sealed class PostgresSnapshotStore : SnapshotStore
{
    private readonly PostgresSchema _schema;
    private readonly string _saveSql, _loadSql, _deleteSql;

    private PostgresSnapshotStore(PostgresSchema schema, ILogger logger)
        : base($"postgres snapshot store '{schema.Location} {schema.Options.Schema}.{schema.Options.SnapshotTable}'", schema.Options, logger)
    {
        _schema = schema;
        var s = schema.Snapshot;
        _saveSql = $"INSERT INTO {s} (persistence_id, sequence_number, created, manifest, payload) VALUES ($1, $2, $3, $4, $5) " +
                   "ON CONFLICT (persistence_id, sequence_number) DO UPDATE SET created = EXCLUDED.created, manifest = EXCLUDED.manifest, payload = EXCLUDED.payload";
        _loadSql = $"SELECT {Columns} FROM {s} WHERE persistence_id = $1 AND sequence_number <= $2 ORDER BY sequence_number DESC LIMIT 1";
        _deleteSql = $"DELETE FROM {s} WHERE persistence_id = $1 AND sequence_number <= $2";
    }

    internal PostgresSchema Schema => _schema;

    /// <summary>The columns <see cref="Read"/> reads, in its order.</summary>
    internal const string Columns = "sequence_number, created, manifest, payload";

    /// <summary>The snapshot in the <see cref="Columns"/> of the reader's current row, starting at column <paramref name="first"/>.</summary>
    internal static Snapshot Read(string persistenceId, Npgsql.NpgsqlDataReader reader, int first) =>
        new(persistenceId, reader.GetInt64(first), reader.GetString(first + 2), reader.GetFieldValue<byte[]>(first + 3),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(first + 1)));

    /// <summary>Opens the snapshot store, creating or migrating the schema (idempotently).</summary>
    /// <param name="options">The connection string and settings (the journal's).</param>
    /// <param name="loggerFactory">Where to log failures; null for none.</param>
    /// <param name="cancellationToken">Stops opening.</param>
    /// <returns>The open store; dispose it to close.</returns>
    /// <exception cref="JournalUnavailableException">The database could not be reached or migrated in time.</exception>
    public static async Task<PostgresSnapshotStore> OpenAsync(PostgresPersistenceOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var schema = await PostgresSchema.OpenAsync(options, "postgres snapshot store", cancellationToken).ConfigureAwait(false);
        return new PostgresSnapshotStore(schema, (ILogger?)loggerFactory?.CreateLogger<PostgresSnapshotStore>() ?? NullLogger.Instance);
    }

    private protected override async Task SaveCoreAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSchema.ExecuteAsync(connection, _saveSql, cancellationToken,
            snapshot.PersistenceId, snapshot.SequenceNumber, snapshot.Created.ToUnixTimeMilliseconds(), snapshot.Manifest, snapshot.Payload.ToArray()).ConfigureAwait(false);
    }

    private protected override async Task<Snapshot?> LoadCoreAsync(string persistenceId, long maxSequenceNumber, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new Npgsql.NpgsqlCommand(_loadSql, connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = persistenceId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = maxSequenceNumber });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(persistenceId, reader, 0) : null;
    }

    private protected override async Task DeleteCoreAsync(string persistenceId, long maxSequenceNumber, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSchema.ExecuteAsync(connection, _deleteSql, cancellationToken, persistenceId, maxSequenceNumber).ConfigureAwait(false);
    }

    private protected override void OnFailure(Exception error) => _schema.DataSource.Clear();

    private protected override ValueTask CloseCoreAsync() => _schema.DisposeAsync();
}
