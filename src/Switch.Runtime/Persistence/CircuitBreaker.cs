namespace Switch.Runtime.Persistence;

internal enum BreakerState
{
    Closed,
    Open,
    HalfOpen,
}

/// <summary>
/// Closed: calls pass, consecutive failures are counted. After <c>maxFailures</c> of them: Open, calls fail fast
/// for <c>resetTimeout</c>. Then the next call is the probe (HalfOpen; other calls still fail fast): its success
/// closes the breaker, its failure opens it again. A probe that never reports back (its caller went away) is
/// replaced by the next call after another reset timeout.
/// </summary>
internal sealed class CircuitBreaker
{
    private readonly int _maxFailures;
    private readonly long _resetMs;
    private readonly object _gate = new();
    private BreakerState _state;
    private int _failures;
    private long _since;

    internal CircuitBreaker(int maxFailures, TimeSpan resetTimeout)
    {
        _maxFailures = maxFailures;
        _resetMs = (long)Math.Ceiling(resetTimeout.TotalMilliseconds);
    }

    internal BreakerState State
    {
        get { lock (_gate) return _state; }
    }

    /// <summary>How long until the open breaker lets a probe through (zero when it would now).</summary>
    internal TimeSpan RemainingOpen
    {
        get
        {
            lock (_gate)
                return TimeSpan.FromMilliseconds(Math.Max(0, _since + _resetMs - Environment.TickCount64));
        }
    }

    /// <summary>Cheap check without a state change: false only when the breaker is open and not due for a probe.</summary>
    internal bool MayPass()
    {
        lock (_gate)
            return _state != BreakerState.Open || Environment.TickCount64 - _since >= _resetMs;
    }

    /// <summary>Asks to touch the database: true when closed, or when this call becomes the probe.</summary>
    internal bool TryAcquire()
    {
        lock (_gate)
        {
            switch (_state)
            {
                case BreakerState.Closed:
                    return true;
                case BreakerState.Open:
                case BreakerState.HalfOpen:
                    if (Environment.TickCount64 - _since < _resetMs)
                        return false;
                    _state = BreakerState.HalfOpen;
                    _since = Environment.TickCount64;
                    return true;
                default:
                    return false;
            }
        }
    }

    internal void OnSuccess()
    {
        lock (_gate)
        {
            _state = BreakerState.Closed;
            _failures = 0;
        }
    }

    /// <summary>Counts a failure; true when this failure opened the breaker.</summary>
    internal bool OnFailure()
    {
        lock (_gate)
        {
            if (_state == BreakerState.HalfOpen || (_state == BreakerState.Closed && ++_failures >= _maxFailures))
            {
                _state = BreakerState.Open;
                _since = Environment.TickCount64;
                _failures = 0;
                return true;
            }
            return false;
        }
    }
}
