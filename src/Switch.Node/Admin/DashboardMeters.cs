using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Switch.Actors.Channels;

namespace Switch.Node.Admin;

/// <summary>
/// The dashboard's own listener on the Switch meters: counts bank answers by response code and bank latency per
/// channel, transactions by outcome, journal commits (latency, events), and reads the runtime's gauges (mailboxes,
/// shards, entities, dead letters) when the sampler asks. Requests, timeouts, breaker, in-flight and SAF depth are
/// not listened to: the sampler reads them from each channel's <see cref="ChannelStatus"/>.
/// </summary>
/// <remarks>
/// <para>Recording is on the switch's hot path: a dictionary read, an interlocked add, no lock, no allocation once a
/// response code has been seen on a channel.</para>
/// <para>Channels are told apart by the identity of the name string their actor tags measurements with (the one in
/// its <see cref="ChannelOptions"/>), not by its text: nodes in one process (the tests) may each have a "bank-a-1",
/// and each dashboard counts its own. Transactions, journal and runtime figures carry no node tag; they are the
/// process's, which is the node's when it runs alone.</para>
/// </remarks>
internal sealed class DashboardMeters : IDisposable
{
    private readonly MeterListener _listener;
    private readonly Dictionary<object, ChannelCounts> _channels = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, Sink> _sinks;
    private RuntimeGauges _gauges;

    public DashboardMeters(IEnumerable<ChannelEntry> channels)
    {
        foreach (var channel in channels)
            _channels.Add(channel.Options.Name, new ChannelCounts());
        _sinks = new Dictionary<string, Sink>(StringComparer.Ordinal)
        {
            ["switch.channel.answers"] = (value, tags) => Channel(tags)?.Answered(Tag(tags, "response_code"), (long)value),
            ["switch.channel.latency"] = (value, tags) => Channel(tags)?.Latency.Record(value),
            ["switch.transactions"] = (value, tags) => Transaction(Tag(tags, "outcome"), (long)value),
            ["switch.journal.commit.duration"] = (value, _) => JournalCommit.Record(value),
            ["switch.journal.batch.events"] = (value, _) =>
            {
                JournalCommits.Add(1);
                JournalEvents.Add((long)value);
            },
            ["switch.actor.dead_letters"] = (value, _) => _gauges.DeadLetters += (long)value,
            ["switch.actor.mailbox.queued"] = (value, _) => _gauges.MailboxQueued += (long)value,
            ["switch.actor.mailbox.deepest"] = (value, _) => _gauges.MailboxDeepest = Math.Max(_gauges.MailboxDeepest, (long)value),
            ["switch.sharding.shards"] = (value, _) => _gauges.Shards += (long)value,
            ["switch.sharding.entities"] = (value, _) => _gauges.Entities += (long)value,
        };
        _listener = new MeterListener { InstrumentPublished = OnPublished };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((Sink)state!)(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((Sink)state!)(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((Sink)state!)(value, tags));
        _listener.Start();
    }

    private delegate void Sink(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    public DashboardCounter Approved { get; } = new();

    public DashboardCounter Declined { get; } = new();

    /// <summary>Transactions answered without a decision (RC 68, 91, 92, 96).</summary>
    public DashboardCounter Errors { get; } = new();

    public DashboardLatency JournalCommit { get; } = new();

    public DashboardCounter JournalCommits { get; } = new();

    public DashboardCounter JournalEvents { get; } = new();

    /// <summary>The counts of <paramref name="channel"/> (one of those given at construction).</summary>
    public ChannelCounts For(ChannelEntry channel) => _channels[channel.Options.Name];

    /// <summary>Reads the runtime's gauges now, summed over actor systems and shard regions. Called by the sampler only.</summary>
    public RuntimeGauges ObserveRuntime()
    {
        _gauges = default;
        _listener.RecordObservableInstruments();
        return _gauges;
    }

    public void Dispose() => _listener.Dispose();

    private void OnPublished(Instrument instrument, MeterListener listener)
    {
        if (instrument.Meter.Name.StartsWith("Switch", StringComparison.Ordinal) && _sinks.TryGetValue(instrument.Name, out var sink))
            listener.EnableMeasurementEvents(instrument, sink);
    }

    private ChannelCounts? Channel(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
            if (tag.Key == "channel")
                return tag.Value is { } name && _channels.TryGetValue(name, out var counts) ? counts : null;
        return null;
    }

    private void Transaction(string? outcome, long count)
    {
        var counter = outcome switch
        {
            "approved" => Approved,
            "declined" => Declined,
            _ => Errors,
        };
        counter.Add(count);
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
            if (tag.Key == key)
                return tag.Value as string;
        return null;
    }

    /// <summary>One channel's bank answers by response code and their latency.</summary>
    internal sealed class ChannelCounts
    {
        private readonly ConcurrentDictionary<string, DashboardCounter> _answers = new(StringComparer.Ordinal);

        public DashboardLatency Latency { get; } = new();

        public void Answered(string? responseCode, long count)
        {
            var code = responseCode ?? "invalid";
            (_answers.TryGetValue(code, out var counter) ? counter : _answers.GetOrAdd(code, static _ => new DashboardCounter())).Add(count);
        }

        /// <summary>The answers by response code since the previous call (codes with none left out), most frequent first.</summary>
        public List<(string Code, long Count)> TakeAnswers()
        {
            var arrived = new List<(string Code, long Count)>();
            foreach (var (code, counter) in _answers)
                if (counter.Take() is > 0 and var count)
                    arrived.Add((code, count));
            arrived.Sort(static (a, b) => b.Count != a.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Code, b.Code));
            return arrived;
        }
    }

    /// <summary>The runtime's gauges at one observation.</summary>
    internal struct RuntimeGauges
    {
        public long DeadLetters, MailboxQueued, MailboxDeepest, Shards, Entities;
    }
}
