using System.Text.Json;
using Switch.LoadTest.Report;

namespace Switch.LoadTest.Tests.Report;

/// <summary>summary.json as written by <see cref="ReportWriter"/>, read back with <see cref="JsonDocument"/>.</summary>
public sealed class SummaryJsonTests
{
    private static async Task<JsonDocument> WriteAndReadAsync(RunReport report)
    {
        using var directory = new TempDirectory();
        await ReportWriter.WriteAsync(report, directory.Path, CancellationToken.None);
        return JsonDocument.Parse(await File.ReadAllTextAsync(directory.File(ReportWriter.SummaryFile)));
    }

    [Fact]
    public async Task Summary_has_exactly_the_documented_keys_in_order()
    {
        using var json = await WriteAndReadAsync(SampleReports.PeakDay());
        string[] expected =
        [
            "scenario", "started", "duration_s", "sent", "approved", "declined", "timeouts", "errors", "unanswered",
            "lost", "duplicated", "phantom", "tps_target", "tps_achieved", "p50_ms", "p95_ms", "p99_ms", "p999_ms",
            "max_ms", "capacity_tps", "bare_relay_tps", "switch_to_relay_ratio", "failover_window_s", "failover_event", "per_channel", "per_response_code", "slos",
            "slo_passed", "machine", "events", "findings",
        ];
        Assert.Equal(expected, json.RootElement.EnumerateObject().Select(property => property.Name));
    }

