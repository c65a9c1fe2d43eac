using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switch.Runtime.Persistence;
using Switch.Runtime.Tests.Postgres;

namespace Switch.Benchmarks.Bench;

/// <summary>
/// Journal-level benchmarks: N concurrent writers (async loops, like persistent actors), each writing one event
/// per write and awaiting it; then a replay of every persistence id, one after another (like recoveries).
/// </summary>
internal static class JournalBench
{
    private static Func<PersistenceOptions, PersistenceOptions> Tune = o => o;

    internal static async Task<int> RunAsync(string[] args)
    {
        var store = BenchOutput.Option(args, "--store", "all");
        var writers = int.Parse(BenchOutput.Option(args, "--writers", "400"), CultureInfo.InvariantCulture);
        var events = int.Parse(BenchOutput.Option(args, "--events", "400000"), CultureInfo.InvariantCulture);
        var payloadBytes = int.Parse(BenchOutput.Option(args, "--payload", "100"), CultureInfo.InvariantCulture);
        var window = TimeSpan.FromMicroseconds(double.Parse(BenchOutput.Option(args, "--window-us", "-1"), CultureInfo.InvariantCulture));
        var checkpointPages = int.Parse(BenchOutput.Option(args, "--checkpoint-pages", "0"), CultureInfo.InvariantCulture);
        var synchronous = BenchOutput.Option(args, "--sync", "full");
        Tune = o =>
        {
            if (window >= TimeSpan.Zero)
                o = o with { BatchWindow = window };
            if (o is SqlitePersistenceOptions sqlite)
            {
                if (checkpointPages > 0)
                    sqlite = sqlite with { CheckpointPages = checkpointPages };
                o = sqlite with { Synchronous = synchronous == "normal" ? SqliteSynchronous.Normal : SqliteSynchronous.Full };
            }
            return o;
        };
        if (store is not ("sqlite" or "postgres" or "all") || writers < 1 || events < writers)
        {
            Console.Error.WriteLine("usage: bench journal [--store sqlite|postgres|all] [--writers 400] [--events 400000] [--payload 100] [--window-us N] [--checkpoint-pages N] [--sync full|normal]");
            return 1;
        }
        if (store is "sqlite" or "all")
            await SqliteAsync(writers, events, payloadBytes);
        if (store is "postgres" or "all")
            await PostgresAsync(writers, events, payloadBytes);
        return 0;
    }

    private static async Task SqliteAsync(int writers, int events, int payloadBytes)
    {
        var directory = Directory.CreateTempSubdirectory("switch-bench-sqlite-").FullName;
        try
        {
            var options = (SqlitePersistenceOptions)Tune(new SqlitePersistenceOptions(Path.Combine(directory, "journal.db")));
            await MeasureAsync("sqlite", () => SqliteJournal.OpenAsync(options).ContinueWith(t => (EventJournal)t.Result), writers, events, payloadBytes);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task PostgresAsync(int writers, int events, int payloadBytes)
    {
        using var server = PostgresServer.Start();
        var connectionString = server.CreateDatabase("bench");
        var options = (PostgresPersistenceOptions)Tune(new PostgresPersistenceOptions(connectionString));
        Console.Error.WriteLine($"bench: {server.Version} on 127.0.0.1:{server.Port} (fsync on, synchronous_commit on)");
        await MeasureAsync("postgres", () => PostgresJournal.OpenAsync(options).ContinueWith(t => (EventJournal)t.Result), writers, events, payloadBytes);
    }

    private static async Task MeasureAsync(string store, Func<Task<EventJournal>> open, int writers, int events, int payloadBytes)
    {
        var payload = Encoding.ASCII.GetBytes(new string('x', payloadBytes));
        await using var journal = await open();

        // Warm-up (JIT, connection, statement preparation) with other persistence ids.
        await WriteAsync(journal, "warm", writers, Math.Min(events, writers * 20), payload);

        var transactions = journal.CommittedTransactions;
        var clock = Stopwatch.StartNew();
        await WriteAsync(journal, "a", writers, events, payload);
        var seconds = clock.Elapsed.TotalSeconds;
        transactions = journal.CommittedTransactions - transactions;
        BenchOutput.Print(new()
        {
            ["bench"] = "journal-write", ["store"] = store, ["writers"] = writers, ["events"] = events,
            ["seconds"] = Math.Round(seconds, 3), ["events_per_sec"] = Math.Round(events / seconds),
            ["transactions"] = transactions, ["events_per_transaction"] = Math.Round((double)events / transactions, 1),
            ["payload_bytes"] = payload.Length,
        });

        // Replay: every persistence id, one after another, as recoveries do.
        var perWriter = events / writers;
        long replayed = 0;
        clock.Restart();
        for (var w = 0; w < writers; w++)
        {
            await foreach (var e in journal.ReplayAsync($"a-{w}"))
            {
                replayed++;
                if (e.Payload.Length != payload.Length)
                    throw new InvalidOperationException("bad payload");
            }
        }
        seconds = clock.Elapsed.TotalSeconds;
        if (replayed != (long)perWriter * writers)
            throw new InvalidOperationException($"replayed {replayed} events, expected {perWriter * writers}");
        BenchOutput.Print(new()
        {
            ["bench"] = "journal-replay", ["store"] = store, ["persistence_ids"] = writers, ["events"] = replayed,
            ["seconds"] = Math.Round(seconds, 3), ["events_per_sec"] = Math.Round(replayed / seconds),
        });
    }

    private static Task WriteAsync(EventJournal journal, string prefix, int writers, int events, byte[] payload)
    {
        var perWriter = events / writers;
        return Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var pid = $"{prefix}-{w}";
            for (var seq = 1; seq <= perWriter; seq++)
                await journal.WriteAsync(new AtomicWrite(pid, new NewEvent(seq, "bench.Event.v1", payload)));
        })));
    }
}
