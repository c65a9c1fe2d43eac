using System.Diagnostics;
using System.Text;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Tests.Persistence;

/// <summary>
/// The process-crash test: a child process (this test assembly, started by <c>dotnet</c> with a startup hook that
/// runs <see cref="RunChildAsync"/> instead of the empty test entry point) writes events from many concurrent
/// writers and prints one line per acknowledged write; the parent kills it with SIGKILL mid-stream.
/// </summary>
internal static class CrashChild
{
    internal const int Writers = 16;
    internal const int EventsPerWrite = 3;
    private const string ModeVariable = "SWITCH_CRASH_CHILD";

    /// <summary>Starts the child, waits for <paramref name="acksBeforeKill"/> acknowledgements, kills it, and returns the highest acknowledged sequence number per persistence id.</summary>
    internal static async Task<Dictionary<string, long>> RunAndKillAsync(IDictionary<string, string> environment, int acksBeforeKill)
    {
        var assembly = typeof(CrashChild).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(assembly);
        info.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
        foreach (var (key, value) in environment)
            info.Environment[key] = value;

        using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start the child process");
        var stderr = child.StandardError.ReadToEndAsync();
        var acked = new Dictionary<string, long>();
        var count = 0;
        var killed = false;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await child.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                var parts = line.Split(' ');
                if (parts is ["ack", var pid, var seqText] && long.TryParse(seqText, out var seq))
                {
                    acked[pid] = Math.Max(acked.GetValueOrDefault(pid), seq);
                    if (++count == acksBeforeKill)
                    {
                        child.Kill(); // SIGKILL: no finally blocks, no flush, no dispose
                        killed = true;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            child.Kill();
            throw new TimeoutException($"the crash-test child gave {count} acknowledgements in 60 s; stderr: {await stderr}");
        }
        await child.WaitForExitAsync();
        if (!killed)
            throw new InvalidOperationException($"the crash-test child ended by itself (exit code {child.ExitCode}) after {count} acknowledgements; stderr: {await stderr}");
        Assert.Equal(137, child.ExitCode); // 128 + SIGKILL
        return acked;
    }

    /// <summary>Called from the startup hook in the child process.</summary>
    internal static void RunChildIfAsked()
    {
        var mode = Environment.GetEnvironmentVariable(ModeVariable);
        if (string.IsNullOrEmpty(mode))
            return;
        try
        {
            RunChildAsync(mode).GetAwaiter().GetResult();
            Environment.Exit(3); // the parent should have killed us long before
        }
        catch (Exception error)
        {
            Console.Error.WriteLine(error);
            Environment.Exit(2);
        }
    }

    internal static Dictionary<string, string> SqliteEnvironment(string file) =>
        new() { [ModeVariable] = "sqlite", ["SWITCH_CRASH_TARGET"] = file };

    internal static Dictionary<string, string> PostgresEnvironment(string connectionString, string schema) =>
        new() { [ModeVariable] = "postgres", ["SWITCH_CRASH_TARGET"] = connectionString, ["SWITCH_CRASH_SCHEMA"] = schema };

    private static async Task RunChildAsync(string mode)
    {
        var target = Environment.GetEnvironmentVariable("SWITCH_CRASH_TARGET")!;
        EventJournal journal = mode switch
        {
            "sqlite" => await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(target)),
            "postgres" => await PostgresJournal.OpenAsync(new PostgresPersistenceOptions(target) { Schema = Environment.GetEnvironmentVariable("SWITCH_CRASH_SCHEMA")! }),
            _ => throw new ArgumentException($"unknown crash child mode '{mode}'"),
        };
        var output = new StreamWriter(Console.OpenStandardOutput(), Encoding.ASCII) { AutoFlush = true };
        var gate = new object();
        var stop = DateTime.UtcNow.AddSeconds(50);
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var pid = $"crash-{w}";
            for (long seq = 1; DateTime.UtcNow < stop; seq += EventsPerWrite)
            {
                var events = Enumerable.Range(0, EventsPerWrite)
                    .Select(i => new NewEvent(seq + i, "crash", Encoding.UTF8.GetBytes($"{pid}:{seq + i}")))
                    .ToArray();
                await journal.WriteAsync(new AtomicWrite(pid, events));
                lock (gate)
                    output.WriteLine($"ack {pid} {seq + EventsPerWrite - 1}");
            }
        })));
    }
}
