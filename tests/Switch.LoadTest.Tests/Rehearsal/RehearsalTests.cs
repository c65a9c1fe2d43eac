using System.Diagnostics;
using System.Text.Json;

namespace Switch.LoadTest.Tests.Rehearsal;

/// <summary>
/// Whole rehearsals as operators run them: the real switch-node processes (one on its SQLite journal, or a cluster on
/// the tool's private PostgreSQL), bank host simulators on loopback, the shipped scenario files, reconciliation against
/// the journal and the report on disk. One at a time: they share the machine's two cores with the switch.
/// </summary>
[Collection(RehearsalCollection.Name)]
public sealed class RehearsalTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("rehearsal-").FullName;

    [Fact]
    public async Task Smoke_passes_its_slos_with_nothing_lost_duplicated_phantom_or_unanswered()
    {
        var (exit, output) = await RehearseAsync("smoke.conf");

        var root = await SummaryAsync();
        Assert.True(exit == 0, output);
        Assert.True(root.GetProperty("slo_passed").GetBoolean());
        Assert.Equal("smoke", root.GetProperty("scenario").GetString());
        foreach (var zero in new[] { "lost", "duplicated", "phantom", "unanswered" })
            Assert.Equal(0, root.GetProperty(zero).GetInt64());
        // 10 s ramp 50 -> 200, 40 s at 200, 10 s at 400: 1,250 + 8,000 + 4,000 transactions on the timetable.
        Assert.Equal(220.8, root.GetProperty("tps_target").GetDouble(), 1);
        Assert.InRange(root.GetProperty("sent").GetInt64(), 13_250, 16_000); // plus completions, reversals, duplicates
        Assert.True(root.GetProperty("approved").GetInt64() > 12_000);
        Assert.True(root.GetProperty("per_channel").GetProperty("bank-a").GetProperty("requests").GetInt64() > 4_000);
        Assert.True(root.GetProperty("per_channel").GetProperty("on-us").GetProperty("requests").GetInt64() > 1_000);
        Assert.InRange(File.ReadAllLines(Path.Combine(_out, "timeseries.csv")).Length - 1, 60, 63);
        Assert.Contains("<svg", await File.ReadAllTextAsync(Path.Combine(_out, "report.html")), StringComparison.Ordinal);
        Assert.Contains("every SLO held", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chaos_smoke_loses_nothing_through_a_bank_outage_an_isolated_breaker_and_a_killed_switch()
    {
        var (exit, output) = await RehearseAsync("chaos-smoke.conf");
        await WithOutputAsync(output, () => ChaosSmokeHeldAsync(exit, output));
    }

    private async Task ChaosSmokeHeldAsync(int exit, string output)
    {
        var root = await SummaryAsync();
        Assert.True(exit == 0, output);
        foreach (var zero in new[] { "lost", "duplicated", "phantom", "unanswered" })
            Assert.Equal(0, root.GetProperty(zero).GetInt64());
        var events = root.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["bank-down", "bank-down-end", "breaker-isolate", "breaker-close", "switch-kill", "switch-start"],
            events.Select(e => e.GetProperty("kind").GetString()));
        Assert.DoesNotContain(events, e => e.GetProperty("description").GetString()!.Contains("FAILED", StringComparison.Ordinal));
        // The outage shows: bank-b's requests while it was down were answered with a failure code, not approved.
        Assert.True(root.GetProperty("timeouts").GetInt64() + root.GetProperty("declined").GetInt64() > 100, output);
        // The isolation shows in the breaker states polled from the admin endpoint, second by second.
        var rows = File.ReadAllLines(Path.Combine(_out, "timeseries.csv"));
        var column = Array.IndexOf(rows[0].Split(','), "bank-a_breaker");
        Assert.Contains(rows.Skip(1), row => row.Split(',')[column] == "isolated");
        Assert.Contains(rows.Skip(1), row => row.Split(',')[column] == "down"); // the node was killed
    }

    [Fact]
    public async Task Cluster_smoke_loses_nothing_when_a_node_is_killed_and_its_shards_serve_again_within_5_seconds()
    {
        var (exit, output) = await RehearseAsync("cluster-smoke.conf");
        await WithOutputAsync(output, async () =>
        {
            var root = await SummaryAsync();
            Assert.True(exit == 0, output);
            foreach (var zero in new[] { "lost", "duplicated", "phantom", "unanswered" })
                Assert.Equal(0, root.GetProperty(zero).GetInt64());
            var kill = Assert.Single(root.GetProperty("events").EnumerateArray());
            Assert.Equal("node-kill node-2", kill.GetProperty("description").GetString());
            Assert.Equal("node-kill node-2 at 15 s", root.GetProperty("failover_event").GetString());
            Assert.InRange(root.GetProperty("failover_window_s").GetDouble(), 0, 5);
            // The load went on through the kill: node-2's connections came back on the other nodes.
            Assert.True(root.GetProperty("tps_achieved").GetDouble() >= 120, output);
            foreach (var node in new[] { "node-1", "node-2", "node-3" })
                Assert.Contains($" node {node} started", await File.ReadAllTextAsync(Path.Combine(_out, $"{node}.log")), StringComparison.Ordinal);
        });
    }

    /// <summary>A failed check carries the rehearsal's own account of the run (its timeline and summary) with it.</summary>
    private static async Task WithOutputAsync(string output, Func<Task> checks)
    {
        try
        {
            await checks();
        }
        catch (Exception failure)
        {
            throw new Xunit.Sdk.XunitException($"{failure.Message}\n--- the rehearsal's output ---\n{output}");
        }
    }

    /// <summary>The rehearsal as operators run it: the switch-loadtest command, a process of its own.</summary>
    private async Task<(int Exit, string Output)> RehearseAsync(string scenario)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "switch-loadtest.dll"), "rehearse", "--scenario", Repository.Path("hocon", "loadtest", scenario), "--out", _out })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await output + await error);
    }

    private async Task<JsonElement> SummaryAsync() =>
        JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, "summary.json"))).RootElement;

    public void Dispose() => Directory.Delete(_out, recursive: true);
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RehearsalCollection
{
    public const string Name = "rehearsals";
}
