using Microsoft.Data.Sqlite;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;
using Switch.Runtime.Serialization;

namespace Switch.Runtime.TestKit;

/// <summary>
/// A disposable actor system for one test with persistence attached: an SQLite journal and snapshot store in a new
/// temporary directory, deleted on dispose. Start a second <see cref="ActorSystem"/> on the same file with
/// <see cref="OpenAsync"/> to test recovery in a "new process".
/// </summary>
public sealed class PersistentTestSystem : IAsyncDisposable
{
    private readonly string _directory;
    private readonly List<IAsyncDisposable> _opened = [];

    private PersistentTestSystem(string directory, SqlitePersistenceOptions options)
    {
        _directory = directory;
        Options = options;
    }

    /// <summary>The actor system, with the journal, snapshot store and serializer attached.</summary>
    public ActorSystem System { get; private set; } = null!;

    /// <summary>The journal of <see cref="System"/>.</summary>
    public EventJournal Journal { get; private set; } = null!;

    /// <summary>The snapshot store of <see cref="System"/>.</summary>
    public SnapshotStore Snapshots { get; private set; } = null!;

    /// <summary>The options of the temporary database (its file lives in a directory deleted on dispose).</summary>
    public SqlitePersistenceOptions Options { get; }

    /// <summary>Creates the temporary database and the actor system.</summary>
    /// <param name="serializer">The event and snapshot types the test uses.</param>
    /// <param name="configure">Adjusts the SQLite options (timeouts, breaker), or null.</param>
    /// <param name="name">The actor system's name.</param>
    /// <returns>The test system; dispose it at the end of the test.</returns>
    public static async Task<PersistentTestSystem> CreateAsync(EventSerializer serializer, Func<SqlitePersistenceOptions, SqlitePersistenceOptions>? configure = null, string name = "test")
    {
        ArgumentNullException.ThrowIfNull(serializer);
        var directory = Path.Combine(Path.GetTempPath(), "switch-persistent-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var options = new SqlitePersistenceOptions(Path.Combine(directory, "journal.db"));
        if (configure is not null) options = configure(options);
        var test = new PersistentTestSystem(directory, options);
        try
        {
            (test.System, test.Journal, test.Snapshots) = await test.OpenAsync(serializer, name).ConfigureAwait(false);
        }
        catch
        {
            await test.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return test;
    }

    /// <summary>
    /// Opens another actor system with its own journal and snapshot store on the same database file (as a restarted
    /// process would); it is terminated and closed with this test system.
    /// </summary>
    /// <param name="serializer">The serializer of the new system.</param>
    /// <param name="name">The new actor system's name.</param>
    /// <returns>The new system and its stores.</returns>
    public async Task<(ActorSystem System, EventJournal Journal, SnapshotStore Snapshots)> OpenAsync(EventSerializer serializer, string name = "test")
    {
        var journal = await SqliteJournal.OpenAsync(Options).ConfigureAwait(false);
        _opened.Add(journal);
        var snapshots = await SqliteSnapshotStore.OpenAsync(Options).ConfigureAwait(false);
        _opened.Add(snapshots);
        var system = ActorSystem.Create(name);
        _opened.Add(system);
        system.UsePersistence(journal, snapshots, serializer);
        return (system, journal, snapshots);
    }

    /// <summary>Terminates every system (newest first), closes the stores and deletes the temporary database.</summary>
    /// <returns>A task that completes when everything is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        for (var i = _opened.Count - 1; i >= 0; i--)
        {
            try
            {
                await _opened[i].DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // a test may have left the database unusable; keep closing the rest
            }
        }
        _opened.Clear();
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
