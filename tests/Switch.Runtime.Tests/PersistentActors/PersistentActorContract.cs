using System.Diagnostics;
using System.Text;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.PersistentActors;

/// <summary>
/// PersistentActor behaviour on a real journal; each backend's class supplies the stores (a new database or schema
/// per test) and a way to make the database unavailable.
/// </summary>
public abstract class PersistentActorContract : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TestTime.Dilated(TimeSpan.FromSeconds(10));
    private readonly List<IAsyncDisposable> _opened = [];

    /// <summary>Opens a journal and a snapshot store on this test's database; <paramref name="writeTimeout"/> null for the default.</summary>
    private protected abstract Task<(EventJournal Journal, SnapshotStore Snapshots)> OpenStoresAsync(TimeSpan? writeTimeout = null);

    /// <summary>Makes the database refuse writes (SQLite: another connection holds the write lock; PostgreSQL: server stopped).</summary>
    protected abstract Task MakeUnavailableAsync();

    protected abstract Task MakeAvailableAsync();

    /// <summary>Environment for the crash-test child (see <see cref="PersistentCrashChild"/>).</summary>
    protected abstract IDictionary<string, string> CrashChildEnvironment();

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        await MakeAvailableAsync();
        for (var i = _opened.Count - 1; i >= 0; i--)
        {
            try
            {
                await _opened[i].DisposeAsync();
            }
            catch (Exception)
            {
                // a test may have left the database unavailable
            }
        }
    }

    /// <summary>A new actor system on this test's database, as a (re)started process would have.</summary>
    private protected async Task<(ActorSystem System, EventJournal Journal)> NewSystemAsync(TimeSpan? writeTimeout = null)
    {
        var (journal, snapshots) = await OpenStoresAsync(writeTimeout);
        _opened.Add(journal);
        _opened.Add(snapshots);
        var system = ActorSystem.Create("persistent-test");
        _opened.Add(system);
        system.UsePersistence(journal, snapshots, Ledger.Serializer());
        return (system, journal);
    }

    private static LedgerStatus Status(ActorSystem system, ActorRef ledger) =>
        ledger.Ask<LedgerStatus>(new GetBalance(), Wait, system).GetAwaiter().GetResult();

    private static async Task<List<PersistedEvent>> EventsAsync(EventJournal journal, string pid)
    {
        var list = new List<PersistedEvent>();
        await foreach (var e in journal.ReplayAsync(pid))
            list.Add(e);
        return list;
    }

    [Fact]
    public async Task Events_are_persisted_and_a_new_incarnation_recovers_the_same_state()
    {
        var (system, _) = await NewSystemAsync();
        var probe = new TestProbe(system);
        var ledger = system.ActorOf(Ledger.Props("acc-1"), "acc-1");
        for (var i = 1; i <= 5; i++)
        {
            probe.Send(ledger, new Credit(i));
            Assert.Equal(new Balance(i, i * (i + 1) / 2), probe.ExpectMsg<Balance>());
        }
        probe.Send(ledger, new Debit(3, "r"));
        Assert.Equal(new Balance(6, 12), probe.ExpectMsg<Balance>());
        Assert.True(await system.GracefulStop(ledger, Wait));

        var again = system.ActorOf(Ledger.Props("acc-1"), "acc-1-again");
        Assert.Equal(new LedgerStatus(6, 12, 0, 6, 1), Status(system, again));

        var (restarted, _) = await NewSystemAsync();
        var elsewhere = restarted.ActorOf(Ledger.Props("acc-1"));
        Assert.Equal(new LedgerStatus(6, 12, 0, 6, 1), Status(restarted, elsewhere));
    }

    [Fact]
    public async Task Recovery_offers_the_latest_snapshot_then_the_events_after_it()
    {
        var (system, _) = await NewSystemAsync();
        var probe = new TestProbe(system);
        var ledger = system.ActorOf(Ledger.Props("acc-snap"));
        for (var i = 0; i < 3; i++) probe.Send(ledger, new Credit(10));
        probe.ReceiveN(3);
        probe.Send(ledger, new TakeSnapshot());
        Assert.Equal(new SnapshotSaved(3), probe.ExpectMsg<SnapshotSaved>());
        probe.Send(ledger, new Credit(1));
        probe.Send(ledger, new Credit(2));
        probe.ReceiveN(2);
        Assert.True(await system.GracefulStop(ledger, Wait));

        var again = system.ActorOf(Ledger.Props("acc-snap"));
        Assert.Equal(new LedgerStatus(5, 33, 3, 2, 1), Status(system, again));
    }

    [Fact]
    public async Task Commands_that_arrive_during_recovery_and_persists_are_stashed_and_keep_their_order()
    {
        var (system, _) = await NewSystemAsync();
        var probe = new TestProbe(system);
        var ledger = system.ActorOf(Ledger.Props("acc-order"));
        // Sent at once: most arrive while recovery runs or while an earlier persist is in flight.
        for (var i = 1; i <= 100; i++)
        {
            probe.Send(ledger, new Credit(i));
            if (i % 10 == 0) probe.Send(ledger, new GetBalance());
        }
        long expected = 0;
        for (var i = 1; i <= 100; i++)
        {
            expected += i;
            Assert.Equal(new Balance(i, expected), probe.ExpectMsg<Balance>(timeout: Wait));
            if (i % 10 == 0)
            {
                var status = probe.ExpectMsg<LedgerStatus>(timeout: Wait);
                Assert.Equal((long)i, status.SequenceNumber);
                Assert.Equal(expected, status.Amount);
            }
        }
    }

    [Fact]
    public async Task Replies_from_persist_handlers_go_to_the_sender_of_the_command()
    {
        var (system, _) = await NewSystemAsync();
        var first = new TestProbe(system, "first");
        var second = new TestProbe(system, "second");
        var ledger = system.ActorOf(Ledger.Props("acc-senders"));
        for (var i = 0; i < 20; i++)
        {
            first.Send(ledger, new Credit(1));
            second.Send(ledger, new Credit(1000));
        }
        var toFirst = first.ReceiveN(20, Wait).Cast<Balance>().ToList();
        var toSecond = second.ReceiveN(20, Wait).Cast<Balance>().ToList();
        Assert.Equal(40, toFirst.Concat(toSecond).Select(b => b.SequenceNumber).Distinct().Count());
        // Each reply's balance step says which command it answers: +1 for first's, +1000 for second's.
        var byNumber = toFirst.Concat(toSecond).OrderBy(b => b.SequenceNumber).ToList();
        for (var i = 0; i < byNumber.Count; i++)
        {
            var step = byNumber[i].Amount - (i == 0 ? 0 : byNumber[i - 1].Amount);
            Assert.Equal(toFirst.Contains(byNumber[i]) ? 1 : 1000, step);
        }
        var reply = await ledger.Ask<Balance>(new Credit(5), Wait, system);
        Assert.Equal(41, reply.SequenceNumber);
    }

    [Fact]
    public async Task PersistAll_writes_the_events_of_one_command_atomically()
    {
        var (system, journal) = await NewSystemAsync();
        var probe = new TestProbe(system);
        var monitor = new TestProbe(system, "monitor");
        var ledger = system.ActorOf(Ledger.Props("acc-all", monitor));
        probe.Send(ledger, new CreditMany([1, 2, 3]));
        Assert.Equal(new Balance(3, 6), probe.ExpectMsg<Balance>(timeout: Wait));
        var events = await EventsAsync(journal, "acc-all");
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.SequenceNumber));
        Assert.Single(events.Select(e => e.Created).Distinct()); // one transaction

        // Another writer takes #6: the next PersistAll (#4..#7) is rejected whole and the actor stops.
        await journal.WriteAsync(new AtomicWrite("acc-all", new NewEvent(6, "ledger.credited.v1", Encoding.UTF8.GetBytes("100"))));
        probe.Watch(ledger);
        probe.Send(ledger, new CreditMany([1, 1, 1, 1]));
        Assert.IsType<JournalConcurrencyException>(monitor.ExpectMsg<PersistFailed>(timeout: Wait).Cause);
        probe.FishForMessage(m => m is Terminated, Wait);
        Assert.Equal([1L, 2L, 3L, 6L], (await EventsAsync(journal, "acc-all")).Select(e => e.SequenceNumber));
    }

    [Fact]
    public async Task Two_actors_with_one_persistence_id_writing_at_once_exactly_one_wins_and_the_other_stops()
    {
        var (systemA, journal) = await NewSystemAsync();
        var (systemB, _) = await NewSystemAsync();
        var monitorA = new TestProbe(systemA, "monitor");
        var monitorB = new TestProbe(systemB, "monitor");
        var a = systemA.ActorOf(Ledger.Props("acc-twice", monitorA));
        var b = systemB.ActorOf(Ledger.Props("acc-twice", monitorB));
        Status(systemA, a);
        Status(systemB, b); // both recovered: both believe they own sequence number 1
        var watchA = new TestProbe(systemA, "watch");
        var watchB = new TestProbe(systemB, "watch");
        watchA.Watch(a);
        watchB.Watch(b);
        var senderA = new TestProbe(systemA, "sender");
        var senderB = new TestProbe(systemB, "sender");
        for (var i = 0; i < 50; i++)
        {
            senderA.Send(a, new CreditMany([1, 1, 1]));
            senderB.Send(b, new CreditMany([1000, 1000, 1000]));
        }
        var stoppedA = await StopsAsync(watchA);
        var stoppedB = await StopsAsync(watchB);
        Assert.True(stoppedA ^ stoppedB, $"exactly one must stop (a stopped: {stoppedA}, b stopped: {stoppedB})");
        var (loserMonitor, winner, winnerSystem, winnerSender, unit) = stoppedA
            ? (monitorA, b, systemB, senderB, 1000L)
            : (monitorB, a, systemA, senderA, 1L);
        Assert.IsType<JournalConcurrencyException>(loserMonitor.ExpectMsg<PersistFailed>(timeout: Wait).Cause);
        winnerSender.ReceiveN(50, Wait);
        var status = Status(winnerSystem, winner);
        Assert.Equal(150, status.SequenceNumber);

        var events = await EventsAsync(journal, "acc-twice");
        Assert.Equal(Enumerable.Range(1, 150).Select(i => (long)i), events.Select(e => e.SequenceNumber));
        var serializer = Ledger.Serializer();
        Assert.All(events, e => Assert.Equal(new Credited(unit), serializer.Deserialize(e.Manifest, e.Payload)));
        Assert.Equal(150 * unit, status.Amount);

        static async Task<bool> StopsAsync(TestProbe watcher)
        {
            try
            {
                await Task.Run(() => watcher.ExpectMsg<Terminated>(timeout: TestTime.Dilated(TimeSpan.FromSeconds(3))));
                return true;
            }
            catch (TestKitException)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task When_the_database_is_down_a_persist_fails_and_the_actor_stops_within_bounded_time()
    {
        var (system, _) = await NewSystemAsync(writeTimeout: TimeSpan.FromSeconds(1));
        var monitor = new TestProbe(system, "monitor");
        var probe = new TestProbe(system);
        var ledger = system.ActorOf(Ledger.Props("acc-down", monitor));
        probe.Send(ledger, new Credit(1));
        probe.ExpectMsg<Balance>(timeout: Wait);
        probe.Watch(ledger);
        await MakeUnavailableAsync();
        var clock = Stopwatch.StartNew();
        probe.Send(ledger, new Credit(2));
        probe.Send(ledger, new Credit(3));
        var failure = monitor.ExpectMsg<PersistFailed>(timeout: Wait);
        Assert.IsType<JournalUnavailableException>(failure.Cause);
        probe.FishForMessage(m => m is Terminated, Wait);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1) + TestTime.Dilated(TimeSpan.FromSeconds(5)), $"stopping took {clock.Elapsed}");
        await MakeAvailableAsync();
        // The stopped actor's first write is either stored or not: a new incarnation recovers whatever the journal holds.
        var (restarted, _) = await NewSystemAsync();
        var status = Status(restarted, restarted.ActorOf(Ledger.Props("acc-down")));
        Assert.Contains(status.Amount, new long[] { 1, 3 });
    }

    [Fact]
    public async Task An_event_written_with_an_old_manifest_is_recovered_through_its_upcaster()
    {
        var (system, journal) = await NewSystemAsync();
        await journal.WriteAsync(new AtomicWrite("acc-old", [
            new NewEvent(1, "ledger.credited.v1", Encoding.UTF8.GetBytes("42")),
        ]));
        var ledger = system.ActorOf(Ledger.Props("acc-old"));
        Assert.Equal(new LedgerStatus(1, 42, 0, 1, 1), Status(system, ledger));
        var reply = await ledger.Ask<Balance>(new Credit(8), Wait, system);
        Assert.Equal(new Balance(2, 50), reply);
        Assert.Equal(["ledger.credited.v1", "ledger.credited.v2"], (await EventsAsync(journal, "acc-old")).Select(e => e.Manifest));
    }

    [Fact]
    public async Task An_unknown_manifest_fails_recovery_and_stops_the_actor()
    {
        var (system, journal) = await NewSystemAsync();
        await journal.WriteAsync(new AtomicWrite("acc-unknown", [new NewEvent(1, "ledger.mystery.v7", new byte[] { 1 })]));
        var monitor = new TestProbe(system, "monitor");
        var probe = new TestProbe(system);
        var ledger = system.ActorOf(Ledger.Props("acc-unknown", monitor));
        probe.Watch(ledger);
        probe.Send(ledger, new Credit(1));
        Assert.Contains("'ledger.mystery.v7'", monitor.ExpectMsg<RecoveryFailed>(timeout: Wait).Cause.Message);
        probe.FishForMessage(m => m is Terminated, Wait);
        Assert.Single(await EventsAsync(journal, "acc-unknown"));
    }

    [Fact]
    public async Task After_a_crash_of_the_writing_process_every_acknowledged_command_is_recovered()
    {
        var acked = await Persistence.CrashChild.RunAndKillAsync(CrashChildEnvironment(), acksBeforeKill: 300);
        Assert.NotEmpty(acked);
        var (system, _) = await NewSystemAsync();
        foreach (var (pid, balance) in acked)
        {
            var status = Status(system, system.ActorOf(Ledger.Props(pid)));
            Assert.True(status.Amount >= balance, $"{pid}: acknowledged balance {balance}, recovered {status.Amount}");
            Assert.Equal(status.SequenceNumber, status.Amount); // every event is a credit of 1: nothing half-applied
        }
    }
}
