using Switch.Runtime.Actors;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.Introspection;

/// <summary><see cref="ActorSystem.Hierarchy"/>: the live actors as they are at the call, bounded by depth, with mailbox depths and child counts.</summary>
public sealed class HierarchyTests : IAsyncLifetime
{
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("introspection");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    /// <summary>Starts <paramref name="children"/> children named c0, c1, ..., each with one child named leaf.</summary>
    private sealed class Branch(int children) : Actor
    {
        protected override void PreStart()
        {
            for (var i = 0; i < children; i++)
                Context.ActorOf(Props.Create(() => new Branch(0)), $"c{i}").Tell("leaf");
        }

        protected override void OnReceive(object message) => Context.ActorOf(Props.Create(() => new Branch(0)), (string)message);
    }

    private sealed class Gate(ManualResetEventSlim gate) : Actor
    {
        protected override void OnReceive(object message) => gate.Wait();
    }

    [Fact]
    public void Depth_bounds_the_listing_and_the_deepest_actors_show_their_children_counted()
    {
        _system.ActorOf(Props.Create(() => new Branch(3)), "channels");
        TestTime.AwaitAssert(() => Assert.Equal(8, _system.Hierarchy().Count)); // /user, channels, c0 to c2 and a leaf under each

        Assert.Equal(
            ["/user", "/user/channels", "/user/channels/c0", "/user/channels/c0/leaf", "/user/channels/c1", "/user/channels/c1/leaf",
                "/user/channels/c2", "/user/channels/c2/leaf"],
            _system.Hierarchy().Select(a => a.Path["switch://introspection".Length..]));

        var top = _system.Hierarchy(maxDepth: 1);
        Assert.Equal([("switch://introspection/user", 1), ("switch://introspection/user/channels", 3)], top.Select(a => (a.Path, a.Children)));

        var two = _system.Hierarchy(maxDepth: 2);
        Assert.Equal(5, two.Count);
        Assert.All(two.Skip(2), a => Assert.Equal(1, a.Children));
        Assert.DoesNotContain(two, a => a.Path.EndsWith("/leaf", StringComparison.Ordinal));
        Assert.Throws<ArgumentOutOfRangeException>(() => _system.Hierarchy(-1));
    }

    [Fact]
    public void Mailbox_depth_is_what_waits_now_and_stopped_actors_leave()
    {
        using var gate = new ManualResetEventSlim();
        var busy = _system.ActorOf(Props.Create(() => new Gate(gate)), "busy");
        int Depth() => _system.Hierarchy().Single(a => a.Path.EndsWith("/busy", StringComparison.Ordinal)).MailboxDepth;

        for (var i = 0; i < 6; i++) busy.Tell(i); // the first is taken and blocks; five wait
        TestTime.AwaitAssert(() => Assert.Equal(5, Depth()));

        gate.Set();
        TestTime.AwaitAssert(() => Assert.Equal(0, Depth()));

        _system.Stop(busy);
        TestTime.AwaitAssert(() => Assert.DoesNotContain(_system.Hierarchy(), a => a.Path.EndsWith("/busy", StringComparison.Ordinal)));
    }
}
