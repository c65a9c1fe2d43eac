using System.Globalization;
using System.Text;
using static System.Net.WebUtility;

namespace Switch.LoadTest.Report;

/// <summary>
/// Builds report.html: one self-contained page (inline style and SVG, no script, no URL) that a reviewer can open
/// offline or attach to a ticket.
/// </summary>
internal static class HtmlReport
{
    private const int ResponseCodeSeries = 4;

    private static readonly (string State, string Colour)[] BreakerPalette =
    [
        ("closed", "#2da44e"), ("half-open", "#d4a72c"), ("open", "#cf222e"),
        ("isolated", "#8c959f"), ("down", "#32383f"), ("unknown", "#d8dee4"),
    ];

    private static readonly string[] ResponseCodeColours = ["#bf8700", "#0969da", "#1b7c83", "#bf3989"];

    private const string Style = """
        body{margin:0 auto;max-width:1040px;padding:24px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#fff}
        h1{font-size:22px;margin:0 0 4px}
        h2{font-size:16px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid #d8dee4}
        .meta{color:#57606a;margin:0 0 12px}
        .badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;font-size:13px}
        .pass{color:#1a7f37;background:#dafbe1}
        .fail{color:#cf222e;background:#ffebe9}
        .none{color:#57606a;background:#eaeef2}
        .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px;margin:0}
        .tile{border:1px solid #d8dee4;border-radius:6px;padding:10px 12px;margin:0}
        .tile dt{color:#57606a;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
        .tile dd{margin:2px 0 0;font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}
        .tile dd small{display:block;font-size:12px;font-weight:400;color:#57606a}
        .tile.good{border-color:#4ac26b;background:#f4fdf6}
        .tile.bad{border-color:#ff8182;background:#fff5f5}
        .tile.good dd{color:#1a7f37}
        .tile.bad dd{color:#cf222e}
        table{border-collapse:collapse;width:100%}
        th,td{padding:5px 8px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
        th{font-size:12px;color:#57606a;text-transform:uppercase;letter-spacing:.04em}
        .num{text-align:right;font-variant-numeric:tabular-nums}
        td.pass,td.fail{font-weight:600}
        code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        .empty{color:#57606a;font-style:italic}
        figure{margin:0}
        figcaption{color:#57606a;font-size:12px;margin-top:4px}
        svg.chart{display:block;width:100%;height:auto}
        """;

    /// <summary>The whole page for <paramref name="report"/>.</summary>
    public static string Build(RunReport report)
    {
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(report.Scenario)} — load test report</title>
            <style>
            {Style}</style>
            </head>
            <body>

