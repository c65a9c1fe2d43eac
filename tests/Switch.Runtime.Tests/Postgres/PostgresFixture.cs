using Switch.Runtime.Persistence;

namespace Switch.Runtime.Tests.Postgres;

/// <summary>
/// One private PostgreSQL server for the whole "postgres" collection (its tests run one after another, so a test
/// may stop, pause and restart it). When the server cannot start, every test of the collection fails with the reason.
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresFixture()
    {
        Server = PostgresServer.Start(new Dictionary<string, string> { ["fsync"] = "on", ["synchronous_commit"] = "on" });
        ConnectionString = Server.CreateDatabase("switch_tests");
    }

    internal PostgresServer Server { get; }

    public string ConnectionString { get; }

    /// <summary>Options for a new, empty schema of the test database.</summary>
    public PostgresPersistenceOptions NewSchema() =>
        new(ConnectionString) { Schema = "t_" + Guid.NewGuid().ToString("N")[..16] };

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
}
