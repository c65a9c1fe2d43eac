using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Switch.Runtime.Actors;
using Switch.Runtime.Remote;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.Remote;

public sealed class RemoteConnectionTests
{
    private static readonly TimeSpan AskTimeout = TestTime.Dilated(TimeSpan.FromSeconds(10));
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_peer_with_another_secret_is_never_associated_and_queued_messages_fail()
    {
        var (a, b) = await RemoteTestNode.PairAsync(
            settingsA: RemoteTestNode.Settings("secret-one") with { DisconnectedQueueTimeout = TimeSpan.FromMilliseconds(500) },
            settingsB: RemoteTestNode.Settings("secret-two"));
        await using (a)
        await using (b)
        {
            var probe = new TestProbe(b.System);
            b.System.ActorOf(Props.Create(() => new Relay(probe)), "sink");

            var error = await Assert.ThrowsAsync<RemoteDeliveryException>(() =>
                a.Transport.Resolve(b.Name, "/user/sink").Ask<string>("let me in", AskTimeout, a.System));

            Assert.Contains("secret", error.Message);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            Assert.False(a.Transport.IsReachable(b.Name));
        }
    }

    [Fact]
    public async Task Messages_flow_over_tls_with_the_clusters_certificate()
    {
        var directory = Directory.CreateTempSubdirectory("switch-remote-tls-");
        try
        {
            var file = Path.Combine(directory.FullName, "cluster.pfx");
            using (var key = RSA.Create(2048))
            {
                var request = new CertificateRequest("CN=switch-cluster", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
                await File.WriteAllBytesAsync(file, certificate.Export(X509ContentType.Pfx, "pfx-password"));
            }
            var settings = RemoteTestNode.Settings() with { CertificatePath = file, CertificatePassword = "pfx-password" };
            var (a, b) = await RemoteTestNode.PairAsync(settings, settings);
            await using (a)
            await using (b)
            {
                b.System.ActorOf(Props.Create(() => new Echo()), "echo");

                Assert.Equal("over tls", await a.Transport.Resolve(b.Name, "/user/echo").Ask<string>("over tls", AskTimeout, a.System));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task After_the_connection_is_killed_the_next_message_reconnects_and_is_delivered()
    {
        await using var a = await RemoteTestNode.StartAsync("node-a");
        await using var b = await RemoteTestNode.StartAsync("node-b");
        await using var proxy = new TcpProxy(b.Transport.LocalEndPoint);
        RemoteTestNode.Join(a, b, bSeenFromA: proxy.EndPoint);
        var probe = new TestProbe(b.System);
        b.System.ActorOf(Props.Create(() => new Relay(probe)), "sink");
        var sink = a.Transport.Resolve(b.Name, "/user/sink");

        sink.Tell("before");
        probe.ExpectMsg("before", TestTime.Dilated(Long));
        proxy.KillConnections();

        // A message written just as the connection died may be lost (at most once); keep sending until one lands.
        var delivered = false;
        for (var i = 0; i < 100 && !delivered; i++)
        {
            sink.Tell("after");
            try
            {
                probe.ExpectMsg("after", TimeSpan.FromMilliseconds(200));
                delivered = true;
            }
            catch (TestKitException)
            {
            }
        }
        Assert.True(delivered, "no message arrived after the connection was killed");
        Assert.True(proxy.Forwarded >= 2);
    }

    [Fact]
    public async Task Messages_queued_while_the_peer_cannot_be_reached_are_delivered_in_order_after_it_can()
    {
        await using var a = await RemoteTestNode.StartAsync("node-a", RemoteTestNode.Settings() with { DisconnectedQueueTimeout = TimeSpan.FromSeconds(30) });
        await using var b = await RemoteTestNode.StartAsync("node-b");
        await using var proxy = new TcpProxy(b.Transport.LocalEndPoint) { Mode = TcpProxy.ProxyMode.Refuse };
        RemoteTestNode.Join(a, b, bSeenFromA: proxy.EndPoint);
        var probe = new TestProbe(b.System);
        b.System.ActorOf(Props.Create(() => new Relay(probe)), "sink");
        var sink = a.Transport.Resolve(b.Name, "/user/sink");

        for (var i = 0; i < 100; i++) sink.Tell(new Numbered(i));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        proxy.Mode = TcpProxy.ProxyMode.Forward;

        for (var i = 0; i < 100; i++) probe.ExpectMsg(new Numbered(i), TestTime.Dilated(Long));
    }

    [Fact]
    public async Task Heartbeats_report_a_peer_unreachable_when_nothing_gets_through_and_reachable_again_after()
    {
        var settings = RemoteTestNode.Settings() with
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(100),
            AcceptableHeartbeatPause = TimeSpan.FromMilliseconds(800),
            HandshakeTimeout = TimeSpan.FromSeconds(1),
        };
        await using var a = await RemoteTestNode.StartAsync("node-a", settings);
        await using var b = await RemoteTestNode.StartAsync("node-b", settings);
        var changes = new BlockingCollection<(string Node, bool Reachable)>();
        a.Transport.PeerReachabilityChanged += (node, reachable) => changes.Add((node, reachable));
        // Both directions go through a relay: node-a hears node-b on either connection.
        await using var toB = new TcpProxy(b.Transport.LocalEndPoint);
        await using var toA = new TcpProxy(a.Transport.LocalEndPoint);
        RemoteTestNode.Join(a, b, bSeenFromA: toB.EndPoint, aSeenFromB: toA.EndPoint);
        TestTime.AwaitAssert(() => Assert.True(a.Transport.IsReachable(b.Name)), Long);

        toB.Mode = toA.Mode = TcpProxy.ProxyMode.BlackHole;
        Assert.True(WaitFor(changes, (b.Name, false)), "node-b never became unreachable");
        Assert.False(a.Transport.IsReachable(b.Name));

        toB.Mode = toA.Mode = TcpProxy.ProxyMode.Forward;
        Assert.True(WaitFor(changes, (b.Name, true)), "node-b never became reachable again");
        Assert.True(a.Transport.IsReachable(b.Name));
    }

    private static bool WaitFor(BlockingCollection<(string, bool)> changes, (string, bool) expected)
    {
        var deadline = DateTime.UtcNow + TestTime.Dilated(Long);
        while (changes.TryTake(out var change, deadline - DateTime.UtcNow > TimeSpan.Zero ? deadline - DateTime.UtcNow : TimeSpan.Zero))
            if (change == expected) return true;
        return false;
    }

    /// <summary>Takes every message and answers none.</summary>
    private sealed class Silent : Actor
    {
        protected override void OnReceive(object message) { }
    }

    [Fact]
    public async Task An_ask_the_removed_peer_never_answered_ends_at_once_as_lost_with_the_node()
    {
        var (a, b) = await RemoteTestNode.PairAsync();
        await using (a)
        await using (b)
        {
            b.System.ActorOf(Props.Create(() => new Silent()), "silent");
            b.System.ActorOf(Props.Create(() => new Echo()), "echo");
            Assert.Equal("up", await a.Transport.Resolve(b.Name, "/user/echo").Ask<string>("up", AskTimeout, a.System));
            var unanswered = a.Transport.Resolve(b.Name, "/user/silent").Ask<string>("anyone?", TimeSpan.FromMinutes(5), a.System);
            var answered = a.Transport.Resolve(b.Name, "/user/echo").Ask<string>("fine", AskTimeout, a.System);
            Assert.Equal("fine", await answered);
            await Task.Delay(100); // "anyone?" went out before "fine" and reached node-b

            a.Transport.RemovePeer(b.Name); // node-b left the cluster (declared down)
            var lost = await Assert.ThrowsAsync<RemoteNodeLostException>(() => unanswered.WaitAsync(TestTime.Dilated(Long)));
            Assert.Equal(b.Name, lost.Node);
        }
    }

    [Fact]
    public async Task Removing_a_peer_terminates_watches_of_its_actors_and_later_sends_fail()
    {
        var (a, b) = await RemoteTestNode.PairAsync();
        await using (a)
        await using (b)
        {
            b.System.ActorOf(Props.Create(() => new Echo()), "echo");
            var echo = a.Transport.Resolve(b.Name, "/user/echo");
            Assert.Equal("up", await echo.Ask<string>("up", AskTimeout, a.System));
            var watcher = new TestProbe(a.System);
            watcher.Watch(echo);

            a.Transport.RemovePeer(b.Name);

            Assert.Equal(echo, watcher.ExpectMsg<Terminated>(timeout: TestTime.Dilated(Long)).Actor);
            var error = await Assert.ThrowsAsync<RemoteDeliveryException>(() => echo.Ask<string>("down", AskTimeout, a.System));
            Assert.Contains("no route", error.Message);
            Assert.False(a.Transport.IsReachable(b.Name));
        }
    }

    [Fact]
    public async Task Disposing_with_connections_up_and_messages_queued_completes_promptly()
    {
        var (a, b) = await RemoteTestNode.PairAsync();
        b.System.ActorOf(Props.Create(() => new Echo()), "echo");
        var echo = a.Transport.Resolve(b.Name, "/user/echo");
        Assert.Equal("up", await echo.Ask<string>("up", AskTimeout, a.System));
        await using var proxy = new TcpProxy(b.Transport.LocalEndPoint) { Mode = TcpProxy.ProxyMode.Refuse };
        a.Transport.SetPeer(b.Name, proxy.EndPoint);
        for (var i = 0; i < 100; i++) echo.Tell(new Numbered(i));

        var disposing = Task.WhenAll(a.DisposeAsync().AsTask(), b.DisposeAsync().AsTask());

        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(TestTime.Dilated(Long))));
        await disposing;
    }
}
