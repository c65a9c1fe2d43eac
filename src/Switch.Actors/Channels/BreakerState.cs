namespace Switch.Actors.Channels;

/// <summary>A channel breaker's state.</summary>
public enum BreakerState
{
    /// <summary>Traffic flows; failures are sampled.</summary>
    Closed,
    /// <summary>Tripped: requests are refused at once until the break duration ends.</summary>
    Open,
    /// <summary>The break ended: one probe request is let through; its outcome closes or reopens the breaker.</summary>
    HalfOpen,
    /// <summary>Opened by an operator; stays open until an operator closes it.</summary>
    Isolated,
}
