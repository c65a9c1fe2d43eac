using Switch.Runtime.Cluster;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Tests.Cluster;

/// <summary>
/// The PostgreSQL journal checks each write's shard lease in the write's own transaction: a node that lost a shard
/// cannot add to an entity's history, even in a batch with writes that are still allowed.
/// </summary>
[Collection("cluster-postgres")]
public sealed class FencedJournalTests(ClusterDatabaseFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private readonly ClusterSettings _settings = fixture.NewSchema();
    private ClusterStore _store = null!;
    private PostgresJournal _journal = null!;

    public async Task InitializeAsync()
    {
        _store = await ClusterStore.OpenAsync(_settings);
        _journal = await PostgresJournal.OpenAsync(new PostgresPersistenceOptions(fixture.ConnectionString) { Schema = _settings.Schema });
    }

    public async Task DisposeAsync()
    {
        await _journal.DisposeAsync();
        await _store.DisposeAsync();
    }

    private static AtomicWrite Write(string persistenceId, long sequenceNumber, WriteFence? fence) =>
        new(persistenceId, new NewEvent(sequenceNumber, "test.v1", new byte[] { 1, 2, 3 })) { Fence = fence };

    private async Task<long> StoredAsync(string persistenceId) => await _journal.ReadHighestSequenceNumberAsync(persistenceId);

    [Fact]
    public async Task A_write_under_the_current_lease_is_stored_and_one_under_a_taken_over_lease_is_refused()
    {
        var a = await _store.JoinUpAsync("node-a");
        var b = await _store.JoinUpAsync("node-b");
        var fenceA = (await _store.TryAcquireAsync("account", 5, "node-a", a, Long)).Lease!.Token!;
        await _journal.WriteAsync(Write("acct-1", 1, fenceA));
        Assert.Equal(1, await StoredAsync("acct-1"));

        Assert.True(await _store.DownAsync("node-a")); // node-a is cut off; node-b takes the shard at once
        var fenceB = (await _store.TryAcquireAsync("account", 5, "node-b", b, Long)).Lease!.Token!;
        Assert.Equal(fenceA.Epoch + 1, fenceB.Epoch);

        var refused = await Assert.ThrowsAsync<JournalFencedException>(() => _journal.WriteAsync(Write("acct-1", 2, fenceA)));
        Assert.Equal(fenceA, refused.Fence);
        Assert.Contains("no longer the shard's current lease", refused.Message);
        Assert.Equal(1, await StoredAsync("acct-1"));

        await _journal.WriteAsync(Write("acct-1", 2, fenceB));
        Assert.Equal(2, await StoredAsync("acct-1"));
    }

    [Fact]
    public async Task Fenced_writes_of_two_journals_commit_in_ordering_order_so_a_poller_of_all_events_skips_nothing()
    {
        // Two nodes' journals writing under their leases while a poller follows the global ordering: the ordering lock
        // the fenced insert takes after its lease check must still make orderings commit in increasing order.
        var a = await _store.JoinUpAsync("node-a");
        var b = await _store.JoinUpAsync("node-b");
        WriteFence[] fences =
        [
            (await _store.TryAcquireAsync("account", 1, "node-a", a, Long)).Lease!.Token!,
            (await _store.TryAcquireAsync("account", 2, "node-b", b, Long)).Lease!.Token!,
        ];
        await using var other = await PostgresJournal.OpenAsync(new PostgresPersistenceOptions(fixture.ConnectionString) { Schema = _settings.Schema });
        EventJournal[] journals = [_journal, other];
        const int writers = 40, perWriter = 40;
        using var done = new CancellationTokenSource();
        var poller = Task.Run(async () =>
        {
            var seen = new List<PersistedEvent>();
            long offset = 0;
            while (true)
            {
                var finished = done.IsCancellationRequested; // one more full pass after the last write
                var page = 0;
                await foreach (var e in _journal.AllEventsAsync(offset, 50))
                {
                    seen.Add(e);
                    offset = e.Ordering;
                    page++;
                }
                if (page == 0)
                {
                    if (finished) return seen;
                    await Task.Delay(1);
                }
            }
        });
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var sequenceNumber = 1; sequenceNumber <= perWriter; sequenceNumber++)
                await journals[w % 2].WriteAsync(Write($"w-{w}", sequenceNumber, fences[w % 2]));
        })));
        await done.CancelAsync();
        var all = await poller;

        for (var i = 1; i < all.Count; i++)
            Assert.True(all[i].Ordering > all[i - 1].Ordering, $"ordering {all[i].Ordering} after {all[i - 1].Ordering}");
        var keys = all.Select(e => (e.PersistenceId, e.SequenceNumber)).ToList();
        var expected = (from w in Enumerable.Range(0, writers) from n in Enumerable.Range(1, perWriter) select ($"w-{w}", (long)n)).ToHashSet();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.True(expected.SetEquals(keys), $"saw {keys.Count} of {expected.Count}; missing {string.Join(", ", expected.Except(keys).Take(5))}");
    }

    [Fact]
    public async Task In_one_batch_only_the_writes_under_a_stale_lease_are_refused()
    {
        var a = await _store.JoinUpAsync("node-a");
        var current = (await _store.TryAcquireAsync("account", 1, "node-a", a, Long)).Lease!.Token!;
        var stale = current with { ShardId = 2, Epoch = 9 }; // never held
        var expired = (await _store.TryAcquireAsync("account", 3, "node-a", a, TimeSpan.FromMilliseconds(200))).Lease!.Token!;
        await Task.Delay(400);

        // Queued together, so the writer commits them in one batch (its group commit takes everything waiting).
        var writes = new[]
        {
            _journal.WriteAsync(Write("acct-ok", 1, current)),
            _journal.WriteAsync(Write("acct-stale", 1, stale)),
            _journal.WriteAsync(Write("acct-expired", 1, expired)),
            _journal.WriteAsync(Write("acct-unfenced", 1, null)),
            _journal.WriteAsync(Write("acct-ok-2", 1, current)),
        };
        await Task.WhenAll(writes).ContinueWith(_ => { });

        Assert.True(writes[0].IsCompletedSuccessfully);
        Assert.IsType<JournalFencedException>(writes[1].Exception!.InnerException);
        Assert.IsType<JournalFencedException>(writes[2].Exception!.InnerException);
        Assert.True(writes[3].IsCompletedSuccessfully);
        Assert.True(writes[4].IsCompletedSuccessfully);
        var stored = new List<long>();
        foreach (var id in new[] { "acct-ok", "acct-stale", "acct-expired", "acct-unfenced", "acct-ok-2" })
            stored.Add(await StoredAsync(id));
        Assert.Equal([1L, 0L, 0L, 1L, 1L], stored);
    }

    [Fact]
    public async Task A_fenced_write_that_collides_on_its_sequence_number_is_a_concurrency_failure_and_the_rest_of_the_batch_is_stored()
    {
        var a = await _store.JoinUpAsync("node-a");
        var fence = (await _store.TryAcquireAsync("account", 4, "node-a", a, Long)).Lease!.Token!;
        await _journal.WriteAsync(Write("acct-x", 1, fence));
        var writes = new[]
        {
            _journal.WriteAsync(Write("acct-x", 1, fence)),
            _journal.WriteAsync(Write("acct-y", 1, fence)),
            _journal.WriteAsync(Write("acct-z", 1, fence with { Epoch = fence.Epoch + 1 })),
        };
        await Task.WhenAll(writes).ContinueWith(_ => { });
        Assert.IsType<JournalConcurrencyException>(writes[0].Exception!.InnerException);
        Assert.True(writes[1].IsCompletedSuccessfully);
        Assert.IsType<JournalFencedException>(writes[2].Exception!.InnerException);
        Assert.Equal(1, await StoredAsync("acct-y"));
        Assert.Equal(0, await StoredAsync("acct-z"));
    }

    [Fact]
    public async Task The_SQLite_journal_refuses_fenced_writes_because_it_cannot_check_leases()
    {
        var file = Path.Combine(Path.GetTempPath(), $"fence-{Guid.NewGuid():N}.db");
        try
        {
            await using var sqlite = await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(file));
            Assert.False(sqlite.SupportsFencing);
            var error = Assert.Throws<NotSupportedException>(() => { _ = sqlite.WriteAsync(Write("acct", 1, new WriteFence("account", 1, 1, "node-a"))); });
            Assert.Contains("PostgreSQL", error.Message);
        }
        finally
        {
            foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(file) + "*")) File.Delete(f);
        }
    }
}
