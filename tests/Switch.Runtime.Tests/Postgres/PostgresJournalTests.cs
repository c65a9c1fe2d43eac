using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Switch.Runtime.Persistence;
using Switch.Runtime.Tests.Persistence;

namespace Switch.Runtime.Tests.Postgres;

/// <summary>The journal contract on a real PostgreSQL (the collection's private server): a new schema per test.</summary>
[Collection("postgres")]
public sealed class PostgresJournalTests(PostgresFixture fixture) : JournalContract
{
    private readonly PostgresPersistenceOptions _options = fixture.NewSchema();

    protected override PersistenceOptions Options => _options;

    private protected override async Task<EventJournal> OpenJournalCoreAsync(PersistenceOptions options) =>
        await PostgresJournal.OpenAsync((PostgresPersistenceOptions)options);

    private protected override async Task<SnapshotStore> OpenSnapshotsCoreAsync(PersistenceOptions options) =>
        await PostgresSnapshotStore.OpenAsync((PostgresPersistenceOptions)options);

    /// <summary>The server is shut down (sessions are disconnected, new connections refused).</summary>
    protected override Task MakeUnavailableAsync() => Task.Run(fixture.Server.Stop);

    protected override Task MakeAvailableAsync() => Task.Run(fixture.Server.EnsureRunning);

    protected override IDictionary<string, string> CrashChildEnvironment() =>
        CrashChild.PostgresEnvironment(fixture.ConnectionString, _options.Schema);

    [Fact]
    public async Task The_schema_is_modelled_on_Akka_Persistence_Sql()
    {
        await (await PostgresJournal.OpenAsync(_options)).DisposeAsync();
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        async Task<string> Columns(string table)
        {
            await using var command = new NpgsqlCommand(
                "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = _options.Schema });
            command.Parameters.Add(new NpgsqlParameter { Value = table });
            return (string)(await command.ExecuteScalarAsync())!;
        }
        Assert.Equal("ordering:bigint,persistence_id:text,sequence_number:bigint,deleted:boolean,created:bigint,manifest:text,payload:bytea,writer_id:text,tags:text", await Columns("journal"));
        Assert.Equal("ordering_id:bigint,tag:text,persistence_id:text,sequence_nr:bigint", await Columns("tags"));
        Assert.Equal("persistence_id:text,sequence_number:bigint,created:bigint,manifest:text,payload:bytea", await Columns("snapshot"));
        await using var version = new NpgsqlCommand($"SELECT string_agg(version::text, ',') FROM \"{_options.Schema}\".schema_version", connection);
        Assert.Equal("1", await version.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_journal_opens_at_most_16_connections_and_readers_beyond_them_wait_for_one()
    {
        // 40 replays that each hold their connection until released: the server sees the writer and 15 readers, not 41
        // (the nodes of a cluster share one server's max_connections), and every waiting replay still completes.
        var application = "pool-" + Guid.NewGuid().ToString("N")[..12];
        var options = _options with { ConnectionString = fixture.ConnectionString + ";Application Name=" + application };
        await using var journal = await PostgresJournal.OpenAsync(options);
        await journal.WriteAsync(Write("p", 1, 2));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var replays = Enumerable.Range(0, 40).Select(_ => Task.Run(async () =>
        {
            var read = 0;
            await foreach (var _ in journal.ReplayAsync("p"))
            {
                if (read++ == 0)
                {
                    Interlocked.Increment(ref started);
                    await release.Task;
                }
            }
            return read;
        })).ToList();
        await using var observer = new NpgsqlConnection(fixture.ConnectionString);
        await observer.OpenAsync();
        async Task<long> Connections()
        {
            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", observer);
            count.Parameters.Add(new NpgsqlParameter { Value = application });
            return (long)(await count.ExecuteScalarAsync())!;
        }
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref started) < 15 && clock.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(20);
        await Task.Delay(300);
        Assert.Equal(15, Volatile.Read(ref started));
        Assert.Equal(16, await Connections());
        release.SetResult();
        Assert.All(await Task.WhenAll(replays), read => Assert.Equal(2, read));
        Assert.True(await Connections() <= 16);
    }

    [Fact]
    public async Task A_recovery_start_reads_a_snapshot_table_of_another_schema_through_the_snapshot_store()
    {
        // One query reads both only when the journal's connections reach the store's table; otherwise each store reads its own.
        await using var journal = await PostgresJournal.OpenAsync(_options);
        await using var elsewhere = await PostgresSnapshotStore.OpenAsync(fixture.NewSchema());
        await using var shared = await PostgresSnapshotStore.OpenAsync(_options);
        await journal.WriteAsync(Write("acct", 1, 3));
        await elsewhere.SaveAsync("acct", 2, "Elsewhere.v1", new byte[] { 2 });
        await shared.SaveAsync("acct", 1, "Shared.v1", new byte[] { 1 });

        var (highest, snapshot) = await journal.ReadRecoveryStartAsync("acct", elsewhere);
        Assert.Equal((3L, "Elsewhere.v1", 2L), (highest, snapshot!.Manifest, snapshot.SequenceNumber));
        (highest, snapshot) = await journal.ReadRecoveryStartAsync("acct", shared);
        Assert.Equal((3L, "Shared.v1", 1L), (highest, snapshot!.Manifest, snapshot.SequenceNumber));
    }

    [Fact]
    public async Task A_hung_server_fails_writes_and_reads_within_their_timeouts_and_the_journal_recovers()
    {
        var timeout = TimeSpan.FromSeconds(1);
        await using var journal = await PostgresJournal.OpenAsync(_options with { WriteTimeout = timeout, ReadTimeout = timeout, ConnectTimeout = timeout, BreakerMaxFailures = 100 });
        await journal.WriteAsync(Write("h", 1, 1));
        fixture.Server.Pause();
        try
        {
            var clock = Stopwatch.StartNew();
            var write = await Assert.ThrowsAsync<JournalUnavailableException>(() => journal.WriteAsync(Write("h", 2, 2)));
            Assert.True(clock.Elapsed < timeout + TimeSpan.FromSeconds(1), $"the write took {clock.Elapsed}");
            Assert.Contains("outcome is unknown", write.Message); // it was in a transaction when the server froze
            clock.Restart();
            await Assert.ThrowsAsync<JournalUnavailableException>(() => journal.ReadHighestSequenceNumberAsync("h"));
            Assert.True(clock.Elapsed < timeout + TimeSpan.FromSeconds(2), $"the read took {clock.Elapsed}");
        }
        finally
        {
            fixture.Server.Resume();
        }
        var recovered = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var highest = await journal.ReadHighestSequenceNumberAsync("h");
                await journal.WriteAsync(Write("h", highest + 1, highest + 1));
                break;
            }
            catch (JournalUnavailableException) when (recovered.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task Opening_against_a_server_that_does_not_answer_fails_within_the_connect_timeout()
    {
        // A listener that accepts connections and never says a word.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = new PostgresPersistenceOptions($"Host=127.0.0.1;Port={port};Username=postgres;Database=x") { ConnectTimeout = TimeSpan.FromSeconds(1), WriteTimeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => PostgresJournal.OpenAsync(options));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Contains($"127.0.0.1:{port}/x", error.Message);

        silent.Stop(); // now nothing listens: refused at once
        clock.Restart();
        await Assert.ThrowsAsync<JournalUnavailableException>(() => PostgresSnapshotStore.OpenAsync(options));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }
}
