namespace Switch.Actors.Channels;

/// <summary>
/// A channel's state as its actor publishes it for the router and operators: written only by the channel actor,
/// read by anyone without a lock.
/// </summary>
public sealed class ChannelStatus(string name, string bank)
{
    private volatile int _breaker = (int)BreakerState.Closed;
    private volatile int _connections;
    private long _inFlight, _requests, _timeouts, _lateAnswers, _safDepth;

    /// <summary>The channel's name.</summary>
    public string Name { get; } = name;

    /// <summary>The bank the channel belongs to.</summary>
    public string Bank { get; } = bank;

    /// <summary>The breaker's state.</summary>
    public BreakerState Breaker { get => (BreakerState)_breaker; internal set => _breaker = (int)value; }

    /// <summary>Signed-on connections to the bank host.</summary>
    public int Connections { get => _connections; internal set => _connections = value; }

    /// <summary>True when the router may send to this channel (signed on, breaker not open).</summary>
    public bool IsAvailable => _connections > 0 && Breaker is BreakerState.Closed or BreakerState.HalfOpen;

    /// <summary>Requests awaiting the bank's answer.</summary>
    public long InFlight { get => Volatile.Read(ref _inFlight); internal set => Volatile.Write(ref _inFlight, value); }

    /// <summary>Requests sent to the bank since start.</summary>
    public long Requests { get => Volatile.Read(ref _requests); internal set => Volatile.Write(ref _requests, value); }

    /// <summary>Requests the bank did not answer in time.</summary>
    public long Timeouts { get => Volatile.Read(ref _timeouts); internal set => Volatile.Write(ref _timeouts, value); }

    /// <summary>Answers that arrived after their request timed out.</summary>
    public long LateAnswers { get => Volatile.Read(ref _lateAnswers); internal set => Volatile.Write(ref _lateAnswers, value); }

    /// <summary>Reversal advices waiting in the store-and-forward queue.</summary>
    public long SafDepth { get => Volatile.Read(ref _safDepth); internal set => Volatile.Write(ref _safDepth, value); }
}
