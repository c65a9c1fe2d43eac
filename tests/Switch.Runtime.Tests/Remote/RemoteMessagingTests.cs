using Switch.Runtime.Actors;
using Switch.Runtime.Remote;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.Remote;

public sealed class RemoteMessagingTests : IAsyncLifetime
{
    private static readonly TimeSpan AskTimeout = TestTime.Dilated(TimeSpan.FromSeconds(10));
    private RemoteTestNode _a = null!;
    private RemoteTestNode _b = null!;

    public async Task InitializeAsync() => (_a, _b) = await RemoteTestNode.PairAsync();

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Ask_from_one_node_completes_with_the_reply_of_an_actor_on_the_other()
    {
        _b.System.ActorOf(Props.Create(() => new Echo()), "echo");
        var echo = _a.Transport.Resolve(_b.Name, "/user/echo");

        Assert.Equal("hello", await echo.Ask<string>("hello", AskTimeout, _a.System));
        Assert.Equal(new Numbered(7), await echo.Ask<Numbered>(new Numbered(7), AskTimeout, _a.System));
        Assert.Equal("switch://node-b/user/echo", echo.Path.ToString());
    }

    [Fact]
    public void A_reply_to_the_sender_goes_back_across_and_names_the_replying_actor()
    {
        var echo = _b.System.ActorOf(Props.Create(() => new Echo()), "echo");
        var probe = new TestProbe(_a.System);
        var relay = _a.System.ActorOf(Props.Create(() => new Relay(probe)), "relay");

        relay.Tell(new SendTo(_a.Transport.Resolve(_b.Name, "/user/echo"), "ping"));

        probe.ExpectMsg("ping", TestTime.Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(echo.Path.ToString(), probe.LastSender!.Path.ToString());
        // The sender is usable as it is: another message through it arrives too.
        probe.LastSender.Tell("again", relay);
        probe.ExpectMsg("again");
    }

    [Fact]
    public void Messages_from_one_sender_to_one_actor_arrive_in_order()
    {
        var probe = new TestProbe(_b.System);
        _b.System.ActorOf(Props.Create(() => new Relay(probe)), "sink");
        var sink = _a.Transport.Resolve(_b.Name, "/user/sink");
        var sender = _a.System.ActorOf(Props.Create(() => new Relay(new TestProbe(_a.System))), "sender");

        const int count = 20_000;
        for (var i = 0; i < count; i++) sink.Tell(new Numbered(i), sender);

        for (var i = 0; i < count; i++) probe.ExpectMsg(new Numbered(i), TestTime.Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal("switch://node-a/user/sender", probe.LastSender!.Path.ToString());
    }

    [Fact]
    public async Task A_failure_reply_faults_the_ask_with_the_remote_exception_type_and_message()
    {
        _b.System.ActorOf(Props.Create(() => new Decliner()), "decliner");
        var decliner = _a.Transport.Resolve(_b.Name, "/user/decliner");

        var error = await Assert.ThrowsAsync<RemoteException>(() => decliner.Ask<string>("card 4761", AskTimeout, _a.System));

        Assert.Equal(typeof(InvalidOperationException).FullName, error.TypeName);
        Assert.Equal("declined card 4761", error.Message);
    }

    [Fact]
    public async Task A_message_for_a_path_with_no_actor_goes_to_the_receivers_dead_letters()
    {
        _b.System.ActorOf(Props.Create(() => new Echo()), "echo");
        var before = _b.System.DeadLetterCount;

        _a.Transport.Resolve(_b.Name, "/user/nobody").Tell("lost");

        TestTime.AwaitAssert(() => Assert.Equal(before + 1, _b.System.DeadLetterCount), TimeSpan.FromSeconds(10));
        Assert.Equal("still here", await _a.Transport.Resolve(_b.Name, "/user/echo").Ask<string>("still here", AskTimeout, _a.System));
    }

    [Fact]
    public void A_poison_pill_crosses_and_stops_the_remote_actor()
    {
        var doomed = _b.System.ActorOf(Props.Create(() => new Echo()), "doomed");
        var watcher = new TestProbe(_b.System);
        watcher.Watch(doomed);

        _a.Transport.Resolve(_b.Name, "/user/doomed").Tell(PoisonPill.Instance);

        Assert.Equal(doomed, watcher.ExpectMsg<Terminated>(timeout: TestTime.Dilated(TimeSpan.FromSeconds(10))).Actor);
    }

    [Fact]
    public void Resolving_the_own_address_gives_the_local_actor()
    {
        var echo = _a.System.ActorOf(Props.Create(() => new Echo()), "echo");

        Assert.Same(echo, _a.Transport.Resolve(_a.Name, "/user/echo"));
        Assert.Same(_a.System.DeadLetters, _a.Transport.Resolve(_a.Name, "/user/missing"));
    }

    [Fact]
    public async Task Many_asks_in_parallel_each_get_their_own_reply()
    {
        _b.System.ActorOf(Props.Create(() => new Echo()), "echo");
        var echo = _a.Transport.Resolve(_b.Name, "/user/echo");

        var replies = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => echo.Ask<Numbered>(new Numbered(i), AskTimeout, _a.System)));

        Assert.Equal(Enumerable.Range(0, 2000), replies.Select(r => r.N));
    }
}
