using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Switch.Runtime.Actors;
using Switch.Runtime.Remote;
using Switch.Runtime.Serialization;

namespace Switch.Benchmarks.Bench;

/// <summary>
/// <c>bench remote</c>: two actor systems in this process joined by their transports over 127.0.0.1 TCP; ping actors
/// on one node rally with pong actors on the other, many messages in flight per pair. Counts every message that
/// crossed the wire (pings and pongs).
/// </summary>
internal static class RemoteBench
{
    internal static async Task<int> RunAsync(string[] args)
    {
        var pairs = int.Parse(BenchOutput.Option(args, "--pairs", "16"), CultureInfo.InvariantCulture);
        var inFlight = int.Parse(BenchOutput.Option(args, "--in-flight", "100"), CultureInfo.InvariantCulture);
        var perPair = int.Parse(BenchOutput.Option(args, "--messages-per-pair", "200000"), CultureInfo.InvariantCulture);

        var settings = new RemoteSettings { Port = 0, Secret = "bench-secret" };
        await using var pingSystem = ActorSystem.Create("bench-ping");
        await using var pongSystem = ActorSystem.Create("bench-pong");
        await using var pingTransport = await RemoteTransport.StartAsync(pingSystem, settings, Serializer());
        await using var pongTransport = await RemoteTransport.StartAsync(pongSystem, settings, Serializer());
        pingTransport.SetPeer(pongSystem.Name, pongTransport.LocalEndPoint);
        pongTransport.SetPeer(pingSystem.Name, pingTransport.LocalEndPoint);

        using var done = new CountdownEvent(pairs);
        var rallies = Enumerable.Range(0, pairs)
            .Select(i =>
            {
                pongSystem.ActorOf(Props.Create(() => new Pong()), $"pong-{i}");
                return (Pong: pingTransport.Resolve(pongSystem.Name, $"/user/pong-{i}"),
                        Ping: pingSystem.ActorOf(Props.Create(() => new Ping(perPair, done)), $"ping-{i}"));
            })
            .ToList();
        // One ball per pair first: connections, handshakes and path tables are set up before the clock starts.
        await Task.WhenAll(rallies.Select(r => r.Pong.Ask<Ball>(new Ball(0), TimeSpan.FromSeconds(10), pingSystem)));

        var watch = Stopwatch.StartNew();
        foreach (var (pong, ping) in rallies)
            for (var i = 0; i < inFlight; i++) pong.Tell(new Ball(i), ping);
        done.Wait();
        watch.Stop();

        var messages = 2L * pairs * perPair;
        BenchOutput.Print(new()
        {
            ["bench"] = "remote",
            ["pairs"] = pairs,
            ["in_flight"] = inFlight,
            ["messages"] = messages,
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 2),
            ["messages_per_sec"] = (long)(messages / watch.Elapsed.TotalSeconds),
            ["dead_letters"] = pingSystem.DeadLetterCount + pongSystem.DeadLetterCount,
        });
        return 0;
    }

    private static EventSerializer Serializer() => new EventSerializer().Register<Ball>("bench.ball",
        ball =>
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, ball.Number);
            return bytes;
        },
        payload => new Ball(BinaryPrimitives.ReadInt32LittleEndian(payload.Span)));

    private sealed record Ball(int Number);

    private sealed class Pong : Actor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    /// <summary>Returns every ball until it has received <c>target</c> of them.</summary>
    private sealed class Ping(int target, CountdownEvent done) : Actor
    {
        private int _received;

        protected override void OnReceive(object message)
        {
            if (++_received == target) done.Signal();
            else if (_received < target) Sender.Tell(message, Self);
        }
    }
}
