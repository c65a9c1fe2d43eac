namespace Switch.Actors.Channels;

/// <summary>
/// A bank channel's circuit breaker (Polly.Core's semantics: failure ratio over a sampling window with a minimum
/// throughput, a break duration, then a half-open probe), owned by one channel actor and so single-threaded: the
/// actor feeds it outcomes and asks it before sending. Time is passed in (milliseconds of a monotonic clock) so
/// tests drive it exactly.
/// </summary>
internal sealed class ChannelBreaker
{
    private const int Buckets = 10;
    private readonly BreakerOptions _options;
    private readonly long _bucketMs;
    private readonly int[] _successes = new int[Buckets];
    private readonly int[] _failures = new int[Buckets];
    private long _currentBucket;
    private long _openUntil;
    private bool _probeInFlight;

    internal ChannelBreaker(BreakerOptions options)
    {
        options.Validate();
        _options = options;
        _bucketMs = Math.Max(1, (long)options.SamplingDuration.TotalMilliseconds / Buckets);
    }

    internal BreakerState State { get; private set; } = BreakerState.Closed;

    /// <summary>Times the breaker has opened (tripped or isolated).</summary>
    internal long Openings { get; private set; }

    /// <summary>
    /// True when a request may go out now. In half-open, only one probe is let through at a time; the caller must
    /// then report its outcome.
    /// </summary>
    internal bool TryAcquire(long nowMs)
    {
        switch (State)
        {
            case BreakerState.Closed:
                return true;
            case BreakerState.Open when nowMs >= _openUntil:
                State = BreakerState.HalfOpen;
                _probeInFlight = true;
                return true;
            case BreakerState.HalfOpen when !_probeInFlight:
                _probeInFlight = true;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Gives back a permission from <see cref="TryAcquire"/> that was not used (the request was not sent).</summary>
    internal void Release()
    {
        if (State == BreakerState.HalfOpen)
            _probeInFlight = false;
    }

    /// <summary>The state as seen at <paramref name="nowMs"/> without taking a probe (an open breaker past its break reads half-open).</summary>
    internal BreakerState Peek(long nowMs) => State == BreakerState.Open && nowMs >= _openUntil ? BreakerState.HalfOpen : State;

    internal void OnSuccess(long nowMs)
    {
        if (State == BreakerState.HalfOpen)
        {
            Reset(BreakerState.Closed);
            return;
        }
        if (State == BreakerState.Closed)
            _successes[Bucket(nowMs)]++;
    }

    internal void OnFailure(long nowMs)
    {
        switch (State)
        {
            case BreakerState.HalfOpen:
                Trip(nowMs);
                return;
            case BreakerState.Closed:
                _failures[Bucket(nowMs)]++;
                int failures = 0, total = 0;
                for (var i = 0; i < Buckets; i++)
                {
                    failures += _failures[i];
                    total += _failures[i] + _successes[i];
                }
                if (total >= _options.MinimumThroughput && failures >= _options.FailureRatio * total)
                    Trip(nowMs);
                return;
        }
    }

    /// <summary>An operator opens the breaker until <see cref="Close"/>.</summary>
    internal void Isolate()
    {
        if (State != BreakerState.Isolated)
            Openings++;
        Reset(BreakerState.Isolated);
    }

    /// <summary>An operator closes the breaker (also ends an isolation).</summary>
    internal void Close() => Reset(BreakerState.Closed);

    private void Trip(long nowMs)
    {
        Openings++;
        Reset(BreakerState.Open);
        _openUntil = nowMs + (long)_options.BreakDuration.TotalMilliseconds;
    }

    private void Reset(BreakerState state)
    {
        State = state;
        _probeInFlight = false;
        Array.Clear(_successes);
        Array.Clear(_failures);
    }

    private int Bucket(long nowMs)
    {
        var bucket = nowMs / _bucketMs;
        if (bucket != _currentBucket)
        {
            // Clear the buckets that fell out of the window since the last outcome.
            var stale = Math.Min(bucket - _currentBucket, Buckets);
            for (long b = bucket - stale + 1; b <= bucket; b++)
            {
                var i = (int)(b % Buckets);
                _successes[i] = 0;
                _failures[i] = 0;
            }
            _currentBucket = bucket;
        }
        return (int)(bucket % Buckets);
    }
}
