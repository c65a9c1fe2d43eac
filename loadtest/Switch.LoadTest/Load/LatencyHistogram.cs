namespace Switch.LoadTest.Load;

/// <summary>
/// A latency histogram in microseconds with about 1.5 % precision from 1 µs to 38 hours: exact below 128 µs, then
/// 64 buckets per power of two. Recording is lock-free (one interlocked increment), so every connection's answers
/// go into the same histogram; percentiles read the bucket's upper bound, so they never flatter the switch.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Exact = 128;
    private const int SubBuckets = 64;
    private const int FirstOctave = 7; // 2^7 = 128
    private const int Octaves = 30;
    private readonly long[] _counts = new long[Exact + Octaves * SubBuckets];
    private long _count;
    private long _max;
    private long _sum;

    public long Count => Volatile.Read(ref _count);

    public long MaxMicros => Volatile.Read(ref _max);

    public double MeanMicros => Count == 0 ? 0 : (double)Volatile.Read(ref _sum) / Count;

    public void Record(long micros)
    {
        if (micros < 0)
            micros = 0;
        Interlocked.Increment(ref _counts[IndexOf(micros)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, micros);
        for (var max = Volatile.Read(ref _max); micros > max; max = Volatile.Read(ref _max))
            if (Interlocked.CompareExchange(ref _max, micros, max) == max)
                break;
    }

    /// <summary>Adds every recording of <paramref name="other"/> to this one.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
            if (other._counts[i] != 0)
                Interlocked.Add(ref _counts[i], other._counts[i]);
        Interlocked.Add(ref _count, other.Count);
        Interlocked.Add(ref _sum, Volatile.Read(ref other._sum));
        for (var max = Volatile.Read(ref _max); other.MaxMicros > max; max = Volatile.Read(ref _max))
            if (Interlocked.CompareExchange(ref _max, other.MaxMicros, max) == max)
                break;
    }

    /// <summary>The latency at or below which <paramref name="percentile"/> % of the recordings fall (0 when empty).</summary>
    public long ValueAtPercentile(double percentile)
    {
        var count = Count;
        if (count == 0)
            return 0;
        var rank = (long)Math.Ceiling(Math.Clamp(percentile, 0, 100) / 100 * count);
        if (rank < 1)
            rank = 1;
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
                return Math.Min(UpperBound(i), MaxMicros);
        }
        return MaxMicros;
    }

    public double MillisAtPercentile(double percentile) => ValueAtPercentile(percentile) / 1000.0;

    internal static int IndexOf(long micros)
    {
        if (micros < Exact)
            return (int)micros;
        var octave = 63 - (int)long.LeadingZeroCount(micros);
        if (octave >= FirstOctave + Octaves)
            return Exact + Octaves * SubBuckets - 1;
        var sub = (int)(micros >> (octave - 6)) & (SubBuckets - 1);
        return Exact + (octave - FirstOctave) * SubBuckets + sub;
    }

    internal static long UpperBound(int index)
    {
        if (index < Exact)
            return index;
        var octave = (index - Exact) / SubBuckets + FirstOctave;
        var sub = (index - Exact) % SubBuckets;
        var width = 1L << (octave - 6);
        return (1L << octave) + (sub + 1) * width - 1;
    }
}
