using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switch.Actors.Channels;
using Switch.Actors.Transactions;

namespace Switch.Node.Admin;

/// <summary>
/// The last ten minutes of the node, one sample a second, for <c>GET /dashboard</c>: per channel the requests, answers
/// and timeouts of that second, its success rate, the p99 of the bank's latency, the response codes, the breaker,
/// in-flight and SAF depth; per node the transactions by outcome, journal commits, mailboxes, sharding and dead letters.
/// </summary>
/// <remarks>
/// A sampler task wakes once a second and reads <see cref="DashboardMeters"/> and each channel's
/// <see cref="ChannelStatus"/>; nothing is computed on the switch's hot path. The ring buffer's lock is taken by the
/// sampler once a second and by readers of <c>/dashboard</c>, never by the switch.
/// </remarks>
internal sealed class DashboardHistory : IDisposable
{
    /// <summary>How many seconds are kept.</summary>
    public const int Capacity = 600;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly DashboardMeters _meters;
    private readonly ChannelSampler[] _channels;
    private readonly ILogger _log;
    private readonly Sample[] _ring = new Sample[Capacity];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private int _next, _count;
    private long _lastTimestamp, _lastDeadLetters;

    private DashboardHistory(IEnumerable<ChannelEntry> channels, ILogger log)
    {
        var ordered = channels.OrderBy(c => c.Options.Name, StringComparer.Ordinal).ToList();
        _meters = new DashboardMeters(ordered);
        _channels = ordered.Select(c => new ChannelSampler(c, _meters.For(c))).ToArray();
        _log = log;
        _lastTimestamp = Stopwatch.GetTimestamp();
        _lastDeadLetters = _meters.ObserveRuntime().DeadLetters;
    }

    /// <summary>The channels, in the order of <see cref="Sample.Channels"/> (by name).</summary>
    public IReadOnlyList<ChannelEntry> Channels => Array.ConvertAll(_channels, c => c.Entry);

    /// <summary>Starts listening and sampling; <see cref="Dispose"/> stops both.</summary>
    public static DashboardHistory Start(IEnumerable<ChannelEntry> channels, ILogger log)
    {
        var history = new DashboardHistory(channels, log);
        _ = history.RunAsync();
        return history;
    }

    /// <summary>The newest <paramref name="seconds"/> samples (fewer just after start), oldest first.</summary>
    public Sample[] Last(int seconds)
    {
        lock (_gate)
        {
            var count = Math.Min(seconds, _count);
            var samples = new Sample[count];
            for (var i = 0; i < count; i++)
                samples[i] = _ring[(_next - count + i + Capacity) % Capacity];
            return samples;
        }
    }

    /// <summary>A breaker state as the admin endpoint names it.</summary>
    public static string Name(BreakerState state) => state switch
    {
        BreakerState.Closed => "closed",
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half-open",
        _ => "isolated",
    };

    /// <summary>Stops sampling; the listener is let go as the sampler ends.</summary>
    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
            _stop.Cancel();
    }

    private async Task RunAsync()
    {
        try
        {
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    Add(Take());
                }
                catch (Exception error)
                {
                    _log.LogWarning(error, "admin: the dashboard could not sample this second");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        finally
        {
            _meters.Dispose();
        }
    }

    private Sample Take()
    {
        var now = Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        _lastTimestamp = now;
        var channels = Array.ConvertAll(_channels, c => c.Take(seconds));
        var runtime = _meters.ObserveRuntime();
        var (approved, declined, errors) = (_meters.Approved.Take(), _meters.Declined.Take(), _meters.Errors.Take());
        var (commits, events) = (_meters.JournalCommits.Take(), _meters.JournalEvents.Take());
        // A count that went down (an actor system gone) is no dead letter.
        var deadLetters = Math.Max(0, runtime.DeadLetters - _lastDeadLetters);
        _lastDeadLetters = runtime.DeadLetters;
        var node = new NodeSecondView(Rate(approved + declined + errors, seconds), Rate(approved, seconds), Rate(declined, seconds), Rate(errors, seconds),
            Rate(commits, seconds), _meters.JournalCommit.TakeP99Milliseconds(), commits == 0 ? null : Math.Round((double)events / commits, 2),
            runtime.MailboxQueued, runtime.MailboxDeepest, runtime.Shards, runtime.Entities, runtime.DeadLetters, Rate(deadLetters, seconds));
        return new Sample(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), node, channels);
    }

    private void Add(Sample sample)
    {
        lock (_gate)
        {
            _ring[_next] = sample;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    private static double Rate(long count, double seconds) => Math.Round(seconds > 0 ? count / seconds : count, 2);

    /// <summary>One second: when it ended (Unix milliseconds), the node, and the channels in <see cref="Channels"/>' order.</summary>
    internal sealed record Sample(long UnixMilliseconds, NodeSecondView Node, ChannelSecondView[] Channels);

    /// <summary>One channel's second, from its status and its counts.</summary>
    private sealed class ChannelSampler(ChannelEntry entry, DashboardMeters.ChannelCounts counts)
    {
        private long _requests = entry.Status.Requests, _timeouts = entry.Status.Timeouts;

        public ChannelEntry Entry => entry;

        public ChannelSecondView Take(double seconds)
        {
            var status = entry.Status;
            var (requests, timeouts) = (status.Requests, status.Timeouts);
            var (sent, timedOut) = (requests - _requests, timeouts - _timeouts);
            (_requests, _timeouts) = (requests, timeouts);
            var codes = counts.TakeAnswers();
            long answers = 0, failed = 0;
            foreach (var (code, count) in codes)
            {
                answers += count;
                if (IsFailure(code))
                    failed += count;
            }
            var outcomes = answers + timedOut;
            double? success = outcomes == 0 ? null : Math.Round((double)(answers - failed) / outcomes, 4);
            return new ChannelSecondView(Rate(sent, seconds), Rate(answers, seconds), Rate(timedOut, seconds), success, counts.Latency.TakeP99Milliseconds(),
                codes.ConvertAll(c => new ResponseCodeCount(c.Code, c.Count)), Name(status.Breaker), status.InFlight, status.SafDepth);
        }

        /// <summary>The bank side failed rather than decided (68, 91, 92, 96), or could not read what it was sent (30).</summary>
        private static bool IsFailure(string code) => ResponseCodes.IsSystemFailure(code) || code == ResponseCodes.FormatError;
    }
}
