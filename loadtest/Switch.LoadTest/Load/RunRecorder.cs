using System.Collections.Concurrent;
using System.Diagnostics;
using Switch.LoadTest.Report;

namespace Switch.LoadTest.Load;

/// <summary>
/// What the acquirer side saw, second by second: requests sent (by their intended second), answers by response code
/// and latency (by the second they came), per issuer channel. Thread-safe and lock-free on the recording path; the
/// breaker states come from polling the switch once a second.
/// </summary>
internal sealed class RunRecorder
{
    private readonly string[] _channels;
    private readonly Dictionary<string, int> _channelIndex;
    private readonly Second[] _seconds;
    private readonly LatencyHistogram _overall = new();
    private readonly LatencyHistogram[] _perChannel;
    private readonly long[] _channelRequests, _channelApproved, _channelAnswered, _breakerTrips;
    private readonly ConcurrentDictionary<string, StrongBox> _responseCodes = new(StringComparer.Ordinal);
    private readonly string?[] _lastBreaker;
    private long _sent, _approved, _declined, _timeouts, _errors, _timetableAnswered;

    public RunRecorder(IReadOnlyList<string> channels, int seconds, long startTimestamp)
    {
        _channels = channels.ToArray();
        _channelIndex = _channels.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        _seconds = new Second[Math.Max(1, seconds)];
        for (var i = 0; i < _seconds.Length; i++)
            _seconds[i] = new Second(_channels.Length);
        _perChannel = _channels.Select(_ => new LatencyHistogram()).ToArray();
        _channelRequests = new long[_channels.Length];
        _channelApproved = new long[_channels.Length];
        _channelAnswered = new long[_channels.Length];
        _breakerTrips = new long[_channels.Length];
        _lastBreaker = new string?[_channels.Length];
        StartTimestamp = startTimestamp;
    }

    /// <summary>The run's start (a <see cref="Stopwatch"/> timestamp); every second is counted from it.</summary>
    public long StartTimestamp { get; }

    public IReadOnlyList<string> Channels => _channels;

    public long Sent => Interlocked.Read(ref _sent);

    public long Answered => Approved + Declined + Timeouts + Errors;

    public long Approved => Interlocked.Read(ref _approved);

    public long Declined => Interlocked.Read(ref _declined);

    public long Timeouts => Interlocked.Read(ref _timeouts);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>
    /// Answers to the timetable's own requests: the first request of each scheduled transaction, without the
    /// completions and reversals that follow an approval or the deliberate duplicates. The achieved rate counts these,
    /// so that it compares with the target rate.
    /// </summary>
    public long TimetableAnswered => Interlocked.Read(ref _timetableAnswered);

    public LatencyHistogram Latency => _overall;

    public int ChannelIndex(string channel) => _channelIndex[channel];

