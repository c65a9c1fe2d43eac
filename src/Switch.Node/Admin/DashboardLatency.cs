using System.Numerics;

namespace Switch.Node.Admin;

/// <summary>
/// A latency histogram for the dashboard's per-second p99: recorded from any thread without a lock, read once a second
/// by the sampler, which takes what arrived since its previous read.
/// </summary>
/// <remarks>
/// Buckets are log-linear over microseconds: exact below 16 µs, then 8 buckets per power of two (each at most 12.5%
/// wide), up to 2^36 µs (about 19 hours; anything longer lands in the last bucket). 272 counters in all, so the
/// sampler's read is a short scan, and the p99 it reports is the upper edge of its bucket: never below the true value,
/// at most 12.5% above it.
/// </remarks>
internal sealed class DashboardLatency
{
    private const int Exact = 16, SubBucketBits = 3, SubBuckets = 1 << SubBucketBits, LastPower = 35;
    private const int Count = Exact + (LastPower - 3) * SubBuckets;

    private readonly long[] _counts = new long[Count];
    private readonly long[] _taken = new long[Count];

    public void Record(double seconds) => Interlocked.Increment(ref _counts[Index(seconds * 1e6)]);

    /// <summary>The 99th percentile in milliseconds of what was recorded since the previous call; null when nothing was.</summary>
    public double? TakeP99Milliseconds()
    {
        Span<long> arrived = stackalloc long[Count];
        long total = 0;
        for (var i = 0; i < Count; i++)
        {
            var now = Volatile.Read(ref _counts[i]);
            arrived[i] = now - _taken[i];
            _taken[i] = now;
            total += arrived[i];
        }
        if (total == 0)
            return null;
        var rank = (long)Math.Ceiling(total * 0.99);
        long seen = 0;
        for (var i = 0; i < Count; i++)
        {
            seen += arrived[i];
            if (seen >= rank)
                return UpperEdgeMicros(i) / 1000.0;
        }
        return UpperEdgeMicros(Count - 1) / 1000.0;
    }

    private static int Index(double micros)
    {
        if (!(micros >= 1)) // also NaN
            return 0;
        var value = micros >= 1L << 62 ? 1UL << 62 : (ulong)micros;
        if (value < Exact)
            return (int)value;
        var power = BitOperations.Log2(value);
        var sub = (int)(value >> (power - SubBucketBits)) & (SubBuckets - 1);
        return Math.Min(Exact + (power - 4) * SubBuckets + sub, Count - 1);
    }

    private static long UpperEdgeMicros(int index)
    {
        if (index < Exact)
            return index + 1;
        var power = 4 + (index - Exact) / SubBuckets;
        var sub = (index - Exact) % SubBuckets;
        return (long)(SubBuckets + sub + 1) << (power - SubBucketBits);
    }
}
