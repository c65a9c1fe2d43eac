using Switch.Runtime.Cluster;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Tests.Cluster;

/// <summary>Shard leases in the cluster store, on a real PostgreSQL: a new schema per test, each "node" its own store (connection pool).</summary>
[Collection("cluster-postgres")]
public sealed class ClusterStoreLeaseTests(ClusterDatabaseFixture fixture)
{
    private const string Accounts = "account";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private readonly ClusterSettings _settings = fixture.NewSchema();

    [Fact]
    public async Task The_first_acquisition_is_epoch_1_and_the_owner_renews_it_without_a_new_epoch()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var a = await store.JoinUpAsync("node-a");
        var first = await store.TryAcquireAsync(Accounts, 7, "node-a", a, TimeSpan.FromSeconds(5));
        Assert.True(first.Acquired);
        var lease = first.Lease!;
        Assert.Equal((Accounts, 7, "node-a", (long?)a, 1L, "node-a"), (lease.EntityType, lease.ShardId, lease.Owner, lease.OwnerIncarnation, lease.Epoch, lease.LastOwner));
        Assert.Equal(TimeSpan.FromSeconds(5), lease.ExpiresAt - lease.DatabaseNow); // both from the database's clock
        Assert.Equal(TimeSpan.FromSeconds(5), lease.Remaining);
        Assert.False(lease.Expired);
        Assert.Equal(new WriteFence(Accounts, 7, 1, "node-a"), lease.Token);

