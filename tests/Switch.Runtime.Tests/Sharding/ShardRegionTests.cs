using Switch.Runtime.Actors;
using Switch.Runtime.Sharding;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.Sharding;

public sealed class ShardRegionTests : IAsyncLifetime
{
    private ActorSystem _system = null!;
    private TestProbe _probe = null!;
    private int _incarnations;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("sharding");
        _probe = new TestProbe(_system);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    /// <summary>What an entity reports for each message: which incarnation handled it, and how many it had handled.</summary>
    private sealed record Got(string Id, int Incarnation, object Body, int Count);

    private sealed record Stopped(string Id, int Incarnation);

    private sealed record Stopping(string Id, int Incarnation);

    /// <summary>A non-persistent entity: its count starts at zero on every (re)start, which proves restarts.</summary>
    private sealed class Counter(string id, int incarnation, ActorRef probe) : Actor
    {
        private int _count;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "boom":
                    throw new InvalidOperationException("boom");
                case "passivate":
                    Context.Passivate();
                    break;
                case "passivate-custom":
                    Context.Passivate("stop");
                    break;
                case "stop":
                    probe.Tell(new Stopping(id, incarnation));
                    Thread.Sleep(150); // widen the window in which the shard must hold new messages
                    Context.Stop(Self);
                    break;
                case "passivate-stubborn":
                    Context.Passivate("ignored"); // a stop message this entity never acts on
                    break;
                case "ignored":
                    break;
                case "sleep":
                    Thread.Sleep(200);
                    break;
                case "get":
                    Sender.Tell(++_count, Self);
                    break;
                default:
                    probe.Tell(new Got(id, incarnation, message, ++_count), Self);
                    break;
            }
        }

        protected override void PostStop() => probe.Tell(new Stopped(id, incarnation));
    }

    private Props CounterProps(string id)
    {
        var probe = _probe;
        return Props.Create(() => new Counter(id, Interlocked.Increment(ref _incarnations), probe));
    }

    private ActorRef StartRegion(ShardingSettings? settings = null, string type = "counter") =>
        ShardRegion.Start(_system, type, CounterProps, ShardingEnvelopeExtractor.Instance,
            settings ?? ShardingSettings.Default with { PassivateIdleAfter = null });

    /// <summary>Asks and waits, for use inside AwaitAssert.</summary>
    private T AskNow<T>(ActorRef actor, object message) =>
        actor.Ask<T>(message, TimeSpan.FromSeconds(3), _system).GetAwaiter().GetResult();

    private static ShardingEnvelope To(string id, object message) => new(id, message);

    private sealed class ControlledPlacement : IShardPlacement
    {
        public TaskCompletionSource<ShardHome> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Asked;

        public int FailuresLeft;

        public Task<ShardHome> LocateAsync(string typeName, int shardId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Asked);
            if (Interlocked.Decrement(ref FailuresLeft) >= 0)
                return Task.FromException<ShardHome>(new InvalidOperationException("lease table unavailable"));
            return Answer.Task;
        }
    }

    [Fact]
    public void Shard_ids_come_from_a_stable_hash_of_the_entity_id()
    {
        // FNV-1a test vectors, and shards pinned so that a change of hash (which would re-home every entity) fails.
        Assert.Equal(0x811C9DC5u, ShardHash.Fnv1a(""));
        Assert.Equal(0xE40C292Cu, ShardHash.Fnv1a("a"));
        Assert.Equal(0xBF9CF968u, ShardHash.Fnv1a("foobar"));
        Assert.Equal(0x6448B357u, ShardHash.Fnv1a("é€"));
        Assert.Equal(44, ShardHash.ShardOf("a", 256));
        Assert.Equal(104, ShardHash.ShardOf("foobar", 256));
        Assert.Equal(7, ShardHash.ShardOf("card-4111", 256));
        Assert.Equal(991, ShardHash.ShardOf("card-4111", 1000));
        Assert.Equal(87, ShardHash.ShardOf("é€", 256));
        var longId = new string('x', 5000);
        Assert.Equal(ShardHash.ShardOf(longId, 256), ShardHash.ShardOf(new string('x', 5000), 256));
    }

    [Fact]
    public void Messages_reach_the_right_entity_which_starts_on_its_first_message()
    {
        var region = StartRegion();
        Assert.DoesNotContain(_system.Hierarchy(), a => a.Path.EndsWith("/foobar", StringComparison.Ordinal));

        _probe.Send(region, To("foobar", "hello"));
        var got = _probe.ExpectMsg<Got>();
        Assert.Equal(new Got("foobar", got.Incarnation, "hello", 1), got);
        // The entity is a child of its shard, which is a child of the region, and named after its id.
        Assert.Equal("switch://sharding/user/sharding-counter/104/foobar", _probe.LastSender!.Path.ToString());

        _probe.Send(region, To("a", "x"));
        _probe.Send(region, To("foobar", "again"));
        var first = _probe.ExpectMsg<Got>();
        var second = _probe.ExpectMsg<Got>();
        var byId = new[] { first, second }.ToDictionary(g => g.Id);
        Assert.Equal(("x", 1), (byId["a"].Body, byId["a"].Count));
        Assert.Equal(("again", 2, got.Incarnation), (byId["foobar"].Body, byId["foobar"].Count, byId["foobar"].Incarnation));
    }

    [Fact]
    public void Entity_ids_that_are_not_valid_actor_names_are_escaped()
    {
        var region = StartRegion();
        _probe.Send(region, To("$bank/a b", 1));
        Assert.Equal("$bank/a b", _probe.ExpectMsg<Got>().Id);
        Assert.Equal("%24bank%2Fa%20b", _probe.LastSender!.Path.Name);
    }

    [Fact]
    public void Messages_for_each_entity_arrive_in_the_order_sent()
    {
        var region = StartRegion();
        string[] ids = ["e1", "e2", "e3"];
        for (var i = 0; i < 3000; i++) _probe.Send(region, To(ids[i % 3], i));

        var received = _probe.ReceiveN(3000).Cast<Got>().ToList();
        foreach (var id in ids)
        {
            var bodies = received.Where(g => g.Id == id).Select(g => (int)g.Body).ToList();
            Assert.Equal(Enumerable.Range(0, 3000).Where(i => ids[i % 3] == id), bodies);
        }
    }

    [Fact]
    public void An_idle_entity_is_passivated_and_the_next_message_starts_a_fresh_one()
    {
        var region = StartRegion(ShardingSettings.Default with { PassivateIdleAfter = TimeSpan.FromMilliseconds(200) });
        for (var i = 0; i < 3; i++) _probe.Send(region, To("idle", i));
        var before = _probe.ReceiveN(3).Cast<Got>().ToList();
        Assert.Equal([1, 2, 3], before.Select(g => g.Count));

        var stopped = _probe.ExpectMsg<Stopped>(timeout: TimeSpan.FromSeconds(2));
        Assert.Equal(before[0].Incarnation, stopped.Incarnation);

        _probe.Send(region, To("idle", "after"));
        var after = _probe.ExpectMsg<Got>();
        Assert.Equal(1, after.Count); // state reset: a new incarnation
        Assert.NotEqual(before[0].Incarnation, after.Incarnation);
    }

    [Fact]
    public void A_busy_entity_is_not_passivated_for_idleness()
    {
        var region = StartRegion(ShardingSettings.Default with { PassivateIdleAfter = TimeSpan.FromMilliseconds(300) });
        for (var i = 0; i < 8; i++)
        {
            _probe.Send(region, To("busy", i));
            Assert.Equal(i + 1, _probe.ExpectMsg<Got>().Count);
            Thread.Sleep(100);
        }
    }

    [Fact]
    public void At_the_active_entity_limit_the_least_recently_used_entity_is_passivated()
    {
        var region = StartRegion(ShardingSettings.Default with { PassivateIdleAfter = null, MaxActiveEntities = 2 });
        foreach (var id in new[] { "a", "b", "a" })
        {
            _probe.Send(region, To(id, "touch"));
            _probe.ExpectMsg<Got>(g => g.Id == id);
        }
        _probe.Send(region, To("c", "touch"));

        // b was used less recently than a (a was touched after b), so b goes.
        var messages = _probe.ReceiveN(2);
        Assert.Contains(messages, m => m is Got { Id: "c" });
        Assert.Contains(messages, m => m is Stopped { Id: "b" });
        _probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        _probe.Send(region, To("a", "still-here"));
        Assert.Equal(3, _probe.ExpectMsg<Got>(g => g.Id == "a").Count);

        // b comes back fresh, and now c is the least recently used.
        _probe.Send(region, To("b", "back"));
        var back = _probe.ReceiveN(2);
        Assert.Contains(back, m => m is Got { Id: "b", Count: 1 });
        Assert.Contains(back, m => m is Stopped { Id: "c" });
        TestTime.AwaitAssert(() =>
        {
            var stats = AskNow<RegionEntities>(region, GetRegionEntities.Instance);
            Assert.Equal(["a", "b"], stats.EntityIdsByShard.Values.SelectMany(v => v).Order(StringComparer.Ordinal));
        });
    }

    [Fact]
    public void Messages_arriving_during_a_passivation_handshake_go_to_the_next_incarnation_in_order()
    {
        var region = StartRegion();
        var deadLetters = _system.DeadLetterCount;
        _probe.Send(region, To("p", "passivate-custom"));
        for (var i = 0; i < 50; i++) _probe.Send(region, To("p", i));
        var gots = new List<Got>();
        Stopping? stopping = null;
        while (stopping is null)
        {
            var m = _probe.FishForMessage(x => x is Got or Stopping);
            if (m is Got g) gots.Add(g);
            else stopping = (Stopping)m;
        }
        // The entity is now stopping (slowly): all of these must wait in the shard for the next incarnation.
        for (var i = 50; i < 100; i++) _probe.Send(region, To("p", i));

        var stopped = false;
        while (gots.Count < 100 || !stopped)
        {
            var m = _probe.FishForMessage(x => x is Got or Stopped);
            if (m is Got g) gots.Add(g);
            else stopped = true;
        }
        Assert.Equal(Enumerable.Range(0, 100), gots.Select(g => (int)g.Body));
        var first = stopping.Incarnation;
        Assert.All(gots.Where(g => (int)g.Body >= 50), g => Assert.NotEqual(first, g.Incarnation));
        // Some of 0..49 may already have reached the shard after the passivation began: those wait for the next
        // incarnation too. Either way it gets its messages from its first one, in order.
        var next = gots.Where(g => g.Incarnation != first).ToList();
        Assert.Equal(Enumerable.Range(1, next.Count), next.Select(g => g.Count));
        Assert.Equal(deadLetters, _system.DeadLetterCount);
    }

    [Fact]
    public void An_entity_can_passivate_itself_with_the_default_stop_message()
    {
        var region = StartRegion();
        _probe.Send(region, To("self", 1));
        var first = _probe.ExpectMsg<Got>();
        _probe.Send(region, To("self", "passivate"));
        _probe.Send(region, To("self", 2));
        var rest = _probe.ReceiveN(2);
        Assert.Contains(rest, m => m is Stopped s && s.Incarnation == first.Incarnation);
        var second = rest.OfType<Got>().Single();
        Assert.Equal(2, second.Body);
        // Either it was delivered before the stop (count 2, same incarnation) or held and given to a new one.
        Assert.True(second.Incarnation == first.Incarnation ? second.Count == 2 : second.Count == 1);
    }

    [Fact]
    public void While_placement_is_pending_messages_are_buffered_in_order_and_the_bound_fails_the_sender()
    {
        var placement = new ControlledPlacement();
        var region = StartRegion(ShardingSettings.Default with { PassivateIdleAfter = null, Placement = placement, BufferSize = 3 });
        var deadLetters = _system.DeadLetterCount;

        for (var i = 0; i < 5; i++) _probe.Send(region, To("waiting", i));

        for (var i = 0; i < 2; i++)
        {
            var failure = _probe.ExpectMsg<Status.Failure>();
            var full = Assert.IsType<ShardBufferFullException>(failure.Cause);
            Assert.Equal(ShardHash.ShardOf("waiting", 256), full.ShardId);
        }
        TestTime.AwaitAssert(() => Assert.Equal(deadLetters + 2, _system.DeadLetterCount));
        _probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        placement.Answer.SetResult(ShardHome.Local);
        Assert.Equal([0, 1, 2], _probe.ReceiveN(3).Cast<Got>().Select(g => (int)g.Body));
        _probe.Send(region, To("waiting", 5));
        Assert.Equal(5, _probe.ExpectMsg<Got>().Body);
        Assert.Equal(1, placement.Asked);
    }

    [Fact]
    public void A_failed_placement_is_asked_again_and_the_buffered_messages_then_arrive()
    {
        var placement = new ControlledPlacement { FailuresLeft = 2 };
        placement.Answer.SetResult(ShardHome.Local);
        var region = StartRegion(ShardingSettings.Default with
        {
            PassivateIdleAfter = null, Placement = placement, PlacementRetryInterval = TimeSpan.FromMilliseconds(30),
        });
        for (var i = 0; i < 10; i++) _probe.Send(region, To("retry", i));
        Assert.Equal(Enumerable.Range(0, 10), _probe.ReceiveN(10).Cast<Got>().Select(g => (int)g.Body));
        Assert.Equal(3, placement.Asked);
    }

    [Fact]
    public void A_shard_placed_in_another_region_gets_the_messages_forwarded_unchanged()
    {
        var other = ShardRegion.Start(_system, "counter-other", CounterProps, ShardingEnvelopeExtractor.Instance);
        var region = StartRegion(ShardingSettings.Default with
        {
            Placement = new FixedPlacement(ShardHome.At(other)),
        });
        _probe.Send(region, To("remote", "hi"));
        _probe.ExpectMsg<Got>(g => g.Id == "remote");
        Assert.StartsWith("switch://sharding/user/sharding-counter-other/", _probe.LastSender!.Path.ToString(), StringComparison.Ordinal);
    }

    private sealed class FixedPlacement(ShardHome home) : IShardPlacement
    {
        public Task<ShardHome> LocateAsync(string typeName, int shardId, CancellationToken cancellationToken) => Task.FromResult(home);
    }

    [Fact]
    public async Task Stats_list_shards_with_entity_counts_and_entity_ids_per_shard()
    {
        var region = StartRegion();
        string[] ids = ["a", "b", "c", "foobar", "card-4111"];
        foreach (var id in ids)
        {
            _probe.Send(region, To(id, "hi"));
            _probe.ExpectMsg<Got>();
        }
        var timeout = TimeSpan.FromSeconds(3);

        var stats = await region.Ask<RegionStats>(GetRegionStats.Instance, timeout, _system);
        var expected = ids.GroupBy(id => ShardHash.ShardOf(id, 256)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal("counter", stats.TypeName);
        Assert.Equal(expected.OrderBy(p => p.Key), stats.EntityCountByShard.OrderBy(p => p.Key));

        var shard = await region.Ask<ShardStats>(new GetShardStats(104), timeout, _system);
        Assert.Equal(["foobar"], shard.EntityIds);
        Assert.Empty((await region.Ask<ShardStats>(new GetShardStats(3), timeout, _system)).EntityIds);

        var entities = await region.Ask<RegionEntities>(GetRegionEntities.Instance, timeout, _system);
        Assert.Equal(ids.Order(StringComparer.Ordinal), entities.EntityIdsByShard.Values.SelectMany(v => v).Order(StringComparer.Ordinal));

        // A passivated entity leaves the stats; its shard stays, with one entity fewer.
        _probe.Send(region, To("foobar", "passivate"));
        _probe.FishForMessage(m => m is Stopped { Id: "foobar" });
        TestTime.AwaitAssert(() => Assert.Equal(0, AskNow<RegionStats>(region, GetRegionStats.Instance).EntityCountByShard[104]));
    }

    [Fact]
    public void A_crashing_entity_is_restarted_by_its_shard_and_later_messages_arrive()
    {
        var region = StartRegion();
        _probe.Send(region, To("fragile", 1));
        _probe.Send(region, To("fragile", 2));
        _probe.Send(region, To("fragile", "boom"));
        _probe.Send(region, To("fragile", 3));
        _probe.Send(region, To("fragile", 4));

        var gots = new List<Got>();
        while (gots.Count < 4) if (_probe.FishForMessage(m => m is Got) is Got g) gots.Add(g);
        Assert.Equal([1, 2, 3, 4], gots.Select(g => (int)g.Body));
        Assert.Equal([1, 2, 1, 2], gots.Select(g => g.Count)); // state reset by the restart
        Assert.NotEqual(gots[0].Incarnation, gots[2].Incarnation);
    }

    [Fact]
    public void A_message_without_an_entity_id_fails_its_sender_and_is_a_dead_letter()
    {
        var region = StartRegion();
        var deadLetters = _system.DeadLetterCount;
        _probe.Send(region, "no envelope");
        Assert.IsType<UnroutableMessageException>(_probe.ExpectMsg<Status.Failure>().Cause);
        TestTime.AwaitAssert(() => Assert.Equal(deadLetters + 1, _system.DeadLetterCount));
    }

    [Fact]
    public async Task Ask_through_the_region_gets_the_entity_reply()
    {
        var region = StartRegion();
        Assert.Equal(1, await region.Ask<int>(To("asked", "get"), TimeSpan.FromSeconds(3), _system));
        Assert.Equal(2, await region.Ask<int>(To("asked", "get"), TimeSpan.FromSeconds(3), _system));
    }

    [Fact]
    public void Invalid_settings_and_a_second_region_of_the_same_type_are_refused()
    {
        StartRegion();
        Assert.Throws<InvalidOperationException>(() => StartRegion());
        Assert.Throws<ArgumentOutOfRangeException>(() => StartRegion(ShardingSettings.Default with { NumberOfShards = 0 }, "bad"));
    }

    [Fact]
    public void An_entity_that_does_not_stop_within_the_passivation_timeout_is_stopped_and_held_messages_survive()
    {
        var region = StartRegion(ShardingSettings.Default with
        {
            PassivateIdleAfter = null, PassivationTimeout = TimeSpan.FromMilliseconds(150),
        });
        _probe.Send(region, To("stubborn", 0));
        var first = _probe.ExpectMsg<Got>();
        _probe.Send(region, To("stubborn", "passivate-stubborn"));
        Thread.Sleep(30);
        _probe.Send(region, To("stubborn", 1));
        _probe.Send(region, To("stubborn", 2));

        Assert.Equal(first.Incarnation, _probe.ExpectMsg<Stopped>().Incarnation);
        var after = _probe.ReceiveN(2).Cast<Got>().ToList();
        Assert.Equal([1, 2], after.Select(g => (int)g.Body));
        Assert.All(after, g => Assert.NotEqual(first.Incarnation, g.Incarnation));
    }

    [Fact]
    public void A_bounded_entity_mailbox_refuses_overflow_with_a_failure_to_the_sender()
    {
        var region = StartRegion(ShardingSettings.Default with { PassivateIdleAfter = null, EntityMailboxCapacity = 2 });
        _probe.Send(region, To("small", 0));
        _probe.ExpectMsg<Got>();
        _probe.Send(region, To("small", "sleep"));
        Thread.Sleep(50);
        for (var i = 1; i <= 5; i++) _probe.Send(region, To("small", i));

        var messages = _probe.ReceiveN(5);
        Assert.Equal(3, messages.OfType<Status.Failure>().Count(f => f.Cause is MailboxFullException));
        Assert.Equal([1, 2], messages.OfType<Got>().Select(g => (int)g.Body));
    }
}
