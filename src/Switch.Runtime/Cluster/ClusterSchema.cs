using Npgsql;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Cluster;

/// <summary>
/// The cluster tables (<c>cluster_members</c>, <c>shard_leases</c>, <c>cluster_data_centres</c>) of one schema, their
/// migrations, and the names the store's statements use.
/// </summary>
internal sealed class ClusterSchema
{
    internal const int LatestVersion = 1;

    internal ClusterSchema(string schema)
    {
        Name = schema;
        Members = Table(schema, "cluster_members");
        Leases = Table(schema, "shard_leases");
        DataCentres = Table(schema, "cluster_data_centres");
        Version = Table(schema, "schema_version");
        Scope = $"switch.cluster:{schema}";
    }

    /// <summary>The schema's name.</summary>
    internal string Name { get; }

    internal string Members { get; }

    internal string Leases { get; }

    internal string DataCentres { get; }

    private string Version { get; }

    private string Scope { get; }

    internal static string Table(string schema, string table) => PostgresSchema.Quote(schema) + "." + PostgresSchema.Quote(table);

    private string[] Migration(int version) => version switch
    {
        1 =>
        [
            $"""
            CREATE TABLE IF NOT EXISTS {Members} (
                node_id      TEXT        PRIMARY KEY,
                address      TEXT        NOT NULL,
                data_centre  TEXT        NOT NULL,
                roles        TEXT[]      NOT NULL,
                status       TEXT        NOT NULL CHECK (status IN ('joining', 'up', 'leaving', 'exiting', 'down', 'removed')),
                incarnation  BIGINT      NOT NULL CHECK (incarnation > 0),
                heartbeat_at TIMESTAMPTZ NOT NULL,
                joined_at    TIMESTAMPTZ NOT NULL,
                changed_at   TIMESTAMPTZ NOT NULL)
            """,
            $"""
            CREATE TABLE IF NOT EXISTS {Leases} (
                entity_type       TEXT        NOT NULL,
                shard_id          INTEGER     NOT NULL CHECK (shard_id >= 0),
                owner_node_id     TEXT        NULL,
                owner_incarnation BIGINT      NULL,
                epoch             BIGINT      NOT NULL CHECK (epoch > 0),
                expires_at        TIMESTAMPTZ NOT NULL,
                last_owner        TEXT        NULL,
                changed_at        TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (entity_type, shard_id),
                CHECK ((owner_node_id IS NULL) = (owner_incarnation IS NULL)))
            """,
            $"CREATE INDEX IF NOT EXISTS \"shard_leases_owner_idx\" ON {Leases} (owner_node_id, owner_incarnation)",
            $"""
            CREATE TABLE IF NOT EXISTS {DataCentres} (
                data_centre TEXT        PRIMARY KEY,
                isolated    BOOLEAN     NOT NULL,
                changed_at  TIMESTAMPTZ NOT NULL,
                changed_by  TEXT        NOT NULL)
            """,
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(version)),
    };

    /// <summary>Creates or migrates the tables (with the journal's migration runner and lock): safe from many processes at once, again and again.</summary>
    internal async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSchema.MigrateAsync(connection, Name, Version, Scope, LatestVersion, Migration, $"the cluster in schema {Name}", cancellationToken).ConfigureAwait(false);
    }
}
