using System.Runtime.Serialization;
using Switch.Runtime.Actors;
using Switch.Runtime.Remote;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.Remote;

public sealed class RemoteRefusalTests
{
    private static readonly TimeSpan AskTimeout = TestTime.Dilated(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task A_message_of_an_unregistered_type_fails_its_sender_and_goes_to_local_dead_letters()
    {
        var (a, b) = await RemoteTestNode.PairAsync();
        await using (a)
        await using (b)
        {
            b.System.ActorOf(Props.Create(() => new Echo()), "echo");
            var echo = a.Transport.Resolve(b.Name, "/user/echo");
            var before = a.System.DeadLetterCount;

            await Assert.ThrowsAsync<SerializationException>(() => echo.Ask<string>(new NeverRegistered("x"), AskTimeout, a.System));

            Assert.Equal(before + 1, a.System.DeadLetterCount);
            Assert.Equal("fine", await echo.Ask<string>("fine", AskTimeout, a.System));
        }
    }

    [Fact]
    public async Task A_manifest_the_receiver_does_not_know_goes_to_its_dead_letters_and_fails_the_sender()
    {
        var (a, b) = await RemoteTestNode.PairAsync(serializerA: RemoteTestNode.Serializer(withSenderOnlyType: true));
        await using (a)
        await using (b)
        {
            b.System.ActorOf(Props.Create(() => new Echo()), "echo");
            var echo = a.Transport.Resolve(b.Name, "/user/echo");
            var before = b.System.DeadLetterCount;

            var error = await Assert.ThrowsAsync<RemoteException>(() => echo.Ask<string>(new OnlyOnSender("x"), AskTimeout, a.System));

            Assert.Contains("test.only-on-sender", error.Message);
            Assert.Equal(typeof(SerializationException).FullName, error.TypeName);
            Assert.Equal(before + 1, b.System.DeadLetterCount);
            Assert.Equal("fine", await echo.Ask<string>("fine", AskTimeout, a.System));
        }
    }

    [Fact]
    public async Task A_message_above_the_frame_limit_is_refused_before_it_is_sent()
    {
        var (a, b) = await RemoteTestNode.PairAsync();
        await using (a)
        await using (b)
        {
            b.System.ActorOf(Props.Create(() => new Echo()), "echo");
            var echo = a.Transport.Resolve(b.Name, "/user/echo");
            var before = a.System.DeadLetterCount;

            var error = await Assert.ThrowsAsync<RemoteDeliveryException>(() => echo.Ask<Blob>(new Blob(new byte[2 * 1024 * 1024]), AskTimeout, a.System));

            Assert.Contains("maximum frame size", error.Message);
            Assert.Equal(before + 1, a.System.DeadLetterCount);
            Assert.Equal(1000, (await echo.Ask<Blob>(new Blob(new byte[1000]), AskTimeout, a.System)).Data.Length);
        }
    }

    [Fact]
    public async Task A_frame_above_the_receivers_limit_is_skipped_and_answered_and_the_connection_carries_on()
    {
        await using var a = await RemoteTestNode.StartAsync("node-a", RemoteTestNode.Settings() with { MaximumFrameSize = 4 * 1024 * 1024 });
        await using var b = await RemoteTestNode.StartAsync("node-b", RemoteTestNode.Settings() with { MaximumFrameSize = 64 * 1024 });
        await using var proxy = new TcpProxy(b.Transport.LocalEndPoint);
        RemoteTestNode.Join(a, b, bSeenFromA: proxy.EndPoint);
        var probe = new TestProbe(b.System);
        b.System.ActorOf(Props.Create(() => new Relay(probe)), "sink");
        var sink = a.Transport.Resolve(b.Name, "/user/sink");
        var senderProbe = new TestProbe(a.System);
        // The sender's path is first used (and defined for the connection) by the frame that gets skipped.
        var sender = a.System.ActorOf(Props.Create(() => new Relay(senderProbe)), "sender");

        sender.Tell(new SendTo(sink, new Blob(new byte[1024 * 1024])));
        sender.Tell(new SendTo(sink, new Blob(new byte[10])));

        var failure = senderProbe.ExpectMsg<Status.Failure>(timeout: TestTime.Dilated(TimeSpan.FromSeconds(10)));
        Assert.Contains("maximum frame size", failure.Cause.Message);
        Assert.Equal(10, probe.ExpectMsg<Blob>(timeout: TestTime.Dilated(TimeSpan.FromSeconds(10))).Data.Length);
        Assert.Equal("switch://node-a/user/sender", probe.LastSender!.Path.ToString());
        Assert.Equal(1, proxy.Forwarded);
    }

    [Fact]
    public async Task A_full_send_queue_refuses_with_a_failure_instead_of_growing()
    {
        await using var a = await RemoteTestNode.StartAsync("node-a", RemoteTestNode.Settings() with { SendQueueSize = 10 });
        await using var b = await RemoteTestNode.StartAsync("node-b");
        await using var proxy = new TcpProxy(b.Transport.LocalEndPoint) { Mode = TcpProxy.ProxyMode.Refuse };
        RemoteTestNode.Join(a, b, bSeenFromA: proxy.EndPoint);
        var senderProbe = new TestProbe(a.System);
        var sender = a.System.ActorOf(Props.Create(() => new Relay(senderProbe)), "sender");
        var sink = a.Transport.Resolve(b.Name, "/user/sink");

        for (var i = 0; i < 11; i++) sender.Tell(new SendTo(sink, new Numbered(i)));

        var failure = senderProbe.ExpectMsg<Status.Failure>(timeout: TestTime.Dilated(TimeSpan.FromSeconds(10)));
        Assert.IsType<RemoteDeliveryException>(failure.Cause);
        Assert.Contains("send queue", failure.Cause.Message);
    }
}
