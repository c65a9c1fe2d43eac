using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Switch.Actors.Channels;
using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Metrics;

namespace Switch.Actors.Metrics;

/// <summary>
/// The payment domain's meter, "Switch.Actors", and its instruments: bank channels (requests, answers, latency,
/// timeouts, breaker, in flight, store-and-forward depth, connections) and transactions answered to acquirers.
/// Callers pass what they already hold (a channel's cached tag, the MTI, the response code string): recording
/// formats nothing and allocates nothing per message. The channel gauges read, at each scrape, the
/// <see cref="ChannelStatus"/> of every running channel.
/// </summary>
internal static class SwitchMetrics
{
    private const string Approved = "approved", Declined = "declined", Error = "error";

    private static readonly ConcurrentDictionary<ChannelStatus, byte> Channels = new();
    private static readonly ConcurrentDictionary<int, string> MtiTexts = new();
    private static readonly Meter Meter = new("Switch.Actors");

    private static readonly Counter<long> ChannelRequests = Meter.CreateCounter<long>(
        "switch.channel.requests", "{request}", "Requests sent to a bank, by channel and MTI.");

    private static readonly Counter<long> ChannelAnswers = Meter.CreateCounter<long>(
        "switch.channel.answers", "{answer}", "Bank answers to requests in flight, by channel and response code.");

    private static readonly Histogram<double> ChannelLatency = Meter.CreateHistogram(
        "switch.channel.latency", "s", "Time from sending a request to the bank's answer, by channel.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.LatencySeconds });

    private static readonly Counter<long> ChannelTimeouts = Meter.CreateCounter<long>(
        "switch.channel.timeouts", "{request}", "Requests the bank did not answer in time, by channel.");

    private static readonly Counter<long> BreakerTransitions = Meter.CreateCounter<long>(
        "switch.channel.breaker.transitions", "{transition}",
        "Changes of a channel breaker's state, by channel, from and to (closed, half_open, open, isolated).");

    private static readonly Counter<long> Transactions = Meter.CreateCounter<long>(
        "switch.transactions", "{transaction}",
        "Transactions answered to acquirers, by request MTI, outcome (approved; declined; error: no decision, RC 68, 91, 92 or 96) and response code.");

    static SwitchMetrics()
    {
        Meter.CreateObservableGauge("switch.channel.breaker.state", () => ChannelValues(static s => BreakerLevel(s.Breaker)), null,
            "A channel breaker's state: 0 closed, 1 half-open, 2 open, 3 isolated by an operator.");
        Meter.CreateObservableGauge("switch.channel.in_flight", () => ChannelValues(static s => s.InFlight), "{request}",
            "Requests sent to the bank and not yet answered, by channel.");
        Meter.CreateObservableGauge("switch.channel.saf.depth", () => ChannelValues(static s => s.SafDepth), "{advice}",
            "Reversal advices waiting in a channel's store-and-forward queue.");
        Meter.CreateObservableGauge("switch.channel.connections", () => ChannelValues(static s => s.Connections), "{connection}",
            "Signed-on connections of a channel to its bank host.");
    }

    /// <summary>A channel's tag, built once per channel and passed to every recording of it.</summary>
    internal static KeyValuePair<string, object?> ChannelTag(string channel) => new("channel", channel);

    /// <summary>Makes a running channel visible to the channel gauges.</summary>
    internal static void ObserveChannel(ChannelStatus status) => Channels.TryAdd(status, 0);

    internal static void ForgetChannel(ChannelStatus status) => Channels.TryRemove(status, out _);

    internal static void RequestSent(in KeyValuePair<string, object?> channel, Mti mti) =>
        ChannelRequests.Add(1, channel, new KeyValuePair<string, object?>("mti", MtiText(mti)));

    /// <summary>The bank answered a request sent at <paramref name="sentTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    internal static void Answered(in KeyValuePair<string, object?> channel, string responseCode, long sentTimestamp)
    {
        ChannelAnswers.Add(1, channel, new KeyValuePair<string, object?>("response_code", ResponseCodeLabel(responseCode)));
        ChannelLatency.Record(Stopwatch.GetElapsedTime(sentTimestamp).TotalSeconds, channel);
    }

    internal static void TimedOut(in KeyValuePair<string, object?> channel) => ChannelTimeouts.Add(1, channel);

    internal static void BreakerMoved(in KeyValuePair<string, object?> channel, BreakerState from, BreakerState to) =>
        BreakerTransitions.Add(1, channel, new KeyValuePair<string, object?>("from", StateText(from)), new KeyValuePair<string, object?>("to", StateText(to)));

    /// <summary>An acquirer's request of type <paramref name="mti"/> was answered with <paramref name="responseCode"/>.</summary>
    internal static void TransactionAnswered(Mti mti, string responseCode)
    {
        var outcome = responseCode == ResponseCodes.Approved ? Approved : ResponseCodes.IsSystemFailure(responseCode) ? Error : Declined;
        Transactions.Add(1, new KeyValuePair<string, object?>("mti", MtiText(mti)), new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("response_code", ResponseCodeLabel(responseCode)));
    }

    /// <summary>The MTI's four digits, formatted once per MTI value.</summary>
    private static string MtiText(Mti mti) => MtiTexts.GetOrAdd(mti.Value, static value => value.ToString("D4", CultureInfo.InvariantCulture));

    /// <summary>
    /// A DE 39 value as a label: two letters or digits as they are (at most 36² values, bounding the label), anything
    /// else "invalid".
    /// </summary>
    private static string ResponseCodeLabel(string code) =>
        code is { Length: 2 } && char.IsAsciiLetterOrDigit(code[0]) && char.IsAsciiLetterOrDigit(code[1]) ? code : "invalid";

    private static string StateText(BreakerState state) => state switch
    {
        BreakerState.Closed => "closed",
        BreakerState.HalfOpen => "half_open",
        BreakerState.Open => "open",
        _ => "isolated",
    };

    /// <summary>The breaker state as a gauge value, ordered from healthy to cut off (not the enum's order).</summary>
    private static int BreakerLevel(BreakerState state) => state switch
    {
        BreakerState.Closed => 0,
        BreakerState.HalfOpen => 1,
        BreakerState.Open => 2,
        _ => 3,
    };

    private static IEnumerable<Measurement<long>> ChannelValues(Func<ChannelStatus, long> value)
    {
        foreach (var (status, _) in Channels)
            yield return new Measurement<long>(value(status), new KeyValuePair<string, object?>("channel", status.Name));
    }
}
