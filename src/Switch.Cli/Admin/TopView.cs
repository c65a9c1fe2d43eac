using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Switch.Cli.Admin;

/// <summary>
/// One frame of <c>swctl top</c> from the node's <c>GET /dashboard</c>: two lines on the node (transactions/s by outcome,
/// journal commit p99, mailboxes, shards and entities) and a row per channel (its latest second, its breaker in
/// colour; on a wide screen also its bank and its requests/s over the last half minute as a sparkline).
/// </summary>
internal static class TopView
{
    /// <summary>The seconds of history a frame shows (the sparkline's width).</summary>
    public const int Seconds = 30;

    private const string Bars = "▁▂▃▄▅▆▇█";

    /// <summary>The narrowest screen (in columns) that gets the bank and sparkline columns.</summary>
    private const int WideScreen = 130;

    public static IRenderable Render(JsonElement dashboard, int width)
    {
        var wide = width >= WideScreen;
        var node = dashboard.GetProperty("node").GetProperty("latest");
        var title = $"[bold]{Markup.Escape(dashboard.GetProperty("node_id").GetString()!)}[/] {Markup.Escape(dashboard.GetProperty("status").GetString()!)}, " +
            $"up {TimeSpan.FromSeconds(dashboard.GetProperty("uptime_seconds").GetInt64()):c}";
        var summary = node.ValueKind == JsonValueKind.Null
            ? "[grey]no second sampled yet[/]"
            : $"tx/s [bold]{Number(node, "transactions_per_second")}[/] (approved {Number(node, "approved_per_second")}, declined {Number(node, "declined_per_second")}, " +
              $"errors {Errors(node)})   shards {node.GetProperty("shards").GetInt64()}   entities {node.GetProperty("entities").GetInt64()}\n" +
              $"journal commit p99 {Number(node, "journal_commit_p99_ms")} ms ({Number(node, "journal_batch_events")} events/commit)   " +
              $"mailbox {node.GetProperty("mailbox_queued").GetInt64()} (deepest {node.GetProperty("mailbox_deepest").GetInt64()})   " +
              $"dead letters {node.GetProperty("dead_letters").GetInt64()}";
        var table = new Spectre.Console.Table().Border(TableBorder.Simple);
        string[] headers = wide
            ? ["CHANNEL", "BANK", "BREAKER", "REQ/S", "SUCCESS", "P99 MS", "IN-FLIGHT", "SAF", "TOP CODES", $"REQ/S LAST {Seconds} S"]
            : ["CHANNEL", "BREAKER", "REQ/S", "SUCCESS", "P99 MS", "IN-FLIGHT", "SAF", "TOP CODES"];
        foreach (var header in headers)
            table.AddColumn(new TableColumn(header) { NoWrap = true });
        foreach (var channel in dashboard.GetProperty("channels").EnumerateArray())
        {
            var latest = channel.GetProperty("latest");
            var sampled = latest.ValueKind != JsonValueKind.Null;
            string[] cells =
            [
                Markup.Escape(channel.GetProperty("name").GetString()!),
                Breaker(channel.GetProperty("breaker").GetString()!),
                sampled ? Number(latest, "requests_per_second") : "-",
                sampled ? Success(latest.GetProperty("success_rate")) : "-",
                sampled ? Number(latest, "p99_ms") : "-",
                channel.GetProperty("in_flight").GetInt64().ToString(),
                channel.GetProperty("saf_depth").GetInt64().ToString(),
                Codes(channel.GetProperty("top_response_codes")),
            ];
            table.AddRow(wide
                ? [cells[0], Markup.Escape(channel.GetProperty("bank").GetString()!), .. cells[1..],
                    Sparkline(channel.GetProperty("series").GetProperty("requests_per_second"))]
                : cells);
        }
        return new Rows(new Markup(title), new Markup(summary), table);
    }

    private static string Breaker(string state) => state switch
    {
        "closed" => "[green]closed[/]",
        "half-open" => "[yellow]half-open[/]",
        "open" => "[red]open[/]",
        _ => $"[magenta]{Markup.Escape(state)}[/]",
    };

    private static string Number(JsonElement second, string name) =>
        second.GetProperty(name) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble().ToString(value.GetDouble() >= 100 ? "0" : "0.0#") : "-";

    private static string Errors(JsonElement node) =>
        node.GetProperty("errors_per_second").GetDouble() > 0 ? $"[red]{Number(node, "errors_per_second")}[/]" : "0";

    /// <summary>A success rate as a percentage: red below 95%, yellow below 99.5%.</summary>
    private static string Success(JsonElement rate)
    {
        if (rate.ValueKind != JsonValueKind.Number)
            return "-";
        var percent = rate.GetDouble() * 100;
        var text = $"{percent:0.0}%";
        return percent < 95 ? $"[red]{text}[/]" : percent < 99.5 ? $"[yellow]{text}[/]" : text;
    }

    private static string Codes(JsonElement codes) => codes.GetArrayLength() == 0
        ? "-"
        : string.Join(" ", codes.EnumerateArray().Take(3).Select(c => $"{Markup.Escape(c.GetProperty("code").GetString()!)}×{c.GetProperty("count").GetInt64()}"));

    /// <summary>The values as block characters scaled to their maximum, one a second, newest on the right.</summary>
    private static string Sparkline(JsonElement series)
    {
        var values = series.EnumerateArray().Select(v => v.GetDouble()).ToList();
        var max = values.Count == 0 ? 0 : values.Max();
        return max <= 0
            ? new string(Bars[0], values.Count)
            : string.Concat(values.Select(v => Bars[(int)Math.Round(v / max * (Bars.Length - 1))]));
    }
}
