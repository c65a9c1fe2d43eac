using System.Globalization;
using System.Text;

namespace Switch.LoadTest.Report;

/// <summary>Builds timeseries.csv: one row per second of the run, for spreadsheets and plotting tools.</summary>
internal static class TimeSeriesCsv
{
    private const int ResponseCodeColumns = 8;

    /// <summary>The whole file: a header, then one row per sample of <paramref name="report"/>.</summary>
    public static string Build(RunReport report)
    {
        var channels = TimeSeries.ChannelNames(report);
        var codes = TimeSeries.TopResponseCodes(report.Seconds, ResponseCodeColumns);
        var csv = new StringBuilder();

        var header = new List<string>
        {
            "second", "target_rate", "sent", "answered", "approved", "declined", "timeouts", "errors",
            "p50_ms", "p99_ms", "p999_ms", "max_ms",
        };
        foreach (var channel in channels)
            header.AddRange([channel + "_requests", channel + "_p99_ms", channel + "_breaker"]);
        header.AddRange(codes.Select(code => "rc_" + code));
        AppendRow(csv, header);

        foreach (var second in report.Seconds)
        {
            var row = new List<string>
            {
                second.Second.ToString(CultureInfo.InvariantCulture),
                Rate(second.TargetRate),
                Count(second.Sent),
                Count(second.Answered),
                Count(second.Approved),
                Count(second.Declined),
                Count(second.Timeouts),
                Count(second.Errors),
                Ms(second.P50Ms),
                Ms(second.P99Ms),
                Ms(second.P999Ms),
                Ms(second.MaxMs),
            };
            foreach (var name in channels)
            {
                if (second.Channels.TryGetValue(name, out var channel))
                    row.AddRange([Count(channel.Requests), Ms(channel.P99Ms), channel.BreakerState]);
                else
                    row.AddRange(["0", "0", "unknown"]);
            }
            row.AddRange(codes.Select(code => Count(second.ResponseCodes.GetValueOrDefault(code))));
            AppendRow(csv, row);
        }
        return csv.ToString();
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Rate(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static void AppendRow(StringBuilder csv, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) csv.Append(',');
            AppendField(csv, fields[i]);
        }
        csv.Append('\n');
    }

    // RFC 4180 quoting, needed only if a channel name or breaker state carries a separator or a quote.
    private static void AppendField(StringBuilder csv, string field)
    {
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
            csv.Append(field);
        else
            csv.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
    }
}
