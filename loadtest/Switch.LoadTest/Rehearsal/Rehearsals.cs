using System.Net;
using System.Runtime.InteropServices;
using Switch.LoadTest.Load;
using Switch.LoadTest.Reconciliation;
using Switch.LoadTest.Report;
using Switch.LoadTest.Scenarios;
using Switch.Runtime.Persistence;
using Switch.Runtime.Tests.Postgres;

namespace Switch.LoadTest.Rehearsal;

/// <summary>
/// The two ways to run a scenario. <see cref="RehearseAsync"/> starts everything itself (bank simulators, the switch
/// node or cluster of nodes as processes on configurations it writes, PostgreSQL when the scenario asks for it), plays
/// the timeline, stops the nodes, reconciles against their journal and writes the report. <see cref="RunAsync"/> drives a switch that
/// is already running and reconciles against the journal it is given. Both return the exit code: 0 when every SLO
/// holds, 1 when one is missed.
/// </summary>
internal static class Rehearsals
{
    public static async Task<int> RehearseAsync(Scenario scenario, string outDirectory, string? captureFile, TextWriter log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outDirectory);
        double? relayTps = scenario.RelayBaseline.Enabled ? await RelayBaseline.MeasureAsync(scenario, log, cancellationToken).ConfigureAwait(false) : null;
        using var postgres = scenario.Switch.Journal == "postgres" ? PostgresServer.Start() : null;
        var postgresConnection = postgres?.CreateDatabase("rehearsal");
        await using var banks = await BankFarm.StartAsync(scenario.Banks, scenario.Seed).ConfigureAwait(false);
        await using var nodes = SwitchNodes.Write(scenario, banks, outDirectory, postgresConnection);
        log.WriteLine(scenario.Switch.Clustered
            ? $"rehearsal {scenario.Name}: starting a cluster of {nodes.All.Count} nodes ({string.Join(", ", nodes.All.Select(n => $"{n.Id} in {n.DataCentre}"))}; consoles in {outDirectory}/<node>.log)"
            : $"rehearsal {scenario.Name}: starting the switch node ({scenario.Switch.Journal} journal; console in {nodes.All[0].Configuration.LogFile})");
        var owned = await nodes.StartAsync().ConfigureAwait(false);
        if (scenario.Switch.Clustered)
            log.WriteLine($"rehearsal {scenario.Name}: every account shard leased ({SwitchNodes.Describe(owned)})");
        log.WriteLine($"rehearsal {scenario.Name}: {scenario.Duration.TotalSeconds:0} s of load on {string.Join(", ", nodes.AcquirerEndpoints)}, {scenario.Acquirer.Connections} connections, {scenario.Timeline.Count} timeline steps");
        var outcome = await RunDriver.DriveAsync(scenario, nodes.AcquirerEndpoints, TerminalPrefix(),
            start => new ChaosTimeline(scenario.Timeline, start, banks, nodes, () => nodes.LiveAdmin, postgres, log), () => nodes.LiveAdmin,
            captureFile, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"rehearsal {scenario.Name}: load over; stopping the {(scenario.Switch.Clustered ? "nodes" : "node")} (SIGTERM)");
        foreach (var (id, exit) in await nodes.TerminateAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false))
            if (exit != 0)
                log.WriteLine($"rehearsal {scenario.Name}: node {id} exited with code {exit}:\n{nodes[id].Process.Tail}");
        PersistenceOptions journal = postgresConnection is null
            ? new SqlitePersistenceOptions(nodes.All[0].Configuration.JournalConnection)
            : new PostgresPersistenceOptions(postgresConnection);
        return await ReconcileAndReportAsync(scenario, outcome, journal, relayTps, outDirectory, log, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<int> RunAsync(Scenario scenario, EndPoint target, PersistenceOptions journal, AdminClient? admin, string outDirectory,
        string? captureFile, TextWriter log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outDirectory);
        if (scenario.Timeline.FirstOrDefault(a => !a.Action.StartsWith("breaker-", StringComparison.Ordinal)) is { } step)
            throw new InvalidOperationException($"run mode drives a switch it did not start: the timeline can only hold breaker actions, not {step.Action} (use rehearse)");
        if (scenario.Timeline.Count > 0 && admin is null)
            throw new InvalidOperationException("the timeline's breaker actions need the node's admin endpoint (--admin and --token)");
        double? relayTps = scenario.RelayBaseline.Enabled ? await RelayBaseline.MeasureAsync(scenario, log, cancellationToken).ConfigureAwait(false) : null;
        log.WriteLine($"run {scenario.Name}: {scenario.Duration.TotalSeconds:0} s of load on {target}, {scenario.Acquirer.Connections} connections");
        var outcome = await RunDriver.DriveAsync(scenario, [target], TerminalPrefix(),
            start => new ChaosTimeline(scenario.Timeline, start, null, null, () => admin, null, log), admin is null ? null : () => admin,
            captureFile, cancellationToken).ConfigureAwait(false);
        return await ReconcileAndReportAsync(scenario, outcome, journal, relayTps, outDirectory, log, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ReconcileAndReportAsync(Scenario scenario, RunOutcome outcome, PersistenceOptions journal, double? relayTps,
        string outDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        var acquirerId = scenario.Acquirer.AcquirerId;
        var terminals = outcome.Ledger.Select(e => e.Terminal).ToHashSet(StringComparer.Ordinal);
        log.WriteLine($"reconciling {outcome.Ledger.Count} requests against the journal");
        var decisions = await JournalReader.ReadDecisionsAsync(journal, key => OfRun(key, acquirerId, terminals), cancellationToken).ConfigureAwait(false);
        var result = Reconciler.Reconcile(
            outcome.Ledger.Select(e => new AcquirerRecord(e.Key(acquirerId), e.Kind, e.ResponseCode)), decisions);
        var report = Build(scenario, outcome, result, relayTps);
        await ReportWriter.WriteAsync(report, outDirectory, cancellationToken).ConfigureAwait(false);
        Summarize(report, outDirectory, log);
        return report.SloPassed ? 0 : 1;
    }

    private static bool OfRun(string key, string acquirerId, HashSet<string> terminals)
    {
        var parts = key.Split('|');
        return parts.Length == 4 && parts[0] == acquirerId && terminals.Contains(parts[1]);
    }

    internal static RunReport Build(Scenario scenario, RunOutcome outcome, ReconciliationResult reconciliation, double? relayTps)
    {
        var r = outcome.Recorder;
        var duration = scenario.Duration.TotalSeconds;
        var openLoopSeconds = scenario.Phases.Where(p => !p.Saturate).Sum(p => p.Duration.TotalSeconds);
        var tpsTarget = openLoopSeconds > 0 ? outcome.Schedule.Total / openLoopSeconds : 0;
        // Saturating phases have no timetable: their answers count as capacity, not towards the target.
        var tpsAchieved = openLoopSeconds > 0 ? r.TimetableAnswered / openLoopSeconds : outcome.CapacityTps;
        var p99 = r.Latency.MillisAtPercentile(99);
        var slos = new List<SloResult>
        {
            new("min_tps", $">= {scenario.Slo.MinTps:0.#}", $"{tpsAchieved:0.#}", tpsAchieved >= scenario.Slo.MinTps),
            new("max_p99_ms", $"<= {scenario.Slo.MaxP99.TotalMilliseconds:0.#}", $"{p99:0.###}", p99 <= scenario.Slo.MaxP99.TotalMilliseconds),
            Count("lost", reconciliation.Lost, scenario.Slo.MaxLost),
            Count("duplicated", reconciliation.Duplicated, scenario.Slo.MaxDuplicated),
            Count("phantom", reconciliation.Phantom, scenario.Slo.MaxPhantom),
            Count("unanswered", reconciliation.Unanswered, scenario.Slo.MaxUnanswered),
        };
        if (outcome.FailoverWindow is { } failover)
            slos.Add(new SloResult("max_failover_window_s", $"<= {scenario.Slo.MaxFailoverWindow.TotalSeconds:0.#}", $"{failover.Seconds:0.###}",
                failover.Seconds <= scenario.Slo.MaxFailoverWindow.TotalSeconds));
        var seconds = (int)Math.Ceiling(duration) + LastAnswerSecondsAfter(outcome, duration);
        return new RunReport(scenario.Name, outcome.Started, duration, r.Sent, r.Approved, r.Declined, r.Timeouts, r.Errors,
            reconciliation.Unanswered, reconciliation.Lost, reconciliation.Duplicated, reconciliation.Phantom, tpsTarget, tpsAchieved,
            r.Latency.MillisAtPercentile(50), r.Latency.MillisAtPercentile(95), p99, r.Latency.MillisAtPercentile(99.9), r.Latency.MaxMicros / 1000.0,
            outcome.CapacityTps > 0 ? outcome.CapacityTps : null, relayTps, r.ChannelSummaries(), r.ResponseCodes(), slos,
            r.Samples(seconds, s => outcome.Schedule.RateAt(TimeSpan.FromSeconds(s + 0.5))), outcome.Marks, Machine(), reconciliation.Findings,
            outcome.FailoverWindow);

        static SloResult Count(string name, long actual, long max) => new(name, $"<= {max}", actual.ToString(System.Globalization.CultureInfo.InvariantCulture), actual <= max);
    }

    /// <summary>Whole seconds after the load phases in which answers still came (the drain), so the charts show them.</summary>
    private static int LastAnswerSecondsAfter(RunOutcome outcome, double duration)
    {
        return Math.Max(0, outcome.Recorder.LastAnsweredSecond() + 1 - (int)Math.Ceiling(duration));
    }

    private static void Summarize(RunReport report, string outDirectory, TextWriter log)
    {
        log.WriteLine();
        log.WriteLine($"scenario {report.Scenario}: {report.Sent} sent, {report.Approved} approved, {report.Declined} declined, {report.Timeouts} timeouts, {report.Errors} errors");
        log.WriteLine($"  rate {report.TpsAchieved:0.#}/s (target {report.TpsTarget:0.#}/s); latency p50 {report.P50Ms:0.###} ms, p95 {report.P95Ms:0.###} ms, p99 {report.P99Ms:0.###} ms, p99.9 {report.P999Ms:0.###} ms, max {report.MaxMs:0.###} ms");
        if (report.BareRelayTps is { } relay)
            log.WriteLine($"  bare relay {relay:0.#}/s; the switch at {report.SwitchToRelayRatio:P0} of it");
        if (report.FailoverWindow is { } failover)
            log.WriteLine($"  failover window {failover.Seconds:0.###} s after {failover.Event}{(failover.Card.Length > 0 ? $" (card {failover.Card}, from {failover.FromSeconds:0.###} s)" : "")}");
        log.WriteLine($"  reconciliation: lost {report.Lost}, duplicated {report.Duplicated}, phantom {report.Phantom}, unanswered {report.Unanswered}");
        foreach (var finding in report.Findings.Take(10))
            log.WriteLine($"    {finding.Kind}: {finding.TransactionKey}: {finding.Detail}");
        foreach (var slo in report.Slos)
            log.WriteLine($"  SLO {slo.Name,-12} {(slo.Passed ? "pass" : "MISSED"),-6} limit {slo.Limit}, actual {slo.Actual}");
        log.WriteLine($"  report: {Path.Combine(outDirectory, "report.html")} (summary.json, timeseries.csv)");
        log.WriteLine(report.SloPassed ? "every SLO held" : "SLO MISSED");
    }

    private static string Machine() =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    /// <summary>Four characters that make this run's terminal ids (and so its transaction keys) its own.</summary>
    private static string TerminalPrefix()
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var random = Random.Shared;
        return "L" + string.Concat(Enumerable.Range(0, 3).Select(_ => alphabet[random.Next(alphabet.Length)]));
    }
}
