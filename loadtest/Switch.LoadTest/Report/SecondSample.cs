namespace Switch.LoadTest.Report;

/// <summary>What happened during one second of the run: a row of timeseries.csv and a point on every chart.</summary>
/// <param name="Second">The second, counted from the start of the run (0 is the first).</param>
/// <param name="TargetRate">The rate the load profile asked for in that second, in requests per second.</param>
/// <param name="Sent">Requests sent in that second.</param>
/// <param name="Answered">Answers received in that second, whatever their response code.</param>
/// <param name="Approved">Answers with RC 00.</param>
/// <param name="Declined">Answers with a business decline (e.g. 05, 51).</param>
/// <param name="Timeouts">Answers with RC 91 or 68.</param>
/// <param name="Errors">Answers with other failure codes (e.g. 30, 96) plus transport errors.</param>
/// <param name="P50Ms">Median latency of the second's answers, in milliseconds (0 when nothing was answered).</param>
/// <param name="P99Ms">99th percentile latency, in milliseconds (0 when nothing was answered).</param>
/// <param name="P999Ms">99.9th percentile latency, in milliseconds (0 when nothing was answered).</param>
/// <param name="MaxMs">Slowest answer, in milliseconds (0 when nothing was answered).</param>
/// <param name="ResponseCodes">Answers per response code (DE 39) in that second.</param>
/// <param name="Channels">Each bank channel in that second, by channel name.</param>
internal sealed record SecondSample(
    int Second,
    double TargetRate,
    long Sent,
    long Answered,
    long Approved,
    long Declined,
    long Timeouts,
    long Errors,
    double P50Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    IReadOnlyDictionary<string, long> ResponseCodes,
    IReadOnlyDictionary<string, ChannelSecond> Channels);
