using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;
using Switch.Runtime.Sharding;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.Sharding;

/// <summary>What a cluster's coordinator asks of a region: hand a shard off, drop it, place shards again.</summary>
public sealed class ShardHandOffTests : IAsyncLifetime
{
    private ActorSystem _system = null!;
    private TestProbe _probe = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("handoff");
        _probe = new TestProbe(_system);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    private sealed record Got(string Id, object Body, WriteFence? Fence, ActorRef Entity);

    private sealed record Drained(string Id);

    /// <summary>
    /// An entity with in-flight work: "begin" starts some, "finish" ends it. Told to drain, it stops at once when idle
    /// and otherwise when its work finishes — what an account does with a request at the bank.
    /// </summary>
    private sealed class Worker(string id, ActorRef probe) : Actor
    {
        private bool _busy, _draining;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "begin":
                    _busy = true;
                    break;
                case "finish":
                    _busy = false;
                    if (_draining) Context.Stop(Self);
                    break;
                case "fenced":
                    Context.Parent.Tell(new WriterFenced(((ActorCell)Self).Fence!), Self); // as a persistent actor does when the journal refuses it
                    break;
                case "drain":
                    _draining = true;
                    if (!_busy) Context.Stop(Self);
                    break;
                default:
                    probe.Tell(new Got(id, message, ((ActorCell)Self).Fence, Self), Self);
                    break;
            }
        }

        protected override void PostStop() => probe.Tell(new Drained(id));
    }

    /// <summary>Answers what <see cref="Home"/> says at the time of asking.</summary>
    private sealed class SwitchablePlacement : IShardPlacement
    {
        public volatile ShardHome Home = ShardHome.Local;

        public Task<ShardHome> LocateAsync(string typeName, int shardId, CancellationToken cancellationToken) => Task.FromResult(Home);
    }

    private ActorRef StartRegion(IShardPlacement placement, string type = "worker")
    {
        var probe = _probe;
        return ShardRegion.Start(_system, type, id => Props.Create(() => new Worker(id, probe)), ShardingEnvelopeExtractor.Instance,
            ShardingSettings.Default with { PassivateIdleAfter = null, Placement = placement, HandOffStopMessage = "drain" });
    }

    private static int ShardOf(string id) => ShardHash.ShardOf(id, ShardingSettings.Default.NumberOfShards);

    [Fact]
    public void A_handed_off_shard_delivers_what_it_held_to_the_new_owner_once_told_to_relocate()
    {
        var fence = new WriteFence("worker", ShardOf("acct-2"), 1, "node-1");
        var placement = new SwitchablePlacement { Home = ShardHome.Owned(fence) };
        var region = StartRegion(placement);
        var elsewhere = new TestProbe(_system, "other-region");

        region.Tell(new ShardingEnvelope("acct-2", "hello"));
        _probe.ExpectMsg<Got>();
        _probe.Send(region, new HandOffShard(fence.ShardId, TimeSpan.FromSeconds(10)));
        for (var i = 0; i < 5; i++) region.Tell(new ShardingEnvelope("acct-2", i));
        Assert.Equal("acct-2", _probe.ExpectMsg<Drained>().Id);
        Assert.Equal(new ShardHandedOff("worker", fence.ShardId), _probe.ExpectMsg<ShardHandedOff>());

        placement.Home = ShardHome.At(elsewhere);
        _probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        region.Tell(new RelocateShards([fence.ShardId]));
        for (var i = 0; i < 5; i++)
            Assert.Equal(i, elsewhere.ExpectMsg<ShardingEnvelope>().Message);
        region.Tell(new ShardingEnvelope("acct-2", "later"));
        Assert.Equal("later", elsewhere.ExpectMsg<ShardingEnvelope>().Message);
    }

    [Fact]
    public void A_handoff_finishes_in_flight_work_first()
    {
        var fence = new WriteFence("worker", ShardOf("acct-3"), 1, "node-1");
        var placement = new SwitchablePlacement { Home = ShardHome.Owned(fence) };
        var region = StartRegion(placement);
        region.Tell(new ShardingEnvelope("acct-3", "hello"));
        var got = _probe.ExpectMsg<Got>();
        Assert.Equal(fence, got.Fence); // what its journal writes would carry
        region.Tell(new ShardingEnvelope("acct-3", "begin"));
        _probe.Send(region, new HandOffShard(fence.ShardId, TimeSpan.FromSeconds(10)));
        _probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // The work ends (in an account: the bank answers) through the entity's own path, not through the region.
        got.Entity.Tell("finish");
        Assert.Equal("acct-3", _probe.ExpectMsg<Drained>().Id);
        _probe.ExpectMsg<ShardHandedOff>();
    }

    [Fact]
    public void A_handoff_past_its_deadline_stops_the_shard_outright()
    {
        var fence = new WriteFence("worker", ShardOf("acct-4"), 1, "node-1");
        var region = StartRegion(new SwitchablePlacement { Home = ShardHome.Owned(fence) });
        region.Tell(new ShardingEnvelope("acct-4", "hello"));
        _probe.ExpectMsg<Got>();
        region.Tell(new ShardingEnvelope("acct-4", "begin"));
        _probe.Send(region, new HandOffShard(fence.ShardId, TimeSpan.FromMilliseconds(300)));
        Assert.Equal("acct-4", _probe.ExpectMsg<Drained>().Id);
        _probe.ExpectMsg<ShardHandedOff>();
    }

    [Fact]
    public void Handing_off_a_shard_that_is_not_here_answers_at_once()
    {
        var region = StartRegion(new SwitchablePlacement());
        _probe.Send(region, new HandOffShard(3, TimeSpan.FromSeconds(5)));
        Assert.Equal(3, _probe.ExpectMsg<ShardHandedOff>().ShardId);
    }

    [Fact]
    public void A_dropped_shard_stops_at_once_and_its_next_messages_go_where_the_placement_says()
    {
        var fence = new WriteFence("worker", ShardOf("acct-5"), 4, "node-1");
        var placement = new SwitchablePlacement { Home = ShardHome.Owned(fence) };
        var region = StartRegion(placement);
        var elsewhere = new TestProbe(_system, "other-region");
        region.Tell(new ShardingEnvelope("acct-5", "hello"));
        _probe.ExpectMsg<Got>();
        region.Tell(new ShardingEnvelope("acct-5", "begin")); // in-flight work does not delay a lost lease

        placement.Home = ShardHome.At(elsewhere);
        region.Tell(new DropShard(fence.ShardId));
        Assert.Equal("acct-5", _probe.ExpectMsg<Drained>().Id);
        region.Tell(new ShardingEnvelope("acct-5", "after"));
        Assert.Equal("after", elsewhere.ExpectMsg<ShardingEnvelope>().Message);
    }

    [Fact]
    public void Relocating_a_remote_shard_asks_the_placement_again_on_the_next_message()
    {
        var first = new TestProbe(_system, "first-owner");
        var second = new TestProbe(_system, "second-owner");
        var placement = new SwitchablePlacement { Home = ShardHome.At(first) };
        var region = StartRegion(placement);
        region.Tell(new ShardingEnvelope("acct-6", 1));
        first.ExpectMsg<ShardingEnvelope>();

        placement.Home = ShardHome.At(second);
        region.Tell(new ShardingEnvelope("acct-6", 2));
        first.ExpectMsg<ShardingEnvelope>(); // still cached
        region.Tell(new RelocateShards([ShardOf("acct-6")]));
        region.Tell(new ShardingEnvelope("acct-6", 3));
        Assert.Equal(3, second.ExpectMsg<ShardingEnvelope>().Message);
        first.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Answers when the test says, with what the test says.</summary>
    private sealed class DelayedPlacement : IShardPlacement
    {
        public TaskCompletionSource<ShardHome> Next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ShardHome> LocateAsync(string typeName, int shardId, CancellationToken cancellationToken) => Next.Task;
    }

    [Fact]
    public void A_placement_answer_that_arrives_after_the_shard_was_handed_off_is_void()
    {
        var placement = new DelayedPlacement();
        var region = StartRegion(placement);
        var elsewhere = new TestProbe(_system, "other-region");
        var shard = ShardOf("acct-7");
        region.Tell(new ShardingEnvelope("acct-7", "held"));
        _probe.Send(region, new HandOffShard(shard, TimeSpan.FromSeconds(5))); // the lease goes while the answer is on its way
        _probe.ExpectMsg<ShardHandedOff>();

        var stale = placement.Next;
        placement.Next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        stale.SetResult(ShardHome.Owned(new WriteFence("worker", shard, 1, "node-1")));
        _probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // no shard started under the released lease

        region.Tell(new RelocateShards([shard]));
        placement.Next.SetResult(ShardHome.At(elsewhere));
        Assert.Equal("held", elsewhere.ExpectMsg<ShardingEnvelope>().Message);
    }

    [Fact]
    public void A_shard_whose_write_was_refused_under_its_lease_stops_and_is_placed_again_under_the_current_one()
    {
        var stale = new WriteFence("worker", ShardOf("acct-8"), 1, "node-1");
        var placement = new SwitchablePlacement { Home = ShardHome.Owned(stale) };
        var region = StartRegion(placement);
        region.Tell(new ShardingEnvelope("acct-8", "hello"));
        Assert.Equal(stale, _probe.ExpectMsg<Got>().Fence);

        var current = stale with { Epoch = 3 };
        placement.Home = ShardHome.Owned(current);
        region.Tell(new ShardingEnvelope("acct-8", "fenced"));
        Assert.Equal("acct-8", _probe.ExpectMsg<Drained>().Id);
        TestTime.AwaitAssert(() =>
        {
            region.Tell(new ShardingEnvelope("acct-8", "again"));
            Assert.Equal(current, _probe.ExpectMsg<Got>(timeout: TimeSpan.FromMilliseconds(300)).Fence);
        });
    }
}