            """);
        Headline(html, report);
        Slos(html, report);
        Reconciliation(html, report);
        Channels(html, report);
        ResponseCodes(html, report);
        Events(html, report);
        Findings(html, report);
        Charts(html, report);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Headline(StringBuilder html, RunReport report)
    {
        var verdict = report.Slos.Count == 0 ? """<span class="badge none">no SLOs checked</span>"""
            : report.SloPassed ? """<span class="badge pass">SLOs passed</span>"""
            : """<span class="badge fail">SLOs failed</span>""";
        html.Append($"""
            <header>
            <h1>{E(report.Scenario)} {verdict}</h1>
            <p class="meta">Started {E(report.Started.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture))} · duration {Seconds(report.DurationSeconds)} s · {E(report.Machine)}</p>
            </header>
            <dl class="tiles">

            """);
        var ofTarget = report.TpsTarget > 0 ? $" ({Percent(report.TpsAchieved / report.TpsTarget)} of target)" : "";
        Tile(html, "Throughput", $"{Tps(report.TpsAchieved)} tps", $"target {Tps(report.TpsTarget)} tps{ofTarget}");
        Tile(html, "Latency p99", $"{Ms(report.P99Ms)} ms", $"p50 {Ms(report.P50Ms)} · p95 {Ms(report.P95Ms)} ms");
        Tile(html, "Latency p99.9 / max", $"{Ms(report.P999Ms)} ms", $"max {Ms(report.MaxMs)} ms");
        if (report.CapacityTps is { } capacity)
            Tile(html, "Capacity", $"{Tps(capacity)} tps", "answered per second, closed loop");
        if (report.BareRelayTps is { } relay)
        {
            var ratio = report.SwitchToRelayRatio is { } fraction ? $"switch at {Percent(fraction)} of the relay" : "the relay measured nothing";
            Tile(html, "Bare relay", $"{Tps(relay)} tps", ratio);
        }
        if (report.FailoverWindow is { } failover)
            Tile(html, "Failover window", $"{Ms(failover.Seconds)} s",
                $"after {E(failover.Event)}" + (failover.Card.Length > 0 ? $" · card {E(failover.Card)} from {Seconds(failover.FromSeconds)} s" : " · no request failed"));
        Tile(html, "Sent", Count(report.Sent), $"approved {Count(report.Approved)} · declined {Count(report.Declined)}");
        Tile(html, "Failed answers", Count(report.Timeouts + report.Errors), $"timeouts {Count(report.Timeouts)} · errors {Count(report.Errors)}");
        html.Append("</dl>\n");
    }

    private static void Slos(StringBuilder html, RunReport report)
    {
        html.Append("<h2>Service-level objectives</h2>\n");
        if (report.Slos.Count == 0)
        {
            html.Append("<p class=\"empty\">No objectives were checked.</p>\n");
            return;
        }
        html.Append("<table>\n<tr><th>Objective</th><th class=\"num\">Limit</th><th class=\"num\">Actual</th><th>Result</th></tr>\n");
        foreach (var slo in report.Slos)
        {
            var result = slo.Passed ? "<td class=\"pass\">pass</td>" : "<td class=\"fail\">FAIL</td>";
            html.Append($"<tr><td><code>{E(slo.Name)}</code></td><td class=\"num\">{E(slo.Limit)}</td><td class=\"num\">{E(slo.Actual)}</td>{result}</tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void Reconciliation(StringBuilder html, RunReport report)
    {
        html.Append("<h2>Reconciliation</h2>\n<dl class=\"tiles\">\n");
        ReconciliationTile(html, "Lost", report.Lost);
        ReconciliationTile(html, "Duplicated", report.Duplicated);
        ReconciliationTile(html, "Phantom", report.Phantom);
        ReconciliationTile(html, "Unanswered", report.Unanswered);
        html.Append("</dl>\n");
    }

    private static void ReconciliationTile(StringBuilder html, string label, long count) =>
        html.Append($"<div class=\"tile {(count == 0 ? "good" : "bad")}\"><dt>{label}</dt><dd>{Count(count)}</dd></div>\n");

    private static void Channels(StringBuilder html, RunReport report)
    {
        html.Append("<h2>Channels</h2>\n");
        if (report.PerChannel.Count == 0)
        {
            html.Append("<p class=\"empty\">No channel figures.</p>\n");
            return;
        }
        html.Append("<table>\n<tr><th>Channel</th><th class=\"num\">Requests</th><th class=\"num\">Approved</th><th class=\"num\">Success rate</th><th class=\"num\">p99 ms</th><th class=\"num\">Breaker trips</th></tr>\n");
        foreach (var (name, channel) in report.PerChannel.OrderBy(channel => channel.Key, StringComparer.Ordinal))
        {
            html.Append($"<tr><td>{E(name)}</td><td class=\"num\">{Count(channel.Requests)}</td><td class=\"num\">{Count(channel.Approved)}</td>" +
                $"<td class=\"num\">{Percent(channel.SuccessRate)}</td><td class=\"num\">{Ms(channel.P99Ms)}</td><td class=\"num\">{Count(channel.BreakerTrips)}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void ResponseCodes(StringBuilder html, RunReport report)
    {
        html.Append("<h2>Response codes</h2>\n");
        var answers = report.PerResponseCode.Values.Sum();
        if (answers == 0)
        {
            html.Append("<p class=\"empty\">No answers.</p>\n");
            return;
        }
        html.Append("<table>\n<tr><th>Code</th><th class=\"num\">Answers</th><th class=\"num\">Share</th></tr>\n");
        foreach (var (code, count) in report.PerResponseCode.OrderByDescending(code => code.Value).ThenBy(code => code.Key, StringComparer.Ordinal))
            html.Append($"<tr><td><code>{E(code)}</code></td><td class=\"num\">{Count(count)}</td><td class=\"num\">{Percent((double)count / answers)}</td></tr>\n");
        html.Append("</table>\n");
    }

    private static void Events(StringBuilder html, RunReport report)
    {
        html.Append("<h2>Chaos events</h2>\n");
        if (report.Events.Count == 0)
        {
            html.Append("<p class=\"empty\">No faults were injected.</p>\n");
            return;
        }
        html.Append("<table>\n<tr><th class=\"num\">At (s)</th><th>Kind</th><th>What happened</th></tr>\n");
        foreach (var mark in report.Events.OrderBy(mark => mark.AtSeconds))
            html.Append($"<tr><td class=\"num\">{Seconds(mark.AtSeconds)}</td><td><code>{E(mark.Kind)}</code></td><td>{E(mark.Description)}</td></tr>\n");
        html.Append("</table>\n");
    }

    private static void Findings(StringBuilder html, RunReport report)
    {
        html.Append("<h2>Reconciliation findings</h2>\n");
        if (report.Findings.Count == 0)
        {
            html.Append("<p class=\"empty\">No discrepancies recorded.</p>\n");
            return;
        }
        var discrepancies = report.Lost + report.Duplicated + report.Phantom + report.Unanswered;
        if (discrepancies > report.Findings.Count)
            html.Append($"<p class=\"meta\">{Count(report.Findings.Count)} examples of {Count(discrepancies)} discrepancies.</p>\n");
        html.Append("<table>\n<tr><th>Kind</th><th>Transaction (acquirer|terminal|stan|time)</th><th>Detail</th></tr>\n");
        foreach (var finding in report.Findings)
            html.Append($"<tr><td>{E(finding.Kind)}</td><td><code>{E(finding.TransactionKey)}</code></td><td>{E(finding.Detail)}</td></tr>\n");
        html.Append("</table>\n");
    }

    private static void Charts(StringBuilder html, RunReport report)
    {
        var samples = report.Seconds;
        var seconds = samples.Select(sample => sample.Second + 1.0)
            .Concat(report.Events.Select(mark => mark.AtSeconds))
            .Append(report.DurationSeconds)
            .Max();

        var throughput = SvgChart.Lines("Throughput over time", "per second", seconds,
        [
            Series("target", "#8c959f", samples, sample => sample.TargetRate, dashed: true),
            Series("answered", "#0969da", samples, sample => sample.Answered),
            Series("approved", "#1a7f37", samples, sample => sample.Approved),
        ], report.Events);
        Chart(html, "Throughput", throughput, "Requests per second the load profile asked for, answers per second and approvals per second.");

        // A second with no answers has no latency: the lines break there instead of dropping to zero.
        double Latency(SecondSample sample, double value) => sample.Answered > 0 ? value : double.NaN;
        var latency = SvgChart.Lines("Latency percentiles over time", "ms", seconds,
        [
            Series("p50", "#0969da", samples, sample => Latency(sample, sample.P50Ms)),
            Series("p99", "#bc4c00", samples, sample => Latency(sample, sample.P99Ms)),
            Series("p99.9", "#cf222e", samples, sample => Latency(sample, sample.P999Ms)),
        ], report.Events);
        Chart(html, "Latency", latency, "End-to-end latency percentiles of each second's answers, in milliseconds.");

        var failures = new List<ChartSeries>
        {
            Series("timeouts (91/68)", "#cf222e", samples, sample => sample.Timeouts),
            Series("errors", "#8250df", samples, sample => sample.Errors),
        };
        var codes = TimeSeries.TopResponseCodes(samples, ResponseCodeSeries, "00");
        for (var i = 0; i < codes.Count; i++)
        {
            var code = codes[i];
            failures.Add(Series("RC " + code, ResponseCodeColours[i], samples, sample => sample.ResponseCodes.GetValueOrDefault(code), dashed: true));
        }
        var errors = SvgChart.Lines("Errors and response codes over time", "per second", seconds, failures, report.Events);
        Chart(html, "Errors and response codes", errors, "Timeouts, other failures and the most frequent response codes other than 00, per second.");

        var bands = TimeSeries.ChannelNames(report)
            .Select(name => new StateBand(name, samples.Select(sample => (sample.Second, BreakerState(sample, name))).ToList()))
            .ToList();
        var breakers = SvgChart.StateBands("Circuit breaker state per channel over time", seconds, bands, BreakerPalette, report.Events);
        Chart(html, "Circuit breakers", breakers, "State of each channel's circuit breaker at the end of every second.");
    }

    private static string BreakerState(SecondSample sample, string channel) =>
        sample.Channels.TryGetValue(channel, out var second) && BreakerPalette.Any(entry => entry.State == second.BreakerState)
            ? second.BreakerState
            : "unknown";

    private static ChartSeries Series(string name, string colour, IReadOnlyList<SecondSample> samples, Func<SecondSample, double> value, bool dashed = false) =>
        new(name, colour, samples.Select(sample => ((double)sample.Second, value(sample))).ToList(), dashed);

    private static void Chart(StringBuilder html, string heading, string svg, string caption) =>
        html.Append($"<h2>{heading}</h2>\n<figure>\n{svg}\n<figcaption>{caption}</figcaption>\n</figure>\n");

    private static void Tile(StringBuilder html, string label, string value, string detail) =>
        html.Append($"<div class=\"tile\"><dt>{label}</dt><dd>{value}<small>{detail}</small></dd></div>\n");

    private static string E(string text) => HtmlEncode(text);

    private static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Tps(double value) => value.ToString("#,0.0", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString("#,0.###", CultureInfo.InvariantCulture);

    private static string Seconds(double value) => value.ToString("#,0.#", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) =>
        fraction is > 0 and < 0.001 ? "< 0.1 %" : (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
