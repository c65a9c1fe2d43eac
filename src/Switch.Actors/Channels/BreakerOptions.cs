namespace Switch.Actors.Channels;

/// <summary>
/// A channel breaker's settings, with Polly's circuit-breaker meaning: the breaker trips when, over the last
/// <see cref="SamplingDuration"/>, at least <see cref="MinimumThroughput"/> requests completed and the share that
/// failed (timeouts, disconnects, bank system errors; not business declines) reached <see cref="FailureRatio"/>.
/// </summary>
public sealed record BreakerOptions
{
    /// <summary>The failed share that trips the breaker (0..1]. Default 0.5.</summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>The window failures are counted over. Default 10 s.</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Completed requests in the window below which the breaker never trips. Default 20.</summary>
    public int MinimumThroughput { get; init; } = 20;

    /// <summary>How long the breaker stays open before a probe. Default 5 s.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (double.IsNaN(FailureRatio) || FailureRatio is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(FailureRatio), FailureRatio, "must be in (0, 1]");
        if (SamplingDuration < TimeSpan.FromMilliseconds(100)) throw new ArgumentOutOfRangeException(nameof(SamplingDuration), SamplingDuration, "must be at least 100 ms");
        if (MinimumThroughput < 1) throw new ArgumentOutOfRangeException(nameof(MinimumThroughput), MinimumThroughput, "must be at least 1");
        if (BreakDuration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(BreakDuration), BreakDuration, "must be positive");
    }
}
