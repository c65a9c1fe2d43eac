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

    protected override Task MakeAvailableAsync() => Task.Run(fixture.Server.EnsureRunning);

    protected override IDictionary<string, string> CrashChildEnvironment() =>
        PersistentCrashChild.PostgresEnvironment(fixture.ConnectionString, _options.Schema);
}
