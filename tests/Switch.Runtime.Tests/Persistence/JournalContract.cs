using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Tests.Persistence;

/// <summary>
/// The journal and snapshot store behaviour every backend must show. Each backend's test class derives from this
/// and supplies a fresh, empty database (an SQLite file, a PostgreSQL schema) per test.
/// </summary>
public abstract class JournalContract : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _opened = [];

    /// <summary>The options of this test's database.</summary>
    protected abstract PersistenceOptions Options { get; }

    private protected abstract Task<EventJournal> OpenJournalCoreAsync(PersistenceOptions options);

    private protected abstract Task<SnapshotStore> OpenSnapshotsCoreAsync(PersistenceOptions options);

    /// <summary>Makes the database unusable (SQLite: locked by another connection; PostgreSQL: server stopped).</summary>
    protected abstract Task MakeUnavailableAsync();

    protected abstract Task MakeAvailableAsync();

    /// <summary>Environment for the crash-test child process (see <see cref="CrashChild"/>).</summary>
    protected abstract IDictionary<string, string> CrashChildEnvironment();

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in Enumerable.Reverse(_opened))
        {
            try
            {
                await store.DisposeAsync();
            }
            catch (Exception)
            {
                // a test may have left the database unavailable
            }
        }
    }

    private protected async Task<EventJournal> OpenJournalAsync(Func<PersistenceOptions, PersistenceOptions>? tweak = null)
    {
        var journal = await OpenJournalCoreAsync(tweak is null ? Options : tweak(Options));
        _opened.Add(journal);
        return journal;
    }

    private protected async Task<SnapshotStore> OpenSnapshotsAsync()
    {
        var store = await OpenSnapshotsCoreAsync(Options);
        _opened.Add(store);
        return store;
    }

    internal static NewEvent Event(long seq, string pid, params string[] tags) =>
        new(seq, "test.Event.v1", Encoding.UTF8.GetBytes($"{pid}:{seq}"), tags);

    internal static AtomicWrite Write(string pid, long from, long to, params string[] tags) =>
        new(pid, Enumerable.Range(0, (int)(to - from + 1)).Select(i => Event(from + i, pid, tags)).ToArray());

    internal static string Text(ReadOnlyMemory<byte> payload) => Encoding.UTF8.GetString(payload.Span);

    private static async Task<List<PersistedEvent>> ListAsync(IAsyncEnumerable<PersistedEvent> events)
    {
        var list = new List<PersistedEvent>();
        await foreach (var e in events)
            list.Add(e);
        return list;
    }

    // ---- writes and replay ---------------------------------------------------------------------------------

    [Fact]
    public async Task Write_then_replay_round_trips_manifests_payloads_tags_and_writer_ids()
    {
        var journal = await OpenJournalAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var binary = new byte[] { 0, 1, 2, 255, 254, 0 };
        await journal.WriteAsync(new AtomicWrite("acct-1", new NewEvent(1, "Approved.v2", binary, ["audit", "card"])));
        await journal.WriteAsync(new AtomicWrite("acct-1", [new NewEvent(2, "", ReadOnlyMemory<byte>.Empty), new NewEvent(3, "Held.v1", new byte[] { 9 }, ["audit", "audit"])], writerId: "owner-7"));
        await journal.WriteAsync(new AtomicWrite("acct-2", new NewEvent(1, "Other", new ArraySegment<byte>([5, 6, 7, 8], 1, 2))));

        var events = await ListAsync(journal.ReplayAsync("acct-1"));
        Assert.Equal([1L, 2, 3], events.Select(e => e.SequenceNumber));
        Assert.All(events, e => Assert.Equal("acct-1", e.PersistenceId));
        Assert.Equal(["Approved.v2", "", "Held.v1"], events.Select(e => e.Manifest));
        Assert.Equal(binary, events[0].Payload.ToArray());
        Assert.Empty(events[1].Payload.ToArray());
        Assert.Equal([9], events[2].Payload.ToArray());
        Assert.Equal(["audit", "card"], events[0].Tags);
        Assert.Empty(events[1].Tags);
        Assert.Equal(["audit"], events[2].Tags);
        Assert.Equal("owner-7", events[1].WriterId);
        Assert.Equal(events[1].WriterId, events[2].WriterId);
        Assert.NotEqual("owner-7", events[0].WriterId);
        Assert.False(string.IsNullOrEmpty(events[0].WriterId));
        Assert.All(events, e => Assert.InRange(e.Created, before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.True(events[0].Ordering < events[1].Ordering && events[1].Ordering < events[2].Ordering);

        var other = Assert.Single(await ListAsync(journal.ReplayAsync("acct-2")));
        Assert.Equal([6, 7], other.Payload.ToArray());

        var audit = await ListAsync(journal.EventsByTagAsync("audit", 0, 100));
        Assert.Equal([("acct-1", 1L), ("acct-1", 3L)], audit.Select(e => (e.PersistenceId, e.SequenceNumber)));
        Assert.Equal("card", Assert.Single(await ListAsync(journal.EventsByTagAsync("card", 0, 100))).Tags[1]);
        Assert.Empty(await ListAsync(journal.EventsByTagAsync("nothing", 0, 100)));
    }

    [Fact]
    public async Task PersistAll_is_all_or_nothing()
    {
        var journal = await OpenJournalAsync();
        await journal.WriteAsync(Write("p", 1, 3));
        var conflict = await Assert.ThrowsAsync<JournalConcurrencyException>(() => journal.WriteAsync(Write("p", 3, 6, "t")));
        Assert.Equal("p", conflict.PersistenceId);
        Assert.Equal(3, conflict.FromSequenceNumber);
        Assert.Equal(6, conflict.ToSequenceNumber);
        Assert.Contains(journal.Name, conflict.Message);

        Assert.Equal([1L, 2, 3], (await ListAsync(journal.ReplayAsync("p"))).Select(e => e.SequenceNumber));
        Assert.Equal(3, await journal.ReadHighestSequenceNumberAsync("p"));
        Assert.Empty(await ListAsync(journal.EventsByTagAsync("t", 0, 100))); // the rejected write's tags are gone too
        await journal.WriteAsync(Write("p", 4, 6));
        Assert.Equal(6, await journal.ReadHighestSequenceNumberAsync("p"));
    }

    [Fact]
    public async Task A_conflict_in_a_batch_fails_only_the_offender_and_the_innocent_writes_commit()
    {
        // A window long enough that everything below lands in one batch.
        var journal = await OpenJournalAsync(o => o with { BatchWindow = TimeSpan.FromMilliseconds(200) });
        await journal.WriteAsync(Write("victim", 1, 2));
        var transactionsBefore = journal.CommittedTransactions;

        var innocent = new List<Task>();
        for (var i = 0; i < 100; i++)
            innocent.Add(journal.WriteAsync(Write($"innocent-{i}", 1, 2, "batch")));
        var offender = journal.WriteAsync(Write("victim", 2, 3));                    // collides with a stored event
        var first = journal.WriteAsync(Write("twin", 1, 1));                         // two writes of the same
        var second = journal.WriteAsync(new AtomicWrite("twin", [Event(1, "x"), Event(2, "x")])); // sequence number in one batch
        for (var i = 100; i < 200; i++)
            innocent.Add(journal.WriteAsync(Write($"innocent-{i}", 1, 2, "batch")));

        await Task.WhenAll(innocent);
        await first;
        await Assert.ThrowsAsync<JournalConcurrencyException>(() => offender);
        var twin = await Assert.ThrowsAsync<JournalConcurrencyException>(() => second);
        Assert.Equal("twin", twin.PersistenceId);
        Assert.True(journal.CommittedTransactions - transactionsBefore <= 3, $"{journal.CommittedTransactions - transactionsBefore} transactions");

        Assert.Equal(["victim:1", "victim:2"], (await ListAsync(journal.ReplayAsync("victim"))).Select(e => Text(e.Payload)));
        Assert.Equal(["twin:1"], (await ListAsync(journal.ReplayAsync("twin"))).Select(e => Text(e.Payload)));
        for (var i = 0; i < 200; i++)
            Assert.Equal(2, await journal.ReadHighestSequenceNumberAsync($"innocent-{i}"));
        Assert.Equal(400, (await ListAsync(journal.EventsByTagAsync("batch", 0, 1000))).Count);
    }

    [Fact]
    public async Task Two_writers_of_one_persistence_id_exactly_one_wins_each_sequence_number_and_nothing_is_half_written()
    {
        // Two journals on one database: two owners of the same entity, as after a split brain.
        var a = await OpenJournalAsync();
        var b = await OpenJournalAsync();
        const int pairs = 100;
        var winners = new ConcurrentDictionary<long, string>();
        var conflicts = 0;

        async Task Run(EventJournal journal, string who)
        {
            for (var k = 0; k < pairs; k++)
            {
                var seq = 2L * k + 1;
                var write = new AtomicWrite("entity", [new NewEvent(seq, who, Encoding.UTF8.GetBytes(who)), new NewEvent(seq + 1, who, Encoding.UTF8.GetBytes(who))]);
                try
                {
                    await journal.WriteAsync(write);
                    Assert.True(winners.TryAdd(seq, who), $"#{seq} acknowledged to both writers");
                }
                catch (JournalConcurrencyException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        await Task.WhenAll(Task.Run(() => Run(a, "A")), Task.Run(() => Run(b, "B")), Task.Run(() => Run(a, "A2")));
        Assert.Equal(pairs, winners.Count);
        Assert.Equal(2 * pairs, conflicts);
        var stored = await ListAsync(a.ReplayAsync("entity"));
        Assert.Equal(Enumerable.Range(1, 2 * pairs).Select(i => (long)i), stored.Select(e => e.SequenceNumber));
        foreach (var (seq, who) in winners)
        {
            Assert.Equal(who, stored[(int)seq - 1].Manifest);
            Assert.Equal(who, stored[(int)seq].Manifest); // both events of the pair from the same writer
        }
    }

    [Fact]
    public async Task Group_commit_stores_a_thousand_concurrent_writes_in_far_fewer_transactions()
    {
        var journal = await OpenJournalAsync();
        var before = journal.CommittedTransactions;
        var writes = Enumerable.Range(0, 1000).Select(i => journal.WriteAsync(Write($"g-{i}", 1, 1))).ToArray();
        await Task.WhenAll(writes);
        var transactions = journal.CommittedTransactions - before;
        Assert.InRange(transactions, 1, 50);
        Assert.Equal(1000, journal.CommittedEvents);
        Assert.Equal(1000, (await ListAsync(journal.AllEventsAsync(0, 5000))).Count);
    }

    [Fact]
    public async Task A_batch_never_exceeds_the_maximum_and_never_splits_an_atomic_write()
    {
        var journal = await OpenJournalAsync(o => o with { MaxBatchEvents = 10, BatchWindow = TimeSpan.FromMilliseconds(100) });
        var writes = Enumerable.Range(0, 20).Select(i => journal.WriteAsync(Write($"m-{i}", 1, 4))).ToArray();
        await Task.WhenAll(writes);
        // 80 events, at most two 4-event writes per 10-event batch: at least 10 transactions.
        Assert.InRange(journal.CommittedTransactions, 10, 20);
        var big = journal.WriteAsync(Write("big", 1, 25)); // larger than a batch: goes alone
        await big;
        Assert.Equal(25, await journal.ReadHighestSequenceNumberAsync("big"));
    }

    [Fact]
    public async Task Replay_honours_ranges_and_max_count()
    {
        var journal = await OpenJournalAsync();
        for (var seq = 1; seq <= 20; seq += 5)
            await journal.WriteAsync(Write("r", seq, seq + 4));
        await journal.WriteAsync(Write("r-other", 1, 3));

        async Task<long[]> Seqs(long from, long to, long max) =>
            (await ListAsync(journal.ReplayAsync("r", from, to, max))).Select(e => e.SequenceNumber).ToArray();

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), await Seqs(1, long.MaxValue, long.MaxValue));
        Assert.Equal(new long[] { 5, 6, 7, 8, 9, 10 }, await Seqs(5, 10, long.MaxValue));
        Assert.Equal(new long[] { 5, 6, 7 }, await Seqs(5, 10, 3));
        Assert.Equal(new long[] { 20 }, await Seqs(20, 100, 100));
        Assert.Empty(await Seqs(21, 100, 100));
        Assert.Empty(await Seqs(5, 10, 0));
        Assert.Empty(await Seqs(10, 5, 100));
        Assert.Equal(new long[] { 1, 2 }, await Seqs(0, 2, 100));
        Assert.Empty(await ListAsync(journal.ReplayAsync("nobody")));
    }

    [Fact]
    public async Task Highest_sequence_number_and_logical_delete()
    {
        var journal = await OpenJournalAsync();
        Assert.Equal(0, await journal.ReadHighestSequenceNumberAsync("d"));
        Assert.Equal(0, await journal.ReadHighestOrderingAsync());
        await journal.WriteAsync(Write("d", 1, 8, "del"));
        await journal.WriteAsync(Write("keep", 1, 2, "del"));
        Assert.Equal(8, await journal.ReadHighestSequenceNumberAsync("d"));
        var highest = await journal.ReadHighestOrderingAsync();
        Assert.Equal((await ListAsync(journal.AllEventsAsync(0, 100))).Max(e => e.Ordering), highest);

        await journal.DeleteEventsToAsync("d", 5);
        Assert.Equal([6L, 7, 8], (await ListAsync(journal.ReplayAsync("d"))).Select(e => e.SequenceNumber));
        Assert.Equal(8, await journal.ReadHighestSequenceNumberAsync("d"));
        Assert.Equal(5, (await ListAsync(journal.AllEventsAsync(0, 100))).Count);
        Assert.Equal(5, (await ListAsync(journal.EventsByTagAsync("del", 0, 100))).Count);

        await journal.DeleteEventsToAsync("d", long.MaxValue);
        Assert.Empty(await ListAsync(journal.ReplayAsync("d")));
        Assert.Equal(8, await journal.ReadHighestSequenceNumberAsync("d")); // a new owner still continues at 9
        await Assert.ThrowsAsync<JournalConcurrencyException>(() => journal.WriteAsync(Write("d", 8, 8)));
        await journal.WriteAsync(Write("d", 9, 9));
        Assert.Equal([9L], (await ListAsync(journal.ReplayAsync("d"))).Select(e => e.SequenceNumber));
    }

    [Fact]
    public async Task Polling_all_events_and_events_by_tag_under_concurrent_writers_skips_nothing_and_repeats_nothing()
    {
        // Two journals on one database (two processes), 40 writers, two pollers reading while they write.
        var journals = new[] { await OpenJournalAsync(), await OpenJournalAsync() };
        const int writers = 40, perWriter = 60;
        var done = new CancellationTokenSource();

        async Task Writer(int w)
        {
            var journal = journals[w % 2];
            var pid = $"w-{w}";
            for (var seq = 1; seq <= perWriter;)
            {
                var size = Math.Min(1 + (seq + w) % 3, perWriter - seq + 1);
                var events = Enumerable.Range(seq, size).Select(s => Event(s, pid, s % 3 == 0 ? ["third"] : [])).ToArray();
                await journal.WriteAsync(new AtomicWrite(pid, events));
                seq += size;
            }
        }

        async Task<List<PersistedEvent>> Poll(Func<long, IAsyncEnumerable<PersistedEvent>> query)
        {
            var seen = new List<PersistedEvent>();
            long offset = 0;
            while (true)
            {
                var finished = done.IsCancellationRequested; // read before the query: one more full pass after the end
                var page = 0;
                await foreach (var e in query(offset))
                {
                    seen.Add(e);
                    offset = e.Ordering;
                    page++;
                }
                if (finished && page == 0)
                    return seen;
                if (page == 0)
                    await Task.Delay(1);
            }
        }

        var all = Task.Run(() => Poll(offset => journals[0].AllEventsAsync(offset, 97)));
        var tagged = Task.Run(() => Poll(offset => journals[1].EventsByTagAsync("third", offset, 13)));
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => Writer(w))));
        done.Cancel();
        var allSeen = await all;
        var taggedSeen = await tagged;

        var expected = (from w in Enumerable.Range(0, writers) from s in Enumerable.Range(1, perWriter) select ($"w-{w}", (long)s)).ToHashSet();
        AssertComplete(allSeen, expected);
        AssertComplete(taggedSeen, expected.Where(k => k.Item2 % 3 == 0).ToHashSet());
        Assert.All(taggedSeen, e => Assert.Equal(["third"], e.Tags));

        static void AssertComplete(List<PersistedEvent> seen, HashSet<(string, long)> expected)
        {
            for (var i = 1; i < seen.Count; i++)
                Assert.True(seen[i].Ordering > seen[i - 1].Ordering, $"ordering {seen[i].Ordering} after {seen[i - 1].Ordering}");
            var keys = seen.Select(e => (e.PersistenceId, e.SequenceNumber)).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
            Assert.True(expected.SetEquals(keys), $"saw {keys.Count} of {expected.Count}; missing {string.Join(", ", expected.Except(keys).Take(5))}");
        }
    }

    // ---- snapshots --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Snapshots_save_load_latest_and_delete()
    {
        var store = await OpenSnapshotsAsync();
        Assert.Null(await store.LoadAsync("s"));
        await store.SaveAsync("s", 5, "State.v1", new byte[] { 5 });
        await store.SaveAsync("s", 15, "State.v2", new byte[] { 15, 0, 255 });
        await store.SaveAsync("s", 10, "State.v1", new byte[] { 10 });
        await store.SaveAsync("other", 99, "State.v1", new byte[] { 99 });

        var latest = await store.LoadAsync("s");
        Assert.NotNull(latest);
        Assert.Equal(("s", 15L, "State.v2"), (latest.PersistenceId, latest.SequenceNumber, latest.Manifest));
        Assert.Equal([15, 0, 255], latest.Payload.ToArray());
        Assert.InRange(latest.Created, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(10, (await store.LoadAsync("s", 14))!.SequenceNumber);
        Assert.Equal(10, (await store.LoadAsync("s", 10))!.SequenceNumber);
        Assert.Null(await store.LoadAsync("s", 4));

        await store.SaveAsync("s", 10, "State.v3", new byte[] { 11 }); // same sequence number: replaced
        var replaced = await store.LoadAsync("s", 12);
        Assert.Equal(("State.v3", (byte)11), (replaced!.Manifest, replaced.Payload.Span[0]));

        await store.DeleteAsync("s", 10);
        Assert.Null(await store.LoadAsync("s", 14));
        Assert.Equal(15, (await store.LoadAsync("s"))!.SequenceNumber);
        Assert.Equal(99, (await store.LoadAsync("other"))!.SequenceNumber);
    }

    [Fact]
    public async Task A_recovery_starts_from_the_highest_sequence_number_and_the_latest_snapshot()
    {
        var journal = await OpenJournalAsync();
        var store = await OpenSnapshotsAsync();
        Assert.Equal((0L, (Snapshot?)null), await journal.ReadRecoveryStartAsync("new", store));

        await journal.WriteAsync(Write("acct", 1, 6));
        Assert.Equal((6L, (Snapshot?)null), await journal.ReadRecoveryStartAsync("acct", store));

        await store.SaveAsync("acct", 2, "State.v1", new byte[] { 2 });
        await store.SaveAsync("acct", 4, "State.v2", new byte[] { 4, 0, 255 });
        await store.SaveAsync("other", 9, "State.v1", new byte[] { 9 });
        var (highest, snapshot) = await journal.ReadRecoveryStartAsync("acct", store);
        Assert.Equal(6, highest);
        Assert.Equal(("acct", 4L, "State.v2"), (snapshot!.PersistenceId, snapshot.SequenceNumber, snapshot.Manifest));
        Assert.Equal([4, 0, 255], snapshot.Payload.ToArray());
        Assert.InRange(snapshot.Created, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));

        await journal.DeleteEventsToAsync("acct", 6); // deleted events keep the highest sequence number
        Assert.Equal(6, (await journal.ReadRecoveryStartAsync("acct", store)).Highest);
        Assert.Equal((6L, (Snapshot?)null), await journal.ReadRecoveryStartAsync("acct", null));
    }

    // ---- schema -----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Starting_twice_on_one_database_is_idempotent_and_keeps_the_data()
    {
        var first = await OpenJournalAsync();
        await first.WriteAsync(Write("keep", 1, 3, "t"));
        await first.DisposeAsync();

        // Again, and several at once (processes starting together), journals and snapshot stores alike.
        var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenJournalAsync()));
        var snapshots = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => OpenSnapshotsAsync()));
        Assert.Equal(3, await again[3].ReadHighestSequenceNumberAsync("keep"));
        await again[1].WriteAsync(Write("keep", 4, 4));
        Assert.Equal(4, (await ListAsync(again[2].ReplayAsync("keep"))).Count);
        Assert.Equal(3, (await ListAsync(again[0].EventsByTagAsync("t", 0, 10))).Count);
        await snapshots[0].SaveAsync("keep", 4, "S", new byte[] { 4 });
        Assert.Equal(4, (await snapshots[1].LoadAsync("keep"))!.SequenceNumber);
    }

    // ---- failures ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task An_unavailable_database_fails_calls_in_bounded_time_opens_the_breaker_and_recovers()
    {
        var timeout = TimeSpan.FromSeconds(1);
        var journal = await OpenJournalAsync(o => o with
        {
            WriteTimeout = timeout,
            ReadTimeout = timeout,
            ConnectTimeout = timeout,
            BreakerMaxFailures = 2,
            BreakerResetTimeout = TimeSpan.FromSeconds(1),
        });
        await journal.WriteAsync(Write("b", 1, 1));
        await MakeUnavailableAsync();
        try
        {
            // Until the breaker opens, each failure takes at most the timeout (plus scheduling slack) ...
            var seq = 2;
            JournalUnavailableException? fast = null;
            var clock = Stopwatch.StartNew();
            while (fast is null)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the breaker never opened");
                var call = Stopwatch.StartNew();
                var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => journal.WriteAsync(Write("b", seq, seq)));
                Assert.True(call.Elapsed < timeout + TimeSpan.FromSeconds(1.5), $"a failed write took {call.Elapsed}");
                Assert.Contains(journal.Name, error.Message);
                Assert.Equal(journal.Name, error.Store);
                if (error.BreakerOpen)
                    fast = error;
                seq++;
            }
            Assert.Equal(BreakerState.Open, journal.BreakerState);
            Assert.Contains("circuit breaker is open", fast.Message);

            // ... then calls fail at once, reads included, without touching the database.
            var quick = Stopwatch.StartNew();
            for (var i = 0; i < 100; i++)
                Assert.True((await Assert.ThrowsAsync<JournalUnavailableException>(() => journal.WriteAsync(Write("b", 100 + i, 100 + i)))).BreakerOpen);
            Assert.True((await Assert.ThrowsAsync<JournalUnavailableException>(() => journal.ReadHighestSequenceNumberAsync("b"))).BreakerOpen);
            Assert.True(quick.Elapsed < TimeSpan.FromMilliseconds(500), $"100 refused writes took {quick.Elapsed}");
        }
        finally
        {
            await MakeAvailableAsync();
        }

        // After the reset timeout one probe goes through; it succeeds and the journal works again.
        var recovered = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(recovered.Elapsed < TimeSpan.FromSeconds(20), "the journal did not recover");
            var next = await journal.ReadHighestSequenceNumberAsync("b").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : -1);
            if (next > 0)
            {
                await journal.WriteAsync(Write("b", next + 1, next + 1));
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal(BreakerState.Closed, journal.BreakerState);
        Assert.Equal("b:1", Text((await ListAsync(journal.ReplayAsync("b", 1, 1)))[0].Payload));
    }

    [Fact]
    public async Task A_snapshot_store_on_an_unavailable_database_fails_in_bounded_time()
    {
        var store = await OpenSnapshotsCoreAsync(Options with { ReadTimeout = TimeSpan.FromSeconds(1), ConnectTimeout = TimeSpan.FromSeconds(1), BreakerMaxFailures = 1 });
        _opened.Add(store);
        await store.SaveAsync("s", 1, "S", new byte[] { 1 });
        await MakeUnavailableAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => store.SaveAsync("s", 2, "S", new byte[] { 2 }));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
            Assert.Contains(store.Name, error.Message);
            Assert.True((await Assert.ThrowsAsync<JournalUnavailableException>(() => store.LoadAsync("s"))).BreakerOpen);
        }
        finally
        {
            await MakeAvailableAsync();
        }
    }

    [Fact]
    public async Task After_a_kill_mid_stream_every_acknowledged_write_is_there_and_nothing_is_half_written()
    {
        // Make sure the schema exists before the child starts writing.
        await (await OpenJournalAsync()).DisposeAsync();
        var acked = await CrashChild.RunAndKillAsync(CrashChildEnvironment(), acksBeforeKill: 300);
        Assert.True(acked.Count > 0);

        var journal = await OpenJournalAsync();
        foreach (var (pid, highestAcked) in acked)
        {
            var events = await ListAsync(journal.ReplayAsync(pid));
            var highest = events.Count;
            Assert.True(highest >= highestAcked, $"{pid}: #{highestAcked} was acknowledged but only {highest} events are stored");
            Assert.Equal(0, highest % CrashChild.EventsPerWrite); // whole atomic writes only
            Assert.Equal(Enumerable.Range(1, highest).Select(i => (long)i), events.Select(e => e.SequenceNumber));
            Assert.All(events, e => Assert.Equal($"{pid}:{e.SequenceNumber}", Text(e.Payload)));
        }
        for (var w = 0; w < CrashChild.Writers; w++)
            Assert.Equal(0, await journal.ReadHighestSequenceNumberAsync($"crash-{w}") % CrashChild.EventsPerWrite);
    }
}
