using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;
using Switch.Runtime.Serialization;

namespace Switch.Benchmarks.Bench;

/// <summary>
/// PersistentActor benchmark: N persistent actors, each handling one command at a time (the next command is sent
/// when the previous one's event is committed and applied), one event per command; then the recovery of all of
/// them in a new actor system.
/// </summary>
internal static class PersistBench
{
    private const string Usage = "usage: bench persist [--store sqlite|postgres|all] [--actors 400] [--events 400000]";

    internal static async Task<int> RunAsync(string[] args)
    {
        var store = BenchOutput.Option(args, "--store", "all");
        var actors = int.Parse(BenchOutput.Option(args, "--actors", "400"), CultureInfo.InvariantCulture);
        var events = int.Parse(BenchOutput.Option(args, "--events", "400000"), CultureInfo.InvariantCulture);
        if (!BenchStores.IsValid(store) || actors < 1 || events < actors)
        {
            Console.Error.WriteLine(Usage);
            return 1;
        }
        await BenchStores.RunAsync(store, "persist", (name, open) => MeasureAsync(name, open, actors, events));
        return 0;
    }

    private static async Task MeasureAsync(string store, Func<Task<(EventJournal, SnapshotStore)>> open, int actors, int events)
    {
        var perActor = events / actors;
        {
            var (journal, snapshots) = await open();
            await using var _ = journal;
            await using var __ = snapshots;
            await using var system = ActorSystem.Create("bench");
            system.UsePersistence(journal, snapshots, Serializer());

            await RunAsync(system, "warm", actors, Math.Min(perActor, 20)); // JIT, connections, statements
            var clock = Stopwatch.StartNew();
            await RunAsync(system, "a", actors, perActor);
            var seconds = clock.Elapsed.TotalSeconds;
            BenchOutput.Print(new()
            {
                ["bench"] = "persist", ["store"] = store, ["actors"] = actors, ["events"] = (long)perActor * actors,
                ["seconds"] = Math.Round(seconds, 3), ["events_per_sec"] = Math.Round(perActor * actors / seconds),
            });
        }
        {
            // Recovery: a new system (as after a restart) starts every actor and waits until each has replayed.
            var (journal, snapshots) = await open();
            await using var _ = journal;
            await using var __ = snapshots;
            await using var system = ActorSystem.Create("bench-recovery");
            system.UsePersistence(journal, snapshots, Serializer());
            var clock = Stopwatch.StartNew();
            var recovered = await Task.WhenAll(Enumerable.Range(0, actors).Select(i =>
                system.ActorOf(Props.Create(() => new Counter($"a-{i}", null))).Ask<long>(Counter.Query.Instance, TimeSpan.FromMinutes(5), system)));
            var seconds = clock.Elapsed.TotalSeconds;
            if (recovered.Any(n => n != perActor))
                throw new InvalidOperationException($"a counter recovered {recovered.First(n => n != perActor)} events, expected {perActor}");
            BenchOutput.Print(new()
            {
                ["bench"] = "persist-recovery", ["store"] = store, ["actors"] = actors, ["events"] = (long)perActor * actors,
                ["seconds"] = Math.Round(seconds, 3), ["events_per_sec"] = Math.Round(perActor * actors / seconds),
            });
        }
    }

    private static Task RunAsync(ActorSystem system, string prefix, int actors, int commandsPerActor) =>
        Task.WhenAll(Enumerable.Range(0, actors).Select(i =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(Props.Create(() => new Counter($"{prefix}-{i}", done))).Tell(new Counter.Run(commandsPerActor, done));
            return done.Task;
        }));

    private static EventSerializer Serializer() => new EventSerializer().Register<Counter.Incremented>(
        "bench.incremented.v1",
        e =>
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, e.By);
            return bytes;
        },
        p => new Counter.Incremented(BinaryPrimitives.ReadInt64LittleEndian(p.Span)));

    /// <summary>Persists one event per command; the handler sends itself the next command until the run is done.</summary>
    private sealed class Counter(string persistenceId, TaskCompletionSource? failed) : PersistentActor
    {
        private long _count;
        private Run? _run;

        public override string PersistenceId { get; } = persistenceId;

        protected override void OnRecoveryFailure(Exception cause) => failed?.TrySetException(cause);

        protected override void OnPersistFailure(Exception cause) => failed?.TrySetException(cause);

        protected override void OnRecover(object @event)
        {
            if (@event is Incremented) _count++;
        }

        protected override void OnCommand(object command)
        {
            switch (command)
            {
                case Run run:
                    _run = run;
                    Self.Tell(Step.Instance);
                    break;
                case Step:
                    Persist(new Incremented(1), _ =>
                    {
                        _count++;
                        if (_count >= _run!.Commands) _run.Done.TrySetResult();
                        else Self.Tell(Step.Instance);
                    });
                    break;
                case Query:
                    Sender.Tell(_count);
                    break;
            }
        }

        internal sealed record Run(int Commands, TaskCompletionSource Done);

        internal sealed record Incremented(long By);

        internal sealed class Step
        {
            public static readonly Step Instance = new();
        }

        internal sealed class Query
        {
            public static readonly Query Instance = new();
        }
    }
}
