using Npgsql;
using Switch.Runtime.Cluster;
using Switch.Runtime.Tests.Postgres;

namespace Switch.Runtime.Tests.Cluster;

/// <summary>
/// One private PostgreSQL server for the "cluster-postgres" collection; each test works in a schema of its own. When
/// the server cannot start, every test of the collection fails with the reason.
/// </summary>
public sealed class ClusterDatabaseFixture : IDisposable
{
    public ClusterDatabaseFixture()
    {
        // Durability is not under test here (leases and membership are, and they are quicker without syncs); commit
        // timestamps show the order in which a fenced write and a takeover committed.
        Server = PostgresServer.Start(new Dictionary<string, string>
        {
            ["fsync"] = "off",
            ["synchronous_commit"] = "off",
            ["track_commit_timestamp"] = "on",
        });
        ConnectionString = Server.CreateDatabase("switch_cluster_tests");
    }

    internal PostgresServer Server { get; }

    public string ConnectionString { get; }

    /// <summary>Settings for a new, empty schema of the test database (generous operation timeout: the machine is shared).</summary>
    public ClusterSettings NewSchema() => new()
    {
        ConnectionString = ConnectionString,
        Schema = "c_" + Guid.NewGuid().ToString("N")[..16],
        OperationTimeout = TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>A plain connection to the test database, for what the store does not offer (raw rows, open transactions).</summary>
    public async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition("cluster-postgres")]
public sealed class ClusterDatabaseCollection : ICollectionFixture<ClusterDatabaseFixture>
{
}
