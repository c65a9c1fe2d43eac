using Switch.Runtime.Actors;
using Switch.Runtime.Metrics;
using Switch.Runtime.Persistence;
using Switch.Runtime.Sharding;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.Metrics;

/// <summary>
/// The runtime's instruments (meter "Switch.Runtime") as scraped. Other tests of this process use the same
/// instruments at the same time: assertions are on series of a uniquely named actor system, or on deltas.
/// </summary>
public sealed class RuntimeMetricsTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TestTime.Dilated(TimeSpan.FromSeconds(10));
    private readonly string _systemName = "metrics-" + Guid.NewGuid().ToString("N");
    private ActorSystem _system = null!;
    private MetricsCollector _collector = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create(_systemName);
        _collector = new MetricsCollector("Switch.Runtime");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _collector.Dispose();
        await _system.DisposeAsync();
    }

    private PrometheusScrape Scrape() => PrometheusTextParser.Parse(MetricsCollectorTests.ScrapeText(_collector));

    /// <summary>Scrapes until <paramref name="done"/> holds (actors publish their counts asynchronously), or fails after the timeout.</summary>
    private async Task<PrometheusScrape> ScrapeUntilAsync(Func<PrometheusScrape, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var scrape = Scrape();
            if (done(scrape))
                return scrape;
            Assert.True(DateTime.UtcNow < deadline, $"never scraped {what}");
            await Task.Delay(20);
        }
    }

    private sealed class Echo : Actor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    /// <summary>Handles each message only once the test lets it through.</summary>
    private sealed class Gated(SemaphoreSlim gate) : Actor
    {
        protected override void OnReceive(object message) => gate.Wait();
    }

    [Fact]
    public async Task Dead_letters_are_counted_per_actor_system_while_it_runs()
    {
        _system.DeadLetters.Tell("lost");
        _system.DeadLetters.Tell("lost again");
        var stopped = _system.ActorOf(Props.Create(() => new Echo()));
        Assert.True(await _system.GracefulStop(stopped, Timeout));
        stopped.Tell("too late");

        var running = Scrape();
        await _system.TerminateAsync();
        var terminated = Scrape();

        Assert.Equal("counter", running["switch_actor_dead_letters_total"].Type);
        Assert.Equal(3, running.Value("switch_actor_dead_letters_total", ("system", _systemName)));
        Assert.Null(terminated.Value("switch_actor_dead_letters_total", ("system", _systemName)));
    }

    [Fact]
    public async Task Shards_and_entities_are_gauged_per_region()
    {
        var region = ShardRegion.Start(_system, "metrics-echo", _ => Props.Create(() => new Echo()), ShardingEnvelopeExtractor.Instance,
            ShardingSettings.Default with { PassivateIdleAfter = null });
        string[] ids = ["a", "b", "foobar", "card-4111", "card-4112"];
        foreach (var id in ids)
            Assert.Equal(id, await region.Ask<string>(new ShardingEnvelope(id, id), Timeout, _system));
        var shards = ids.Select(id => ShardHash.ShardOf(id, ShardingSettings.Default.NumberOfShards)).Distinct().Count();
        (string, string)[] labels = [("system", _systemName), ("region", "metrics-echo")];

        var scrape = await ScrapeUntilAsync(s => s.Value("switch_sharding_entities", labels) == ids.Length, "every entity");
        Assert.True(await _system.GracefulStop(region, Timeout));
        var stopped = Scrape();

        Assert.Equal("gauge", scrape["switch_sharding_entities"].Type);
        Assert.Equal(shards, scrape.Value("switch_sharding_shards", labels));
        Assert.Null(stopped.Value("switch_sharding_entities", labels));
    }

    [Fact]
    public async Task Queued_messages_and_the_deepest_backlog_are_gauged()
    {
        using var gate = new SemaphoreSlim(0);
        var gated = _system.ActorOf(Props.Create(() => new Gated(gate)) with { Throughput = 1 });
        // Sent from a thread that then exits: its count must outlive it.
        var sender = new Thread(() =>
        {
            for (var i = 0; i < 1000; i++)
                gated.Tell(i);
        });
        sender.Start();
        sender.Join();

        PrometheusScrape scrape;
        try
        {
            // The first message goes through; its turn ends with 999 waiting, the second one then blocks the actor.
            gate.Release();
            scrape = await ScrapeUntilAsync(s => s.Value("switch_actor_mailbox_deepest") >= 998, "the backlog");
        }
        finally
        {
            gate.Release(999);
        }

        Assert.Equal("gauge", scrape["switch_actor_mailbox_queued"].Type);
        Assert.InRange(scrape.Value("switch_actor_mailbox_queued")!.Value, 990, double.MaxValue); // every mailbox of the process counts
    }

    [Fact]
    public async Task Journal_batches_commit_latency_and_failed_writes_are_recorded()
    {
        var directory = Directory.CreateTempSubdirectory("switch-metrics-").FullName;
        try
        {
            await using var journal = await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(Path.Combine(directory, "journal.db")));
            (string, string)[] sqlite = [("journal", "sqlite")];
            (string, string)[] conflicts = [("journal", "sqlite"), ("reason", "conflict")];
            var before = Scrape();

            for (var n = 1; n <= 5; n++)
                await journal.WriteAsync(new AtomicWrite("metrics-1", new NewEvent(n, "test", new byte[] { 1, 2, 3 })));
            await Assert.ThrowsAsync<JournalConcurrencyException>(() => journal.WriteAsync(new AtomicWrite("metrics-1", new NewEvent(3, "test", new byte[] { 4 }))));
            var after = Scrape();

            double Delta(string sample, (string, string)[] labels) => (after.Value(sample, labels) ?? 0) - (before.Value(sample, labels) ?? 0);
            Assert.Equal("histogram", after["switch_journal_batch_events"].Type);
            Assert.InRange(Delta("switch_journal_batch_events_count", sqlite), 6, double.MaxValue); // each write awaited: a batch each
            Assert.InRange(Delta("switch_journal_batch_events_sum", sqlite), 6, double.MaxValue);
            Assert.InRange(Delta("switch_journal_batch_events_bucket", [.. sqlite, ("le", "1")]), 6, double.MaxValue);
            Assert.Equal("histogram", after["switch_journal_commit_duration_seconds"].Type);
            Assert.InRange(Delta("switch_journal_commit_duration_seconds_count", sqlite), 6, double.MaxValue);
            Assert.InRange(Delta("switch_journal_write_failures_total", conflicts), 1, double.MaxValue);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
