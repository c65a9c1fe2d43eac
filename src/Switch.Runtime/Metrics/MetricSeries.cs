namespace Switch.Runtime.Metrics;

/// <summary>
/// What one instrument has aggregated for one tag set. Recording is called concurrently from any thread and takes
/// no lock (interlocked updates only); writing reads the fields as they are, so a scrape sees each value at some
/// instant during the scrape.
/// </summary>
internal abstract class MetricSeries
{
    internal abstract void Record(long value);

    internal abstract void Record(double value);

    /// <summary>Writes the series' samples; <paramref name="labels"/> is its rendered label list (may be empty).</summary>
    internal abstract void Write(PrometheusTextWriter writer, string name, string labels);

    private protected static void Add(ref double target, double value)
    {
        var current = Volatile.Read(ref target);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref target, current + value, current);
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
                return;
            current = seen;
        }
    }
}

/// <summary>A counter or up-down counter: the sum of every measurement.</summary>
internal sealed class SumSeries(bool integral) : MetricSeries
{
    private long _longSum;
    private double _doubleSum;

    internal override void Record(long value) => Interlocked.Add(ref _longSum, value);

    internal override void Record(double value) => Add(ref _doubleSum, value);

    internal override void Write(PrometheusTextWriter writer, string name, string labels)
    {
        if (integral)
            writer.Sample(name, labels, Interlocked.Read(ref _longSum));
        else
            writer.Sample(name, labels, Volatile.Read(ref _doubleSum));
    }
}

/// <summary>A gauge, or an observable instrument's value as last observed: the latest measurement.</summary>
internal sealed class LastValueSeries : MetricSeries
{
    private double _value;

    internal override void Record(long value) => Volatile.Write(ref _value, value);

    internal override void Record(double value) => Volatile.Write(ref _value, value);

    internal override void Write(PrometheusTextWriter writer, string name, string labels) => writer.Sample(name, labels, Volatile.Read(ref _value));
}

/// <summary>
/// A histogram: a count per explicit bucket (non-cumulative here, cumulative when written), and the sum. The count
/// is written as the buckets' total, so <c>_count</c> always equals the <c>+Inf</c> bucket even while measurements
/// arrive during a scrape.
/// </summary>
internal sealed class HistogramSeries(double[] bounds, bool integral) : MetricSeries
{
    private readonly long[] _counts = new long[bounds.Length + 1];
    private long _longSum;
    private double _doubleSum;

    internal override void Record(long value)
    {
        Interlocked.Increment(ref _counts[BucketOf(value)]);
        Interlocked.Add(ref _longSum, value);
    }

    internal override void Record(double value)
    {
        if (double.IsNaN(value))
            return;
        Interlocked.Increment(ref _counts[BucketOf(value)]);
        Add(ref _doubleSum, value);
    }

    /// <summary>The first bucket whose upper bound is at or above <paramref name="value"/> (Prometheus' "le"); the last one is +Inf.</summary>
    private int BucketOf(double value)
    {
        int low = 0, high = bounds.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (bounds[middle] < value)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    internal override void Write(PrometheusTextWriter writer, string name, string labels)
    {
        long cumulative = 0;
        for (var i = 0; i < bounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _counts[i]);
            writer.Bucket(name, labels, bounds[i], cumulative);
        }
        cumulative += Interlocked.Read(ref _counts[bounds.Length]);
        writer.Bucket(name, labels, double.PositiveInfinity, cumulative);
        if (integral)
            writer.Sample(name + "_sum", labels, Interlocked.Read(ref _longSum));
        else
            writer.Sample(name + "_sum", labels, Volatile.Read(ref _doubleSum));
        writer.Sample(name + "_count", labels, cumulative);
    }
}
