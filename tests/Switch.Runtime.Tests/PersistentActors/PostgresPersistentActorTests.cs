using Npgsql;
using Switch.Runtime.Persistence;
using Switch.Runtime.Tests.Postgres;

namespace Switch.Runtime.Tests.PersistentActors;

/// <summary>PersistentActor on the collection's private PostgreSQL: a new schema per test.</summary>
[Collection("postgres")]
public sealed class PostgresPersistentActorTests(PostgresFixture fixture) : PersistentActorContract
{
    private readonly PostgresPersistenceOptions _options = fixture.NewSchema();

    private protected override async Task<(EventJournal Journal, SnapshotStore Snapshots)> OpenStoresAsync(TimeSpan? writeTimeout = null)
    {
        var options = writeTimeout is { } timeout ? _options with { WriteTimeout = timeout } : _options;
        return (await PostgresJournal.OpenAsync(options), await PostgresSnapshotStore.OpenAsync(options));
    }

    protected override Task MakeUnavailableAsync() => Task.Run(fixture.Server.Stop);

    protected override Task MakeAvailableAsync() => Task.Run(() =>
    {
        if (IsRunning()) return;
        fixture.Server.Restart();
    });

    private bool IsRunning()
    {
        try
        {
            using var connection = new NpgsqlConnection(fixture.Server.ConnectionString() + ";Pooling=false;Timeout=2");
            connection.Open();
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    protected override IDictionary<string, string> CrashChildEnvironment() =>
        PersistentCrashChild.PostgresEnvironment(fixture.ConnectionString, _options.Schema);
}
