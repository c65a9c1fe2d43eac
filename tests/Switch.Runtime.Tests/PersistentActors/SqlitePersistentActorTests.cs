using Microsoft.Data.Sqlite;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Tests.PersistentActors;

/// <summary>PersistentActor on SQLite: a new database file per test.</summary>
public sealed class SqlitePersistentActorTests : PersistentActorContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switch-pa-sqlite-").FullName;
    private SqliteConnection? _locker;

    private string File => Path.Combine(_directory, "journal.db");

    private protected override async Task<(EventJournal Journal, SnapshotStore Snapshots)> OpenStoresAsync(TimeSpan? writeTimeout = null)
    {
        var options = new SqlitePersistenceOptions(File);
        if (writeTimeout is { } timeout) options = options with { WriteTimeout = timeout };
        return (await SqliteJournal.OpenAsync(options), await SqliteSnapshotStore.OpenAsync(options));
    }

    protected override Task MakeUnavailableAsync()
    {
        _locker = new SqliteConnection($"Data Source={File};Pooling=False");
        _locker.Open();
        using var command = _locker.CreateCommand();
        command.CommandText = "BEGIN EXCLUSIVE";
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    protected override Task MakeAvailableAsync()
    {
        _locker?.Dispose();
        _locker = null;
        return Task.CompletedTask;
    }

    protected override IDictionary<string, string> CrashChildEnvironment() => PersistentCrashChild.SqliteEnvironment(File);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
