using System.Text.Json;

namespace Switch.LoadTest.Report;

/// <summary>Writes summary.json: the run's totals, objectives and findings, in snake_case, for tools and dashboards.</summary>
internal static class SummaryJson
{
    private const int MsDecimals = 3;
    private const int RateDecimals = 1;
    private const int FractionDecimals = 4;

    /// <summary>Writes <paramref name="report"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter json, RunReport report)
    {
        json.WriteStartObject();
        json.WriteString("scenario", report.Scenario);
        json.WriteString("started", report.Started);
        WriteRounded(json, "duration_s", report.DurationSeconds, MsDecimals);
        json.WriteNumber("sent", report.Sent);
        json.WriteNumber("approved", report.Approved);
        json.WriteNumber("declined", report.Declined);
        json.WriteNumber("timeouts", report.Timeouts);
        json.WriteNumber("errors", report.Errors);
        json.WriteNumber("unanswered", report.Unanswered);
        json.WriteNumber("lost", report.Lost);
        json.WriteNumber("duplicated", report.Duplicated);
        json.WriteNumber("phantom", report.Phantom);
        WriteRounded(json, "tps_target", report.TpsTarget, RateDecimals);
        WriteRounded(json, "tps_achieved", report.TpsAchieved, RateDecimals);
        WriteRounded(json, "p50_ms", report.P50Ms, MsDecimals);
        WriteRounded(json, "p95_ms", report.P95Ms, MsDecimals);
        WriteRounded(json, "p99_ms", report.P99Ms, MsDecimals);
        WriteRounded(json, "p999_ms", report.P999Ms, MsDecimals);
        WriteRounded(json, "max_ms", report.MaxMs, MsDecimals);
        WriteRounded(json, "capacity_tps", report.CapacityTps, RateDecimals);
        WriteRounded(json, "bare_relay_tps", report.BareRelayTps, RateDecimals);
        WriteRounded(json, "switch_to_relay_ratio", report.SwitchToRelayRatio, FractionDecimals);
        WriteRounded(json, "failover_window_s", report.FailoverWindow?.Seconds, MsDecimals);
        if (report.FailoverWindow is { } failover)
            json.WriteString("failover_event", failover.Event);
        else
            json.WriteNull("failover_event");

        json.WriteStartObject("per_channel");
        foreach (var (name, channel) in report.PerChannel.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject(name);
            json.WriteNumber("requests", channel.Requests);
            json.WriteNumber("approved", channel.Approved);
            WriteRounded(json, "success_rate", channel.SuccessRate, FractionDecimals);
            WriteRounded(json, "p99_ms", channel.P99Ms, MsDecimals);
            json.WriteNumber("breaker_trips", channel.BreakerTrips);
            json.WriteEndObject();
        }
        json.WriteEndObject();

        json.WriteStartObject("per_response_code");
        foreach (var (code, count) in report.PerResponseCode.OrderBy(c => c.Key, StringComparer.Ordinal))
            json.WriteNumber(code, count);
        json.WriteEndObject();

        json.WriteStartArray("slos");
        foreach (var slo in report.Slos)
        {
            json.WriteStartObject();
            json.WriteString("name", slo.Name);
            json.WriteString("limit", slo.Limit);
            json.WriteString("actual", slo.Actual);
            json.WriteBoolean("passed", slo.Passed);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteBoolean("slo_passed", report.SloPassed);
        json.WriteString("machine", report.Machine);

        json.WriteStartArray("events");
        foreach (var mark in report.Events)
        {
            json.WriteStartObject();
            WriteRounded(json, "at_s", mark.AtSeconds, MsDecimals);
            json.WriteString("kind", mark.Kind);
            json.WriteString("description", mark.Description);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("findings");
        foreach (var finding in report.Findings)
        {
            json.WriteStartObject();
            json.WriteString("kind", finding.Kind);
            json.WriteString("transaction_key", finding.TransactionKey);
            json.WriteString("detail", finding.Detail);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // JSON has no NaN or infinity (Utf8JsonWriter throws on them): a value that could not be measured is null,
    // so one bad number does not cost the whole report.
    private static void WriteRounded(Utf8JsonWriter json, string name, double? value, int decimals)
    {
        if (value is { } number && double.IsFinite(number))
            json.WriteNumber(name, Math.Round(number, decimals, MidpointRounding.AwayFromZero));
        else
            json.WriteNull(name);
    }
}
