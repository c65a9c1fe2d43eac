using Switch.Runtime.Actors;
using Switch.Runtime.Sharding;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.Introspection;

/// <summary>
/// Operators' view of sharding: the regions of a system by type name, and their stats asked of the region while it
/// runs (answered from the region's own view, never by waiting on entities).
/// </summary>
public sealed class ShardRegionLookupTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TestTime.Dilated(TimeSpan.FromSeconds(3));
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("lookup");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    /// <summary>Answers "started" when it runs; blocks on the gate for "block".</summary>
    private sealed class Entity(ManualResetEventSlim gate) : Actor
    {
        protected override void OnReceive(object message)
        {
            if (message is "block") gate.Wait();
            else Sender.Tell("started", Self);
        }
    }

    private ActorRef Start(string type, ManualResetEventSlim gate) =>
        ShardRegion.Start(_system, type, _ => Props.Create(() => new Entity(gate)), ShardingEnvelopeExtractor.Instance,
            ShardingSettings.Default with { PassivateIdleAfter = null });

    [Fact]
    public async Task Regions_are_listed_and_found_by_type_name_in_their_own_system_only()
    {
        using var gate = new ManualResetEventSlim(true);
        var accounts = Start("account", gate);
        var cards = Start("card token", gate);
        await using var other = ActorSystem.Create("other");

        Assert.Equal(["account", "card token"], ShardRegion.TypeNames(_system));
        Assert.Equal(accounts, ShardRegion.Find(_system, "account"));
        Assert.Equal(cards, ShardRegion.Find(_system, "card token"));
        Assert.Null(ShardRegion.Find(_system, "channel"));
        Assert.Empty(ShardRegion.TypeNames(other));
        Assert.Null(ShardRegion.Find(other, "account"));

        _system.Stop(cards);
        TestTime.AwaitAssert(() => Assert.Equal(["account"], ShardRegion.TypeNames(_system)));
        Assert.Null(ShardRegion.Find(_system, "card token"));
    }

    [Fact]
    public async Task A_found_region_answers_stats_while_its_entities_are_busy()
    {
        using var gate = new ManualResetEventSlim();
        Start("account", gate);
        var region = ShardRegion.Find(_system, "account")!;
        var probe = new TestProbe(_system);
        foreach (var id in new[] { "acct-1", "acct-2", "acct-3" })
        {
            probe.Send(region, new ShardingEnvelope(id, "hello"));
            probe.ExpectMsg("started");
        }
        region.Tell(new ShardingEnvelope("acct-2", "block")); // acct-2 is now stuck until the gate opens

        var stats = await region.Ask<RegionStats>(GetRegionStats.Instance, Timeout, _system);
        var shardOf2 = ShardHash.ShardOf("acct-2", ShardingSettings.Default.NumberOfShards);
        var shard = await region.Ask<ShardStats>(new GetShardStats(shardOf2), Timeout, _system);
        gate.Set();

        Assert.Equal(3, stats.EntityCountByShard.Values.Sum());
        Assert.Equal(new[] { "acct-1", "acct-2", "acct-3" }.Select(id => ShardHash.ShardOf(id, 256)).Distinct().Order(), stats.EntityCountByShard.Keys.Order());
        Assert.Contains("acct-2", shard.EntityIds);
    }
}
