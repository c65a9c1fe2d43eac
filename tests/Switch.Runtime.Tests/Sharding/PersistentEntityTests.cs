using Switch.Runtime.Actors;
using Switch.Runtime.Sharding;
using Switch.Runtime.TestKit;
using Switch.Runtime.Tests.PersistentActors;

namespace Switch.Runtime.Tests.Sharding;

/// <summary>Sharded entities that are persistent actors come back from the journal after passivation.</summary>
public sealed class PersistentEntityTests
{
    [Fact]
    public async Task A_passivated_persistent_entity_recovers_its_state_on_the_next_message()
    {
        await using var test = await PersistentTestSystem.CreateAsync(Ledger.Serializer());
        var probe = new TestProbe(test.System);
        var region = ShardRegion.Start(test.System, "account", id => Ledger.Props("account-" + id), ShardingEnvelopeExtractor.Instance,
            new ShardingSettings { PassivateIdleAfter = TimeSpan.FromMilliseconds(200) });

        probe.Send(region, new ShardingEnvelope("A-1", new Credit(100)));
        probe.ExpectMsg<Balance>(b => b.Amount == 100);
        probe.Send(region, new ShardingEnvelope("A-1", new Credit(50)));
        probe.ExpectMsg<Balance>(b => b.Amount == 150);

        TestTime.AwaitAssert(() =>
        {
            var stats = region.Ask<RegionStats>(GetRegionStats.Instance, TimeSpan.FromSeconds(3), test.System).GetAwaiter().GetResult();
            Assert.Equal(0, stats.EntityCountByShard.Values.Sum());
        }, TimeSpan.FromSeconds(5));

        probe.Send(region, new ShardingEnvelope("A-1", new Credit(1)));
        probe.ExpectMsg<Balance>(b => b.Amount == 151 && b.SequenceNumber == 3);
    }
}
