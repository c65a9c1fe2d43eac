using System.Diagnostics;
using System.Globalization;
using Switch.Runtime.Actors;

namespace Switch.Benchmarks.Bench;

/// <summary>
/// <c>bench messages</c>: in-process message passing between ping-pong pairs of actors, with many messages in flight
/// per pair so that both cores stay busy; counts every message delivered (pings and pongs).
/// </summary>
internal static class MessagingBench
{
    internal static async Task<int> RunAsync(string[] args)
    {
        var pairs = int.Parse(BenchOutput.Option(args, "--pairs", "16"), CultureInfo.InvariantCulture);
        var inFlight = int.Parse(BenchOutput.Option(args, "--in-flight", "200"), CultureInfo.InvariantCulture);
        var perPair = int.Parse(BenchOutput.Option(args, "--messages-per-pair", "1000000"), CultureInfo.InvariantCulture);

        await using var system = ActorSystem.Create("bench");
        using var done = new CountdownEvent(pairs);
        var ball = new object();
        var rallies = Enumerable.Range(0, pairs)
            .Select(_ => (Pong: system.ActorOf(Props.Create(() => new Pong())), Ping: system.ActorOf(Props.Create(() => new Ping(perPair, done)))))
            .ToList();

        var watch = Stopwatch.StartNew();
        foreach (var (pong, ping) in rallies)
            for (var i = 0; i < inFlight; i++) pong.Tell(ball, ping);
        done.Wait();
        watch.Stop();

        var messages = 2L * pairs * perPair;
        BenchOutput.Print(new()
        {
            ["bench"] = "messages",
            ["pairs"] = pairs,
            ["in_flight"] = inFlight,
            ["messages"] = messages,
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 2),
            ["messages_per_sec"] = (long)(messages / watch.Elapsed.TotalSeconds),
        });
        return 0;
    }

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
