using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Tests.Persistence;

/// <summary>The journal contract on SQLite: a new database file per test.</summary>
public sealed class SqliteJournalTests : JournalContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switch-sqlite-").FullName;
    private SqliteConnection? _locker;

    private string File => Path.Combine(_directory, "journal.db");

    protected override PersistenceOptions Options => new SqlitePersistenceOptions(File);

    private protected override async Task<EventJournal> OpenJournalCoreAsync(PersistenceOptions options) =>
        await SqliteJournal.OpenAsync((SqlitePersistenceOptions)options);

    private protected override async Task<SnapshotStore> OpenSnapshotsCoreAsync(PersistenceOptions options) =>
        await SqliteSnapshotStore.OpenAsync((SqlitePersistenceOptions)options);

    /// <summary>Another connection takes the write lock and keeps it: every writer waits and times out.</summary>
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
        _locker?.Dispose(); // rolls back and releases the lock
        _locker = null;
        return Task.CompletedTask;
    }

    protected override IDictionary<string, string> CrashChildEnvironment() => CrashChild.SqliteEnvironment(File);

    public override async Task DisposeAsync()
    {
        await MakeAvailableAsync();
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

    [Fact]
    public async Task The_database_runs_in_WAL_mode_with_the_schema_modelled_on_Akka_Persistence_Sql()
    {
        await (await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(File))).DisposeAsync();
        await using var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        connection.Open();
        string Scalar(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToString(command.ExecuteScalar())!;
        }
        Assert.Equal("wal", Scalar("PRAGMA journal_mode"));
        Assert.Equal("ordering,persistence_id,sequence_number,deleted,created,manifest,payload,writer_id,tags",
            Scalar("SELECT group_concat(name) FROM pragma_table_info('journal')"));
        Assert.Equal("ordering_id,tag,persistence_id,sequence_nr", Scalar("SELECT group_concat(name) FROM pragma_table_info('tags')"));
        Assert.Equal("persistence_id,sequence_number,created,manifest,payload", Scalar("SELECT group_concat(name) FROM pragma_table_info('snapshot')"));
        Assert.Equal("1", Scalar("SELECT group_concat(version) FROM schema_version"));
    }

    [Fact]
    public async Task A_new_database_gets_the_configured_page_size_and_an_existing_one_keeps_its_own()
    {
        string PageSize()
        {
            using var connection = new SqliteConnection($"Data Source={File};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA page_size";
            return Convert.ToString(command.ExecuteScalar())!;
        }
        await using (var journal = await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(File)))
            await journal.WriteAsync(Write("x", 1, 1));
        Assert.Equal("1024", PageSize());
        await using (var journal = await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(File) { PageSize = 4096 }))
            await journal.WriteAsync(Write("x", 2, 2));
        Assert.Equal("1024", PageSize());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqlitePersistenceOptions(File) { PageSize = 3000 }.Validate());
    }

    [Fact]
    public async Task Table_names_are_configurable()
    {
        var options = new SqlitePersistenceOptions(File) { JournalTable = "j2", TagTable = "t2", SnapshotTable = "s2", SchemaVersionTable = "v2" };
        await using (var journal = await SqliteJournal.OpenAsync(options))
            await journal.WriteAsync(Write("x", 1, 1, "tag"));
        await using var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name)";
        Assert.Equal("j2,s2,t2,v2", command.ExecuteScalar());
        Assert.Throws<ArgumentException>(() => new SqlitePersistenceOptions(File) { JournalTable = "x; DROP TABLE y" }.Validate());
    }

    [Fact]
    public async Task A_replay_left_part_way_holds_no_read_open_on_the_connection_the_next_read_gets()
    {
        await using var journal = await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(File));
        await journal.WriteAsync(Write("acct", 1, 3));
        await foreach (var first in journal.ReplayAsync("acct"))
        {
            Assert.Equal(1, first.SequenceNumber);
            break; // the statement stays on its first row unless the connection's read is ended
        }
        await journal.WriteAsync(Write("acct", 4, 5));
        Assert.Equal(5, await journal.ReadHighestSequenceNumberAsync("acct"));
        Assert.Equal(5, await journal.ReplayAsync("acct").CountAsync());
    }

    [Fact]
    public async Task A_recovery_start_reads_a_snapshot_store_in_another_file_through_the_store()
    {
        await using var journal = await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(File));
        await using var store = await SqliteSnapshotStore.OpenAsync(new SqlitePersistenceOptions(Path.Combine(_directory, "snapshots.db")));
        await journal.WriteAsync(Write("acct", 1, 3));
        await store.SaveAsync("acct", 2, "State.v1", new byte[] { 7 });
        var (highest, snapshot) = await journal.ReadRecoveryStartAsync("acct", store);
        Assert.Equal(3, highest);
        Assert.Equal((2L, "State.v1"), (snapshot!.SequenceNumber, snapshot.Manifest));
        Assert.Equal([7], snapshot.Payload.ToArray());
    }

    [Fact]
    public async Task A_database_that_cannot_be_opened_fails_with_a_clear_exception()
    {
        var blocker = Path.Combine(_directory, "a-file");
        await System.IO.File.WriteAllTextAsync(blocker, "not a directory");
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => SqliteJournal.OpenAsync(new SqlitePersistenceOptions(Path.Combine(blocker, "journal.db"))));
        Assert.Contains("sqlite journal", error.Message);
        Assert.Contains("a-file", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }
}
