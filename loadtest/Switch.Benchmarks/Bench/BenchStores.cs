using Switch.Runtime.Persistence;
using Switch.Runtime.Tests.Postgres;

namespace Switch.Benchmarks.Bench;

/// <summary>The stores a persistence benchmark runs on: SQLite in a temporary directory, PostgreSQL on a private server.</summary>
internal static class BenchStores
{
    /// <summary>The <c>--store</c> values.</summary>
    internal static bool IsValid(string store) => store is "sqlite" or "postgres" or "all";

    /// <summary>
    /// Runs <paramref name="measure"/> for each store <paramref name="store"/> names, giving it the store's name and a way
    /// to open a journal and snapshot store on one database (as often as it likes: e.g. again, as after a restart).
    /// </summary>
    internal static async Task RunAsync(string store, string bench, Func<string, Func<Task<(EventJournal, SnapshotStore)>>, Task> measure)
    {
        if (store is "sqlite" or "all")
        {
            var directory = Directory.CreateTempSubdirectory($"switch-bench-{bench}-").FullName;
            try
            {
                var options = new SqlitePersistenceOptions(Path.Combine(directory, "journal.db"));
                await measure("sqlite", async () => (await SqliteJournal.OpenAsync(options), await SqliteSnapshotStore.OpenAsync(options)));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        if (store is "postgres" or "all")
        {
            using var server = PostgresServer.Start();
            var options = new PostgresPersistenceOptions(server.CreateDatabase("bench"));
            Console.Error.WriteLine($"bench: {server.Version} on 127.0.0.1:{server.Port} (fsync on, synchronous_commit on)");
            await measure("postgres", async () => (await PostgresJournal.OpenAsync(options), await PostgresSnapshotStore.OpenAsync(options)));
        }
    }
}
