using System.Net;
using System.Text;
using Switch.Runtime.Actors;
using Switch.Runtime.Remote;
using Switch.Runtime.Serialization;

namespace Switch.Runtime.Tests.Remote;

public sealed record Numbered(int N);

public sealed record Blob(byte[] Data);

/// <summary>Registered on the sending node only, so that the receiving one cannot read it.</summary>
public sealed record OnlyOnSender(string Text);

/// <summary>Never registered anywhere.</summary>
public sealed record NeverRegistered(string Text);

/// <summary>An actor system with its transport on a free loopback port.</summary>
internal sealed class RemoteTestNode : IAsyncDisposable
{
    private RemoteTestNode(ActorSystem system, RemoteTransport transport)
    {
        System = system;
        Transport = transport;
    }

    public ActorSystem System { get; }

    public RemoteTransport Transport { get; }

    public string Name => System.Name;

    public static RemoteSettings Settings(string secret = "test-cluster-secret") => new()
    {
        Port = 0,
        Secret = secret,
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        AcceptableHeartbeatPause = TimeSpan.FromSeconds(3),
        ReconnectBackoff = TimeSpan.FromMilliseconds(50),
        HandshakeTimeout = TimeSpan.FromSeconds(3),
    };

    public static EventSerializer Serializer(bool withSenderOnlyType = false)
    {
        var serializer = new EventSerializer()
            .Register<string>("test.text", Encoding.UTF8.GetBytes, m => Encoding.UTF8.GetString(m.Span))
            .Register<Numbered>("test.numbered", n => BitConverter.GetBytes(n.N), m => new Numbered(BitConverter.ToInt32(m.Span)))
            .Register<Blob>("test.blob", b => b.Data, m => new Blob(m.ToArray()));
        if (withSenderOnlyType)
            serializer.Register<OnlyOnSender>("test.only-on-sender", o => Encoding.UTF8.GetBytes(o.Text), m => new OnlyOnSender(Encoding.UTF8.GetString(m.Span)));
        return serializer;
    }

    public static async Task<RemoteTestNode> StartAsync(string name, RemoteSettings? settings = null, EventSerializer? serializer = null)
    {
        var system = ActorSystem.Create(name);
        try
        {
            var transport = await RemoteTransport.StartAsync(system, settings ?? Settings(), serializer ?? Serializer());
            return new RemoteTestNode(system, transport);
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>Two nodes, each the other's peer.</summary>
    public static async Task<(RemoteTestNode A, RemoteTestNode B)> PairAsync(RemoteSettings? settingsA = null, RemoteSettings? settingsB = null,
        EventSerializer? serializerA = null, EventSerializer? serializerB = null)
    {
        var a = await StartAsync("node-a", settingsA, serializerA);
        var b = await StartAsync("node-b", settingsB, serializerB);
        Join(a, b);
        return (a, b);
    }

    /// <summary>Makes two nodes each other's peer, directly or at the given addresses (a relay in between).</summary>
    public static void Join(RemoteTestNode a, RemoteTestNode b, EndPoint? bSeenFromA = null, EndPoint? aSeenFromB = null)
    {
        a.Transport.SetPeer(b.Name, bSeenFromA ?? b.Transport.LocalEndPoint);
        b.Transport.SetPeer(a.Name, aSeenFromB ?? a.Transport.LocalEndPoint);
    }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        await System.DisposeAsync();
    }
}

/// <summary>Answers every message with itself.</summary>
internal sealed class Echo : Actor
{
    protected override void OnReceive(object message) => Sender.Tell(message, Self);
}

/// <summary>Answers every message with a failure.</summary>
internal sealed class Decliner : Actor
{
    protected override void OnReceive(object message) => Sender.Tell(new Status.Failure(new InvalidOperationException($"declined {message}")), Self);
}

/// <summary>What a <see cref="Relay"/> is asked to send, with itself as the sender.</summary>
internal sealed record SendTo(ActorRef Target, object Message);

/// <summary>Sends what it is told to (as itself) and hands everything else it receives to a test probe, sender kept.</summary>
internal sealed class Relay(ActorRef probe) : Actor
{
    protected override void OnReceive(object message)
    {
        if (message is SendTo send) send.Target.Tell(send.Message, Self);
        else probe.Tell(message, Sender);
    }
}
