using System.Diagnostics;
using System.Globalization;
using Switch.Runtime.Actors;
using Switch.Runtime.Sharding;

namespace Switch.Benchmarks.Bench;

/// <summary>
/// <c>bench entities</c>: the actor runtime's cost of a first touch, as the switch pays it for most transactions. A
/// shard region gets one message for each of N entity ids never seen before (W at once); each entity answers and
/// stays until the region's limit of active entities makes it leave (least recently used first). Prints entities
/// per second and, per entity, the bytes allocated and the process's CPU time.
/// </summary>
internal static class EntityBench
{
    internal static async Task<int> RunAsync(string[] args)
    {
        var entities = int.Parse(BenchOutput.Option(args, "--entities", "1000000"), CultureInfo.InvariantCulture);
        var window = int.Parse(BenchOutput.Option(args, "--window", "256"), CultureInfo.InvariantCulture);
        var active = int.Parse(BenchOutput.Option(args, "--max-active", "100000"), CultureInfo.InvariantCulture);

        await using var system = ActorSystem.Create("bench");
        var region = ShardRegion.Start(system, "entity", _ => Props.Create(() => new Entity()), Extractor.Instance,
            new ShardingSettings { NumberOfShards = 256, MaxActiveEntities = active });

        await RunAsync(system, region, "warm", Math.Min(entities, 50_000), window);
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var collections = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var clock = Stopwatch.StartNew();
        await RunAsync(system, region, "new", entities, window);
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        BenchOutput.Print(new()
        {
            ["bench"] = "entities", ["entities"] = entities, ["window"] = window, ["max_active"] = active,
            ["seconds"] = Math.Round(seconds, 2), ["entities_per_sec"] = Math.Round(entities / seconds),
            ["cpu_us_per_entity"] = Math.Round((process.TotalProcessorTime - cpu).TotalMilliseconds * 1000 / entities, 2),
            ["bytes_per_entity"] = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / entities,
            ["gc_0_1_2"] = $"{GC.CollectionCount(0) - collections.Item1}/{GC.CollectionCount(1) - collections.Item2}/{GC.CollectionCount(2) - collections.Item3}",
        });
        return 0;
    }

    private static Task RunAsync(ActorSystem system, ActorRef region, string prefix, int entities, int window)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var driver = system.ActorOf(Props.Create(() => new Driver(region, prefix, entities, window, done)));
        driver.Tell(Driver.Start.Instance);
        return done.Task;
    }

    private sealed record Touch(string EntityId);

    private sealed class Extractor : IMessageExtractor
    {
        public static readonly Extractor Instance = new();

        public string? EntityId(object message) => (message as Touch)?.EntityId;

        public object EntityMessage(object message) => message;
    }

    private sealed class Entity : Actor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    /// <summary>Keeps <c>window</c> touches of new entities in flight until <c>entities</c> have answered.</summary>
    private sealed class Driver(ActorRef region, string prefix, int entities, int window, TaskCompletionSource done) : Actor
    {
        private int _sent, _answered;

        public sealed class Start
        {
            public static readonly Start Instance = new();
        }

        protected override void OnReceive(object message)
        {
            if (message is Start)
            {
                while (_sent < Math.Min(window, entities)) Send();
                return;
            }
            if (++_answered == entities) done.TrySetResult();
            else if (_sent < entities) Send();
        }

        private void Send() => region.Tell(new Touch(prefix + "-" + (_sent++).ToString(CultureInfo.InvariantCulture)), Self);
    }
}