        var renewed = await store.TryAcquireAsync(Accounts, 7, "node-a", a, TimeSpan.FromSeconds(10));
        Assert.True(renewed.Acquired);
        Assert.Equal(1, renewed.Lease!.Epoch);
        Assert.True(renewed.Lease.ExpiresAt > lease.ExpiresAt);
        var stored = await store.LeaseAsync(Accounts, 7);
        Assert.Equal((renewed.Lease.ExpiresAt, 1L, "node-a"), (stored.ExpiresAt, stored.Epoch, stored.Owner));
        Assert.Empty(await store.LeasesAsync("other-type"));
    }

    [Fact]
    public async Task A_lease_held_by_a_live_owner_is_refused_and_names_the_owner()
    {
        await using var nodeA = await ClusterStore.OpenAsync(_settings);
        await using var nodeB = await ClusterStore.OpenAsync(_settings);
        var a = await nodeA.JoinUpAsync("node-a");
        var b = await nodeB.JoinUpAsync("node-b");
        Assert.True((await nodeA.TryAcquireAsync(Accounts, 0, "node-a", a, Long)).Acquired);
        var refused = await nodeB.TryAcquireAsync(Accounts, 0, "node-b", b, Long);
        Assert.False(refused.Acquired);
        Assert.Equal(("node-a", 1L), (refused.Lease!.Owner, refused.Lease.Epoch));
    }

    [Fact]
    public async Task Only_an_up_member_acquires()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var joining = await store.JoinAsync(ClusterTesting.Node("node-j"));
        var fresh = await store.TryAcquireAsync(Accounts, 0, "node-j", joining, Long);
        Assert.False(fresh.Acquired);
        Assert.Null(fresh.Lease); // nothing was created
        Assert.False((await store.TryAcquireAsync(Accounts, 0, "node-unknown", 1, Long)).Acquired);

        var leaving = await store.JoinUpAsync("node-l");
        Assert.True(await store.LeaveAsync("node-l", leaving));
        Assert.False((await store.TryAcquireAsync(Accounts, 0, "node-l", leaving, Long)).Acquired);
        var up = await store.JoinUpAsync("node-u");
        Assert.False((await store.TryAcquireAsync(Accounts, 0, "node-u", up + 1, Long)).Acquired); // not its incarnation
        Assert.Empty(await store.LeasesAsync());
    }

    [Fact]
    public async Task A_release_keeps_the_epoch_so_the_next_owner_gets_the_next_one()
    {
        await using var nodeA = await ClusterStore.OpenAsync(_settings);
        await using var nodeB = await ClusterStore.OpenAsync(_settings);
        var a = await nodeA.JoinUpAsync("node-a");
        var b = await nodeB.JoinUpAsync("node-b");
        Assert.True((await nodeA.TryAcquireAsync(Accounts, 3, "node-a", a, Long)).Acquired);
        Assert.False(await nodeA.ReleaseAsync(Accounts, 3, "node-a", 2)); // not its epoch
        Assert.False(await nodeB.ReleaseAsync(Accounts, 3, "node-b", 1)); // not its lease
        Assert.True(await nodeA.ReleaseAsync(Accounts, 3, "node-a", 1));
        Assert.False(await nodeA.ReleaseAsync(Accounts, 3, "node-a", 1)); // already released
        var released = await nodeA.LeaseAsync(Accounts, 3);
        Assert.Equal((null, null, 1L, "node-a", true), (released.Owner, released.OwnerIncarnation, released.Epoch, released.LastOwner, released.Expired));
        Assert.Null(released.Token);

        var taken = await nodeB.TryAcquireAsync(Accounts, 3, "node-b", b, Long);
        Assert.True(taken.Acquired);
        Assert.Equal(2, taken.Lease!.Epoch);
        Assert.True(await nodeB.ReleaseAsync(Accounts, 3, "node-b", 2));
        Assert.Equal(3, (await nodeA.TryAcquireAsync(Accounts, 3, "node-a", a, Long)).Lease!.Epoch); // a former owner is a new owner too
    }

    [Fact]
    public async Task Epochs_grow_by_one_on_every_change_of_owner_and_never_otherwise()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var a = await store.JoinUpAsync("node-a");
        var b = await store.JoinUpAsync("node-b");
        var c = await store.JoinUpAsync("node-c");
        var epochs = new List<long>();
        async Task Acquire(string node, long incarnation, TimeSpan ttl)
        {
            var acquisition = await store.TryAcquireAsync(Accounts, 1, node, incarnation, ttl);
            Assert.True(acquisition.Acquired, $"{node} ({incarnation}) should get the lease");
            epochs.Add(acquisition.Lease!.Epoch);
        }

        await Acquire("node-a", a, Long);                   // new: 1
        await Acquire("node-a", a, Long);                   // renewal: 1
        Assert.True((await store.RenewAllAsync("node-a", a, Long)).Allowed);
        Assert.True(await store.DownAsync("node-a"));
        await Acquire("node-b", b, Long);                   // owner down: 2
        Assert.True(await store.ReleaseAsync(Accounts, 1, "node-b", 2));
        await Acquire("node-c", c, TimeSpan.FromMilliseconds(300)); // released: 3
        await ClusterTesting.WaitUntilAsync(async () => (await store.LeaseAsync(Accounts, 1)).Expired, "the lease to expire");
        await Acquire("node-c", c, Long);                   // its own expired lease, nobody in between: 3
        var c2 = await store.JoinUpAsync("node-c");
        await Acquire("node-c", c2, Long);                  // same node, new incarnation: 4
        var a2 = await store.JoinUpAsync("node-a");
        Assert.True(await store.DownAsync("node-c"));
        await Acquire("node-a", a2, Long);                  // 5
        Assert.Equal([1L, 1, 2, 3, 3, 4, 5], epochs);
        Assert.Equal(5, (await store.LeaseAsync(Accounts, 1)).Epoch);
    }

    [Fact]
    public async Task Nodes_racing_for_expired_leases_get_each_exactly_once_and_the_epoch_moves_once()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ClusterStore.OpenAsync(_settings)));
        try
        {
            var (nodeA, nodeB, nodeC) = (stores[0], stores[1], stores[2]);
            var a = await nodeA.JoinUpAsync("node-a");
            var b = await nodeB.JoinUpAsync("node-b");
            var c = await nodeC.JoinUpAsync("node-c");
            const int shards = 40;
            for (var shard = 0; shard < shards; shard++)
                Assert.True((await nodeA.TryAcquireAsync(Accounts, shard, "node-a", a, TimeSpan.FromMilliseconds(300))).Acquired);
            await ClusterTesting.WaitUntilAsync(async () => (await nodeA.LeasesAsync(Accounts)).All(l => l.Expired), "node-a's leases to expire");

            var racesOnExpired = await RaceAsync(Accounts, shards);
            var racesOnFresh = await RaceAsync("channel", shards); // no lease row yet: both try to insert
            foreach (var (races, epoch) in new[] { (racesOnExpired, 2L), (racesOnFresh, 1L) })
            {
                foreach (var (shard, fromB, fromC) in races)
                {
                    Assert.True(fromB.Acquired ^ fromC.Acquired, $"shard {shard}: exactly one of the racers gets it");
                    var (winner, loser) = fromB.Acquired ? (fromB, fromC) : (fromC, fromB);
                    Assert.Equal(epoch, winner.Lease!.Epoch);
                    Assert.Equal((winner.Lease.Owner, epoch), (loser.Lease!.Owner, loser.Lease.Epoch)); // the loser learns the winner
                }
            }
            Assert.All(await nodeA.LeasesAsync(Accounts), l => Assert.Equal(2, l.Epoch));
            Assert.All(await nodeA.LeasesAsync("channel"), l => Assert.Equal(1, l.Epoch));

            async Task<List<(int Shard, LeaseAcquisition FromB, LeaseAcquisition FromC)>> RaceAsync(string type, int count)
            {
                using var start = new ManualResetEventSlim();
                Task<LeaseAcquisition> Racer(ClusterStore store, string node, long incarnation, int shard) =>
                    Task.Run(async () =>
                    {
                        start.Wait();
                        return await store.TryAcquireAsync(type, shard, node, incarnation, Long);
                    });
                var pairs = Enumerable.Range(0, count)
                    .Select(shard => (shard, Racer(nodeB, "node-b", b, shard), Racer(nodeC, "node-c", c, shard)))
                    .ToList();
                start.Set();
                var results = new List<(int, LeaseAcquisition, LeaseAcquisition)>();
                foreach (var (shard, fromB, fromC) in pairs)
                    results.Add((shard, await fromB, await fromC));
                return results;
            }
        }
        finally
        {
            foreach (var store in stores)
                await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_downed_node_cannot_renew_and_its_leases_are_taken_at_once()
    {
        await using var nodeA = await ClusterStore.OpenAsync(_settings);
        await using var nodeB = await ClusterStore.OpenAsync(_settings);
        var a = await nodeA.JoinUpAsync("node-a");
        var b = await nodeB.JoinUpAsync("node-b");
        for (var shard = 0; shard < 3; shard++)
            Assert.True((await nodeA.TryAcquireAsync(Accounts, shard, "node-a", a, Long)).Acquired);
        var before = await nodeA.LeasesAsync(Accounts);

        Assert.True(await nodeB.DownAsync("node-a"));
        var renewal = await nodeA.RenewAllAsync("node-a", a, Long);
        Assert.False(renewal.Allowed);
        Assert.Empty(renewal.Leases);
        Assert.Equal(before.Select(l => l.ExpiresAt), (await nodeA.LeasesAsync(Accounts)).Select(l => l.ExpiresAt)); // nothing renewed
        Assert.False((await nodeA.TryAcquireAsync(Accounts, 9, "node-a", a, Long)).Acquired);

        for (var shard = 0; shard < 3; shard++)
        {
            var taken = await nodeB.TryAcquireAsync(Accounts, shard, "node-b", b, Long); // unexpired, but its owner is down
            Assert.True(taken.Acquired);
            Assert.Equal(2, taken.Lease!.Epoch);
        }
    }

    [Fact]
    public async Task Renewing_all_renews_every_lease_of_the_incarnation_and_none_taken_over()
    {
        await using var nodeA = await ClusterStore.OpenAsync(_settings);
        await using var nodeB = await ClusterStore.OpenAsync(_settings);
        var a = await nodeA.JoinUpAsync("node-a");
        var b = await nodeB.JoinUpAsync("node-b");
        for (var shard = 0; shard < 5; shard++)
            Assert.True((await nodeA.TryAcquireAsync(Accounts, shard, "node-a", a, Long)).Acquired);
        Assert.True((await nodeA.TryAcquireAsync("channel", 0, "node-a", a, Long)).Acquired);
        Assert.True((await nodeB.TryAcquireAsync(Accounts, 9, "node-b", b, Long)).Acquired);
        Assert.True(await nodeA.ReleaseAsync(Accounts, 4, "node-a", 1));
        Assert.True((await nodeB.TryAcquireAsync(Accounts, 4, "node-b", b, Long)).Acquired);
        await Task.Delay(200);

        var renewal = await nodeA.RenewAllAsync("node-a", a, TimeSpan.FromSeconds(60));
        Assert.True(renewal.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(60), renewal.Remaining);
        Assert.Equal(
            [new WriteFence(Accounts, 0, 1, "node-a"), new(Accounts, 1, 1, "node-a"), new(Accounts, 2, 1, "node-a"), new(Accounts, 3, 1, "node-a"), new("channel", 0, 1, "node-a")],
            renewal.Leases);
        var leases = await nodeA.LeasesAsync();
        Assert.All(leases.Where(l => l.Owner == "node-a"), l => Assert.Equal(renewal.ExpiresAt, l.ExpiresAt));
        Assert.All(leases.Where(l => l.Owner == "node-b"), l => Assert.True(l.ExpiresAt < renewal.ExpiresAt));
        Assert.True((await nodeA.MemberAsync("node-a")).HeartbeatAge < TimeSpan.FromMilliseconds(150)); // a renewal is a heartbeat

        Assert.True(await nodeA.LeaveAsync("node-a", a)); // a leaving node renews what it still hands off
        Assert.Equal(5, (await nodeA.RenewAllAsync("node-a", a, Long)).Leases.Count);
        var idle = await nodeA.JoinUpAsync("node-idle");
        var none = await nodeA.RenewAllAsync("node-idle", idle, Long);
        Assert.True(none.Allowed);
        Assert.Empty(none.Leases);
    }

    [Fact]
    public async Task A_lease_whose_owner_stops_renewing_expires_by_the_database_clock_and_is_taken()
    {
        await using var nodeA = await ClusterStore.OpenAsync(_settings);
        await using var nodeB = await ClusterStore.OpenAsync(_settings);
        var a = await nodeA.JoinUpAsync("node-a");
        var b = await nodeB.JoinUpAsync("node-b");
        var held = (await nodeA.TryAcquireAsync(Accounts, 0, "node-a", a, TimeSpan.FromSeconds(1))).Lease!;
        Assert.False((await nodeB.TryAcquireAsync(Accounts, 0, "node-b", b, Long)).Acquired);

        ShardLease? seen = null;
        await ClusterTesting.WaitUntilAsync(async () => (seen = await nodeB.LeaseAsync(Accounts, 0)).Expired, "the lease to expire");
        Assert.True(seen!.DatabaseNow >= held.ExpiresAt);
        Assert.Equal(MemberStatus.Up, (await nodeB.MemberAsync("node-a")).Status); // expired, not downed
        var taken = await nodeB.TryAcquireAsync(Accounts, 0, "node-b", b, Long);
        Assert.True(taken.Acquired);
        Assert.Equal(2, taken.Lease!.Epoch);
        Assert.Empty((await nodeA.RenewAllAsync("node-a", a, Long)).Leases); // the old owner learns it lost it
    }

    [Fact]
    public async Task A_new_incarnation_makes_the_previous_ones_leases_acquirable_and_ends_its_renewals()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var first = await store.JoinUpAsync("node-a");
        Assert.True((await store.TryAcquireAsync(Accounts, 0, "node-a", first, Long)).Acquired);
        var second = await store.JoinUpAsync("node-a"); // restarted
        Assert.False((await store.RenewAllAsync("node-a", first, Long)).Allowed);
        var again = await store.TryAcquireAsync(Accounts, 0, "node-a", second, Long);
        Assert.True(again.Acquired);
        Assert.Equal((2L, (long?)second), (again.Lease!.Epoch, again.Lease.OwnerIncarnation));
    }
}