    /// <summary>A request due at <paramref name="intendedTimestamp"/> was sent (repeats of it are not new requests).</summary>
    public void RecordSent(int channel, long intendedTimestamp)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref _channelRequests[channel]);
        var second = SecondAt(intendedTimestamp);
        Interlocked.Increment(ref second.Sent);
        Interlocked.Increment(ref second.ChannelRequests[channel]);
    }

    /// <summary>An answer with <paramref name="responseCode"/> to a request due at <paramref name="intendedTimestamp"/>.</summary>
    public void RecordAnswer(int channel, string responseCode, long intendedTimestamp, bool onTimetable = true)
    {
        if (onTimetable)
            Interlocked.Increment(ref _timetableAnswered);
        var now = Stopwatch.GetTimestamp();
        var micros = (long)Stopwatch.GetElapsedTime(intendedTimestamp, now).TotalMicroseconds;
        var second = SecondAt(now);
        var outcome = Outcomes.Of(responseCode);
        switch (outcome)
        {
            case Outcome.Approved:
                Interlocked.Increment(ref _approved);
                Interlocked.Increment(ref _channelApproved[channel]);
                Interlocked.Increment(ref second.Approved);
                Interlocked.Increment(ref second.ChannelApproved[channel]);
                break;
            case Outcome.Declined:
                Interlocked.Increment(ref _declined);
                Interlocked.Increment(ref second.Declined);
                break;
            case Outcome.Timeout:
                Interlocked.Increment(ref _timeouts);
                Interlocked.Increment(ref second.Timeouts);
                break;
            default:
                Interlocked.Increment(ref _errors);
                Interlocked.Increment(ref second.Errors);
                break;
        }
        if (outcome is Outcome.Approved or Outcome.Declined)
            Interlocked.Increment(ref _channelAnswered[channel]);
        _overall.Record(micros);
        _perChannel[channel].Record(micros);
        second.Latency.Record(micros);
        second.ChannelLatency[channel].Record(micros);
        Increment(_responseCodes, responseCode);
        Increment(second.ResponseCodes, responseCode);
    }

    /// <summary>The breaker state of <paramref name="channel"/> seen now; a change to open counts as a trip.</summary>
    public void RecordBreaker(string channel, string state)
    {
        if (!_channelIndex.TryGetValue(channel, out var index))
            return;
        var second = SecondAt(Stopwatch.GetTimestamp());
        second.Breakers[index] = state;
        if (state == "open" && _lastBreaker[index] is not null and not "open")
            Interlocked.Increment(ref _breakerTrips[index]);
        _lastBreaker[index] = state;
    }

    /// <summary>The seconds from the start to <paramref name="seconds"/>, for the report.</summary>
    public IReadOnlyList<SecondSample> Samples(int seconds, Func<int, double> targetRate)
    {
        var samples = new List<SecondSample>();
        var breakers = new string[_channels.Length];
        Array.Fill(breakers, "unknown");
        for (var s = 0; s < Math.Min(seconds, _seconds.Length); s++)
        {
            var x = _seconds[s];
            var channels = new Dictionary<string, ChannelSecond>(StringComparer.Ordinal);
            for (var c = 0; c < _channels.Length; c++)
            {
                if (x.Breakers[c] is { } state)
                    breakers[c] = state;
                channels[_channels[c]] = new ChannelSecond(x.ChannelRequests[c], x.ChannelApproved[c], x.ChannelLatency[c].MillisAtPercentile(99), breakers[c]);
            }
            samples.Add(new SecondSample(s, targetRate(s), x.Sent, x.Latency.Count, x.Approved, x.Declined, x.Timeouts, x.Errors,
                x.Latency.MillisAtPercentile(50), x.Latency.MillisAtPercentile(99), x.Latency.MillisAtPercentile(99.9), x.Latency.MaxMicros / 1000.0,
                x.ResponseCodes.ToDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal), channels));
        }
        return samples;
    }

    /// <summary>Answers that came in second <paramref name="second"/> from the start (0 outside the run).</summary>
    public long AnsweredIn(int second) => second >= 0 && second < _seconds.Length ? _seconds[second].Latency.Count : 0;

    /// <summary>The last second in which an answer came (-1 when none did).</summary>
    public int LastAnsweredSecond()
    {
        for (var s = _seconds.Length - 1; s >= 0; s--)
            if (_seconds[s].Latency.Count > 0)
                return s;
        return -1;
    }

    /// <summary>Per channel: requests, answers, p99 and breaker trips over the run.</summary>
    public IReadOnlyDictionary<string, ChannelSummary> ChannelSummaries()
    {
        var result = new Dictionary<string, ChannelSummary>(StringComparer.Ordinal);
        for (var c = 0; c < _channels.Length; c++)
        {
            var requests = Interlocked.Read(ref _channelRequests[c]);
            result[_channels[c]] = new ChannelSummary(requests, Interlocked.Read(ref _channelApproved[c]),
                requests == 0 ? 0 : Math.Min(1, (double)Interlocked.Read(ref _channelAnswered[c]) / requests),
                _perChannel[c].MillisAtPercentile(99), Interlocked.Read(ref _breakerTrips[c]));
        }
        return result;
    }

    public IReadOnlyDictionary<string, long> ResponseCodes() => _responseCodes.ToDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal);

    /// <summary>Answers and latency of the second that ended most recently, for the live view.</summary>
    public (long Answered, long Approved, double P99Ms, long Errors) LastSecond()
    {
        var index = (int)Stopwatch.GetElapsedTime(StartTimestamp).TotalSeconds - 1;
        if (index < 0)
            return default;
        var x = _seconds[Math.Min(index, _seconds.Length - 1)];
        return (x.Latency.Count, x.Approved, x.Latency.MillisAtPercentile(99), x.Errors + x.Timeouts);
    }

    public string? BreakerOf(string channel) => _channelIndex.TryGetValue(channel, out var i) ? _lastBreaker[i] : null;

    private Second SecondAt(long timestamp)
    {
        var elapsed = Stopwatch.GetElapsedTime(StartTimestamp, timestamp).TotalSeconds;
        return _seconds[Math.Clamp((int)elapsed, 0, _seconds.Length - 1)];
    }

    private static void Increment(ConcurrentDictionary<string, StrongBox> counts, string code) =>
        Interlocked.Increment(ref counts.GetOrAdd(code, static _ => new StrongBox()).Value);

    private sealed class StrongBox
    {
        public long Value;
    }

    private sealed class Second(int channels)
    {
        public long Sent, Approved, Declined, Timeouts, Errors;
        public readonly LatencyHistogram Latency = new();
        public readonly long[] ChannelRequests = new long[channels];
        public readonly long[] ChannelApproved = new long[channels];
        public readonly LatencyHistogram[] ChannelLatency = Enumerable.Range(0, channels).Select(_ => new LatencyHistogram()).ToArray();
        public readonly string?[] Breakers = new string?[channels];
        public readonly ConcurrentDictionary<string, StrongBox> ResponseCodes = new(StringComparer.Ordinal);
    }
}
