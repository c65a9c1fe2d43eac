using System.Diagnostics;
using System.Globalization;
using Switch.Runtime.Persistence;

namespace Switch.Benchmarks.Bench;

/// <summary>
/// The read that starts every recovery (highest sequence number and latest snapshot), for entities that have never
/// written, as the switch's first touch of an account: N reads, at most C at once (the recovery permits), while one
/// writer commits a steady stream of events beside them (so that, as in the switch, every read finds the database
/// changed since the last). Prints the reads per second and the process's CPU time per read, the writer's included.
/// </summary>
internal static class RecoveryBench
{
    private const string Usage = "usage: bench recovery [--store sqlite|postgres|all] [--entities 100000] [--concurrency 32] [--writes-per-sec 2000]";

    internal static async Task<int> RunAsync(string[] args)
    {
        var store = BenchOutput.Option(args, "--store", "all");
        var entities = int.Parse(BenchOutput.Option(args, "--entities", "100000"), CultureInfo.InvariantCulture);
        var concurrency = int.Parse(BenchOutput.Option(args, "--concurrency", "32"), CultureInfo.InvariantCulture);
        var writesPerSecond = int.Parse(BenchOutput.Option(args, "--writes-per-sec", "2000"), CultureInfo.InvariantCulture);
        if (!BenchStores.IsValid(store) || entities < 1 || concurrency < 1 || writesPerSecond < 1)
        {
            Console.Error.WriteLine(Usage);
            return 1;
        }
        await BenchStores.RunAsync(store, "recovery", (name, open) => MeasureAsync(name, open, entities, concurrency, writesPerSecond));
        return 0;
    }

    private static async Task MeasureAsync(string store, Func<Task<(EventJournal, SnapshotStore)>> open, int entities, int concurrency, int writesPerSecond)
    {
        var (journal, snapshots) = await open();
        await using var _ = journal;
        await using var __ = snapshots;
        using var stop = new CancellationTokenSource();
        var writer = WriteSteadilyAsync(journal, writesPerSecond, stop.Token);
        await ReadAsync(journal, snapshots, "warm", Math.Min(entities, 5_000), concurrency); // JIT, connections, statements
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await ReadAsync(journal, snapshots, "new", entities, concurrency);
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        stop.Cancel();
        await writer;
        BenchOutput.Print(new()
        {
            ["bench"] = "recovery-start", ["store"] = store, ["entities"] = entities, ["concurrency"] = concurrency, ["writes_per_sec"] = writesPerSecond,
            ["seconds"] = Math.Round(seconds, 3), ["reads_per_sec"] = Math.Round(entities / seconds),
            ["cpu_us_per_read"] = Math.Round(cpuSeconds * 1e6 / entities, 1),
        });
    }

    private static async Task ReadAsync(EventJournal journal, SnapshotStore snapshots, string prefix, int entities, int concurrency)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < entities)
            {
                var (highest, snapshot) = await journal.ReadRecoveryStartAsync($"{prefix}-{i}", snapshots).ConfigureAwait(false);
                if (highest != 0 || snapshot is not null)
                    throw new InvalidOperationException($"entity {prefix}-{i} was never written, but its recovery starts at #{highest}");
            }
        }));
    }

    private static async Task WriteSteadilyAsync(EventJournal journal, int perSecond, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long written = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            var writes = new List<Task>();
            for (; written < due; written++)
                writes.Add(journal.WriteAsync(new AtomicWrite($"w-{written}", new NewEvent(1, "bench.event.v1", new byte[64]))));
            await Task.WhenAll(writes).ConfigureAwait(false);
            try
            {
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
