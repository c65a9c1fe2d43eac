namespace Switch.LoadTest.Report;

/// <summary>Everything one load run measured, as written by <see cref="ReportWriter"/>.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Started">When the run started.</param>
/// <param name="DurationSeconds">Length of the run, in seconds.</param>
/// <param name="Sent">Requests sent by the acquirer side.</param>
/// <param name="Approved">Answers with RC 00.</param>
/// <param name="Declined">Answers with a business decline (e.g. 05, 51).</param>
/// <param name="Timeouts">Answers with RC 91 or 68: the bank did not answer in time.</param>
/// <param name="Errors">Answers with other failure codes (e.g. 30, 96) plus transport errors.</param>
/// <param name="Unanswered">Requests that never got an answer.</param>
/// <param name="Lost">Transactions reconciliation found lost (see <paramref name="Findings"/> for examples).</param>
/// <param name="Duplicated">Transactions reconciliation found booked more than once.</param>
/// <param name="Phantom">Transactions reconciliation found booked that no acquirer sent.</param>
/// <param name="TpsTarget">The rate the scenario asked for, in requests per second.</param>
/// <param name="TpsAchieved">The rate the switch actually answered at, in transactions per second.</param>
/// <param name="P50Ms">Median end-to-end latency, in milliseconds.</param>
/// <param name="P95Ms">95th percentile latency, in milliseconds.</param>
/// <param name="P99Ms">99th percentile latency, in milliseconds.</param>
/// <param name="P999Ms">99.9th percentile latency, in milliseconds.</param>
/// <param name="MaxMs">Slowest answer, in milliseconds.</param>
/// <param name="CapacityTps">
/// Requests answered per second in the scenario's saturating (closed-loop) phases: the highest rate the switch
/// sustained. Null when the scenario has no such phase.
/// </param>
/// <param name="BareRelayTps">
/// What a bare TCP relay reached on the same machine, in transactions per second: the ceiling the switch is
/// compared against. Null when it was not measured.
/// </param>
/// <param name="PerChannel">Each bank channel over the whole run, by channel name.</param>
/// <param name="PerResponseCode">Answers per response code (DE 39) over the whole run.</param>
/// <param name="Slos">The service-level objectives checked against the run.</param>
/// <param name="Seconds">The run second by second, in order.</param>
/// <param name="Events">The faults injected during the run.</param>
/// <param name="Machine">The machine the run was on, e.g. "2 cores, Linux 6.1, .NET 10.0.0".</param>
/// <param name="Findings">Example discrepancies found by reconciliation (up to a few hundred, not necessarily all).</param>
/// <param name="FailoverWindow">
/// The longest a card's requests kept failing after a node-kill, dc-kill or node-partition; null when the run had none.
/// </param>
internal sealed record RunReport(
    string Scenario,
    DateTimeOffset Started,
    double DurationSeconds,
    long Sent,
    long Approved,
    long Declined,
    long Timeouts,
    long Errors,
    long Unanswered,
    long Lost,
    long Duplicated,
    long Phantom,
    double TpsTarget,
    double TpsAchieved,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    double? CapacityTps,
    double? BareRelayTps,
    IReadOnlyDictionary<string, ChannelSummary> PerChannel,
    IReadOnlyDictionary<string, long> PerResponseCode,
    IReadOnlyList<SloResult> Slos,
    IReadOnlyList<SecondSample> Seconds,
    IReadOnlyList<ChaosMark> Events,
    string Machine,
    IReadOnlyList<ReconciliationFinding> Findings,
    FailoverWindow? FailoverWindow)
{
    /// <summary>
    /// The switch's rate as a fraction of <see cref="BareRelayTps"/>: <see cref="CapacityTps"/> when measured (both are
    /// closed-loop maxima), else <see cref="TpsAchieved"/>; null when the relay was not measured (or measured nothing).
    /// </summary>
    public double? SwitchToRelayRatio => BareRelayTps is > 0 and var relay ? (CapacityTps ?? TpsAchieved) / relay : null;

    /// <summary>True when every objective in <see cref="Slos"/> passed (also when there are none).</summary>
    public bool SloPassed => Slos.All(slo => slo.Passed);
}
