using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Numerics;

namespace Switch.Runtime.Metrics;

/// <summary>
/// One instrument as the collector aggregates it: its Prometheus name and type, and a series per distinct tag set.
/// </summary>
/// <remarks>
/// The hot path is <see cref="Record(long, ReadOnlySpan{KeyValuePair{string, object}})"/>: a lock-free lookup of
/// the measurement's tag span in a dictionary keyed by <see cref="TagSet"/> (through its alternate lookup, so the
/// span is neither copied nor boxed) and an interlocked update of the series. Only a tag set seen for the first
/// time takes the lock, to render its labels and add it. Tags given in another order find the same series: they
/// render to the same label list, and the new order is added as a second key.
/// </remarks>
internal sealed class InstrumentAggregate
{
    private readonly ConcurrentDictionary<TagSet, MetricSeries> _byTags = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, MetricSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly Dictionary<string, MetricSeries> _byLabels = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Func<MetricSeries> _newSeries;

    private InstrumentAggregate(Instrument instrument, string name, string type, Func<MetricSeries> newSeries)
    {
        Instrument = instrument;
        Name = name;
        Type = type;
        _newSeries = newSeries;
        _lookup = _byTags.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    internal Instrument Instrument { get; }

    /// <summary>The Prometheus metric name.</summary>
    internal string Name { get; }

    /// <summary>The Prometheus type: counter, gauge or histogram.</summary>
    internal string Type { get; }

    /// <summary>
    /// The aggregate of <paramref name="instrument"/>, or null for one the exposition cannot show (a value type
    /// other than byte, short, int, long, float and double, or an instrument kind of its own).
    /// </summary>
    internal static InstrumentAggregate? For(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
            return null;
        var value = type.GetGenericArguments()[0];
        bool integral;
        if (value == typeof(long) || value == typeof(int) || value == typeof(short) || value == typeof(byte))
            integral = true;
        else if (value == typeof(double) || value == typeof(float))
            integral = false;
        else
            return null;
        var kind = type.GetGenericTypeDefinition();
        var unit = instrument.Unit;
        if (kind == typeof(Counter<>))
            return new(instrument, PrometheusNames.Metric(instrument.Name, unit, counter: true), "counter", () => new SumSeries(integral));
        if (kind == typeof(ObservableCounter<>))
            return new(instrument, PrometheusNames.Metric(instrument.Name, unit, counter: true), "counter", () => new LastValueSeries());
        if (kind == typeof(UpDownCounter<>))
            return new(instrument, PrometheusNames.Metric(instrument.Name, unit, counter: false), "gauge", () => new SumSeries(integral));
        if (kind == typeof(Gauge<>) || kind == typeof(ObservableGauge<>) || kind == typeof(ObservableUpDownCounter<>))
            return new(instrument, PrometheusNames.Metric(instrument.Name, unit, counter: false), "gauge", () => new LastValueSeries());
        if (kind == typeof(Histogram<>))
        {
            var bounds = BucketBounds(instrument);
            return new(instrument, PrometheusNames.Metric(instrument.Name, unit, counter: false), "histogram", () => new HistogramSeries(bounds, integral));
        }
        return null;
    }

    internal void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => SeriesOf(tags).Record(value);

    internal void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => SeriesOf(tags).Record(value);

    /// <summary>Forgets every series: an observable instrument's series are those of the latest observation only.</summary>
    internal void Reset()
    {
        lock (_gate)
        {
            _byLabels.Clear();
            _byTags.Clear();
        }
    }

    /// <summary>Writes every series' samples, ordered by label list.</summary>
    internal void WriteSeries(PrometheusTextWriter writer)
    {
        KeyValuePair<string, MetricSeries>[] series;
        lock (_gate)
        {
            series = new KeyValuePair<string, MetricSeries>[_byLabels.Count];
            ((ICollection<KeyValuePair<string, MetricSeries>>)_byLabels).CopyTo(series, 0);
        }
        Array.Sort(series, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (labels, s) in series)
            s.Write(writer, Name, labels);
    }

    private MetricSeries SeriesOf(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _lookup.TryGetValue(tags, out var series) ? series : AddSeries(tags);

    private MetricSeries AddSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            if (_lookup.TryGetValue(tags, out var series))
                return series;
            var labels = PrometheusNames.Labels(tags);
            if (!_byLabels.TryGetValue(labels, out series))
            {
                series = _newSeries();
                _byLabels.Add(labels, series);
            }
            _lookup.TryAdd(tags, series);
            return series;
        }
    }

    private static double[] BucketBounds(Instrument instrument)
    {
        var advised = instrument switch
        {
            Instrument<double> i => Doubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<float> i => Doubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<long> i => Doubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<int> i => Doubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<short> i => Doubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<byte> i => Doubles(i.Advice?.HistogramBucketBoundaries),
            _ => null,
        };
        return advised ?? (instrument.Unit == "s" ? Doubles(HistogramBuckets.LatencySeconds) : Doubles(HistogramBuckets.PowersOfTwo(65_536)))!;
    }

    private static double[]? Doubles<T>(IReadOnlyList<T>? bounds) where T : INumberBase<T>
    {
        if (bounds is null)
            return null;
        var result = new double[bounds.Count];
        for (var i = 0; i < result.Length; i++)
            result[i] = double.CreateTruncating(bounds[i]);
        return result;
    }
}
