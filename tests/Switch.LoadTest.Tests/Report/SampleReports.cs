using Switch.LoadTest.Report;

namespace Switch.LoadTest.Tests.Report;

/// <summary>
/// Reports shaped like a real rehearsal: 120 seconds at up to 1000 tps over two channels; bank-b goes down at 60 s,
/// its breaker is open from 60 to 90 s, half-open for one second, then closed again.
/// </summary>
internal static class SampleReports
{
    public const int RunSeconds = 120;
    public static readonly DateTimeOffset Started = new(2025, 11, 28, 9, 0, 0, TimeSpan.FromHours(1));

    public static RunReport PeakDay(string scenario = "peak-day", double? bareRelayTps = 4000) =>
        Build(scenario, Enumerable.Range(0, RunSeconds).Select(Second).ToList(),
            [new ChaosMark(60, "bank-down", "bank-b host stopped"), new ChaosMark(90, "bank-up", "bank-b host restarted")],
            bareRelayTps);

    /// <summary>The same run cut down to <paramref name="seconds"/> samples (0 or 1 for the edge cases), with no chaos.</summary>
    public static RunReport Short(int seconds) =>
        Build("short", Enumerable.Range(0, seconds).Select(Second).ToList(), [], bareRelayTps: null);

    /// <summary>A run that produced nothing: no samples, channels, response codes, objectives, events or findings.</summary>
    public static RunReport Empty() =>
        Short(0) with
        {
            Sent = 0, Approved = 0, Declined = 0, Timeouts = 0, Errors = 0, Unanswered = 0, Lost = 0,
            TpsAchieved = 0, P50Ms = 0, P95Ms = 0, P99Ms = 0, P999Ms = 0, MaxMs = 0,
            PerChannel = new Dictionary<string, ChannelSummary>(),
            PerResponseCode = new Dictionary<string, long>(),
            Slos = [],
            Findings = [],
        };

    public static SecondSample Second(int second)
    {
        var target = second < 10 ? 100.0 * (second + 1) : 1000.0;
        var sent = (long)target;
        var bankDown = second is >= 60 and < 90;
        var timeouts = bankDown ? sent / 2 : 0;
        var errors = second % 10 == 5 ? 2L : 0;
        var declined = sent / 20;
        var approved = sent - declined - timeouts - errors;
        var codes = new Dictionary<string, long> { ["00"] = approved, ["05"] = declined * 3 / 4, ["51"] = declined - declined * 3 / 4 };
        if (timeouts > 0) codes["91"] = timeouts;
        if (errors > 0) codes["96"] = errors;

        var bankB = second switch
        {
            >= 60 and < 90 => new ChannelSecond(sent / 2, 0, 0, "open"),
            90 => new ChannelSecond(sent / 2, approved / 2, 31.5, "half-open"),
            _ => new ChannelSecond(sent / 2, approved / 2, 12.25, "closed"),
        };
        var channels = new Dictionary<string, ChannelSecond>
        {
            ["bank-b"] = bankB,
            ["bank-a"] = new ChannelSecond(sent - sent / 2, approved - approved / 2, 9.5, "closed"),
        };
        return new SecondSample(second, target, sent, sent, approved, declined, timeouts, errors,
            P50Ms: 3.25, P99Ms: bankDown ? 250.125 : 14.5, P999Ms: bankDown ? 1001.5 : 30.75, MaxMs: bankDown ? 1002.0 : 41.0,
            codes, channels);
    }

    private static RunReport Build(string scenario, IReadOnlyList<SecondSample> seconds, IReadOnlyList<ChaosMark> events, double? bareRelayTps)
    {
        var codes = new Dictionary<string, long>();
        foreach (var second in seconds)
        {
            foreach (var (code, count) in second.ResponseCodes)
                codes[code] = codes.GetValueOrDefault(code) + count;
        }
        return new RunReport(
            scenario,
            Started,
            DurationSeconds: seconds.Count,
            Sent: seconds.Sum(s => s.Sent),
            Approved: seconds.Sum(s => s.Approved),
            Declined: seconds.Sum(s => s.Declined),
            Timeouts: seconds.Sum(s => s.Timeouts),
            Errors: seconds.Sum(s => s.Errors),
            Unanswered: 3,
            Lost: 1,
            Duplicated: 0,
            Phantom: 0,
            TpsTarget: 1000,
            TpsAchieved: 987.65432,
            P50Ms: 3.2501,
            P95Ms: 9.87654,
            P99Ms: 18.23456,
            P999Ms: 1001.4999,
            MaxMs: 1002,
            CapacityTps: null,
            bareRelayTps,
            PerChannel: new Dictionary<string, ChannelSummary>
            {
                ["bank-b"] = new(seconds.Sum(s => s.Channels["bank-b"].Requests), seconds.Sum(s => s.Channels["bank-b"].Approved), 0.74999, 250.1254, 1),
                ["bank-a"] = new(seconds.Sum(s => s.Channels["bank-a"].Requests), seconds.Sum(s => s.Channels["bank-a"].Approved), 1, 9.5, 0),
            },
            codes,
            Slos:
            [
                new SloResult("min_tps", ">= 950", "987.7", true),
                new SloResult("max_p99_ms", "<= 50", "18.235", true),
                new SloResult("lost", "0", "1", false),
            ],
            seconds,
            events,
            Machine: "2 cores, Linux 6.1, .NET 10.0.0",
            Findings:
            [
                new ReconciliationFinding("lost", "ACQ1|T0001|000123|1128090100", "approved to the acquirer, not booked at bank-b"),
                new ReconciliationFinding("unanswered", "ACQ1|T0002|000124|1128090101", "no answer within 30 s"),
            ],
            FailoverWindow: null);
    }
}
