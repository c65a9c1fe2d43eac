namespace Switch.Runtime.Metrics;

/// <summary>
/// Explicit bucket boundaries for histograms, given as an instrument's advice
/// (<c>new InstrumentAdvice&lt;double&gt; { HistogramBucketBoundaries = HistogramBuckets.LatencySeconds }</c>).
/// <see cref="MetricsCollector"/> uses the advice; without one it takes <see cref="LatencySeconds"/> for unit "s"
/// and powers of two up to 65,536 otherwise.
/// </summary>
public static class HistogramBuckets
{
    /// <summary>
    /// Latencies in seconds, 0.5 ms to 30 s in 1-2-5 steps: fine enough around the 50 ms p99 target, wide enough for
    /// bank and journal timeouts.
    /// </summary>
    public static IReadOnlyList<double> LatencySeconds { get; } =
        [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30];

    /// <summary>Sizes: 1, 2, 4, ... up to the first power of two at or above <paramref name="max"/>.</summary>
    /// <param name="max">The largest size expected (at least 1).</param>
    public static IReadOnlyList<int> PowersOfTwo(int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 1 << 30);
        var bounds = new List<int>();
        for (var bound = 1; ; bound <<= 1)
        {
            bounds.Add(bound);
            if (bound >= max)
                return bounds;
        }
    }
}