    [Fact]
    public async Task Summary_gives_the_failover_window_and_its_event_or_null_without_one()
    {
        using (var json = await WriteAndReadAsync(SampleReports.PeakDay()))
        {
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("failover_window_s").ValueKind);
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("failover_event").ValueKind);
        }
        var failover = SampleReports.PeakDay() with { FailoverWindow = new FailoverWindow(2.71828, 15.2, "node-kill node-2 at 15 s", "411111******1234") };
        using (var json = await WriteAndReadAsync(failover))
        {
            Assert.Equal(2.718, json.RootElement.GetProperty("failover_window_s").GetDouble());
            Assert.Equal("node-kill node-2 at 15 s", json.RootElement.GetProperty("failover_event").GetString());
        }
    }

    [Fact]
    public async Task Summary_totals_and_latencies_are_rounded_to_the_documented_precision()
    {
        using var json = await WriteAndReadAsync(SampleReports.PeakDay());
        var root = json.RootElement;
        Assert.Equal("peak-day", root.GetProperty("scenario").GetString());
        Assert.Equal("2025-11-28T09:00:00+01:00", root.GetProperty("started").GetString());
        Assert.Equal(SampleReports.Started, root.GetProperty("started").GetDateTimeOffset());
        Assert.Equal(120, root.GetProperty("duration_s").GetDouble());
        Assert.Equal(115_500, root.GetProperty("sent").GetInt64());
        Assert.Equal(15_000, root.GetProperty("timeouts").GetInt64());
        Assert.Equal(24, root.GetProperty("errors").GetInt64());
        Assert.Equal(3, root.GetProperty("unanswered").GetInt64());
        Assert.Equal(1, root.GetProperty("lost").GetInt64());
        Assert.Equal(0, root.GetProperty("phantom").GetInt64());
        Assert.Equal(1000, root.GetProperty("tps_target").GetDouble());
        Assert.Equal(987.7, root.GetProperty("tps_achieved").GetDouble());
        Assert.Equal(3.25, root.GetProperty("p50_ms").GetDouble());
        Assert.Equal(9.877, root.GetProperty("p95_ms").GetDouble());
        Assert.Equal(18.235, root.GetProperty("p99_ms").GetDouble());
        Assert.Equal(1001.5, root.GetProperty("p999_ms").GetDouble());
        Assert.Equal(1002, root.GetProperty("max_ms").GetDouble());
        Assert.Equal(4000, root.GetProperty("bare_relay_tps").GetDouble());
        Assert.Equal(0.2469, root.GetProperty("switch_to_relay_ratio").GetDouble());
        Assert.Equal("2 cores, Linux 6.1, .NET 10.0.0", root.GetProperty("machine").GetString());
    }

    [Fact]
    public async Task Summary_breaks_the_run_down_by_channel_and_response_code_sorted_by_name()
    {
        using var json = await WriteAndReadAsync(SampleReports.PeakDay());
        var channels = json.RootElement.GetProperty("per_channel");
        Assert.Equal(["bank-a", "bank-b"], channels.EnumerateObject().Select(channel => channel.Name));
        var bankB = channels.GetProperty("bank-b");
        Assert.Equal(["requests", "approved", "success_rate", "p99_ms", "breaker_trips"], bankB.EnumerateObject().Select(p => p.Name));
        Assert.Equal(57_750, bankB.GetProperty("requests").GetInt64());
        Assert.Equal(0.75, bankB.GetProperty("success_rate").GetDouble());
        Assert.Equal(250.125, bankB.GetProperty("p99_ms").GetDouble());
        Assert.Equal(1, bankB.GetProperty("breaker_trips").GetInt64());

        var codes = json.RootElement.GetProperty("per_response_code");
        Assert.Equal(["00", "05", "51", "91", "96"], codes.EnumerateObject().Select(code => code.Name));
        Assert.Equal(15_000, codes.GetProperty("91").GetInt64());
        Assert.Equal(24, codes.GetProperty("96").GetInt64());
    }

    [Fact]
    public async Task Summary_lists_objectives_events_and_findings()
    {
        using var json = await WriteAndReadAsync(SampleReports.PeakDay());
        var root = json.RootElement;
        var slos = root.GetProperty("slos").EnumerateArray().ToList();
        Assert.Equal(3, slos.Count);
        Assert.Equal("lost", slos[2].GetProperty("name").GetString());
        Assert.Equal("0", slos[2].GetProperty("limit").GetString());
        Assert.Equal("1", slos[2].GetProperty("actual").GetString());
        Assert.False(slos[2].GetProperty("passed").GetBoolean());
        Assert.True(slos[0].GetProperty("passed").GetBoolean());
        Assert.False(root.GetProperty("slo_passed").GetBoolean());

        var mark = root.GetProperty("events")[0];
        Assert.Equal(60, mark.GetProperty("at_s").GetDouble());
        Assert.Equal("bank-down", mark.GetProperty("kind").GetString());
        Assert.Equal("bank-b host stopped", mark.GetProperty("description").GetString());

        var finding = root.GetProperty("findings")[0];
        Assert.Equal("lost", finding.GetProperty("kind").GetString());
        Assert.Equal("ACQ1|T0001|000123|1128090100", finding.GetProperty("transaction_key").GetString());
        Assert.Equal("approved to the acquirer, not booked at bank-b", finding.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Bare_relay_not_measured_is_null_and_so_is_the_ratio()
    {
        using var json = await WriteAndReadAsync(SampleReports.PeakDay(bareRelayTps: null));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("bare_relay_tps").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("switch_to_relay_ratio").ValueKind);
    }

    [Fact]
    public async Task A_value_that_is_not_a_number_is_written_as_null()
    {
        using var json = await WriteAndReadAsync(SampleReports.PeakDay() with { P999Ms = double.NaN, MaxMs = double.PositiveInfinity });
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("p999_ms").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("max_ms").ValueKind);
    }

    [Fact]
    public async Task Scenario_names_with_markup_characters_round_trip()
    {
        using var json = await WriteAndReadAsync(SampleReports.PeakDay("Black Friday <peak> & \"chaos\""));
        Assert.Equal("Black Friday <peak> & \"chaos\"", json.RootElement.GetProperty("scenario").GetString());
    }

    [Fact]
    public async Task A_run_with_no_samples_has_empty_collections_and_passes_with_no_objectives()
    {
        using var json = await WriteAndReadAsync(SampleReports.Empty());
        var root = json.RootElement;
        Assert.Equal(0, root.GetProperty("sent").GetInt64());
        Assert.Empty(root.GetProperty("per_channel").EnumerateObject());
        Assert.Empty(root.GetProperty("per_response_code").EnumerateObject());
        Assert.Equal(0, root.GetProperty("slos").GetArrayLength());
        Assert.True(root.GetProperty("slo_passed").GetBoolean());
        Assert.Equal(0, root.GetProperty("events").GetArrayLength());
        Assert.Equal(0, root.GetProperty("findings").GetArrayLength());
    }
}
