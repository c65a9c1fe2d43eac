using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Switch.Runtime.Metrics;

/// <summary>
/// Collects the measurements of every <see cref="Meter"/> whose name starts with a prefix ("Switch" by default) and
/// writes them in the Prometheus text exposition format (version 0.0.4), for a <c>GET /metrics</c> handler:
/// <code>
/// response.ContentType = MetricsCollector.ContentType;
/// collector.WriteTo(response.BodyWriter);
/// </code>
/// </summary>
/// <remarks>
/// <para>Counters become <c>counter</c>s (named <c>..._total</c>), up-down counters and gauges <c>gauge</c>s,
/// histograms <c>histogram</c>s with cumulative explicit buckets (the instrument's advice, else
/// <see cref="HistogramBuckets"/> by unit). Observable instruments are observed at each scrape; a tag set they no
/// longer report disappears. Names follow <c>PrometheusNames</c>: dots become underscores, units add
/// <c>_seconds</c> or <c>_bytes</c>, tag keys become snake_case labels. Output is ordered by metric name, then
/// label list.</para>
/// <para>Recording takes no lock and allocates nothing once a tag set has been seen: see
/// <see cref="InstrumentAggregate"/>. Counting starts with the collector: measurements made before it started are
/// not seen.</para>
/// </remarks>
public sealed class MetricsCollector : IDisposable
{
    /// <summary>The content type of the exposition.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly string _meterPrefix;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, InstrumentAggregate> _instruments = new();
    private readonly Lock _scrape = new();
    private bool _disposed;

    /// <summary>Starts listening to the meters whose name starts with <paramref name="meterPrefix"/> (ordinal).</summary>
    /// <param name="meterPrefix">The meters' name prefix.</param>
    public MetricsCollector(string meterPrefix = "Switch")
    {
        ArgumentNullException.ThrowIfNull(meterPrefix);
        _meterPrefix = meterPrefix;
        _listener = new MeterListener { InstrumentPublished = OnPublished, MeasurementsCompleted = OnCompleted };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>
    /// Observes the observable instruments, then writes every metric as UTF-8 Prometheus text. One scrape runs at a
    /// time; recording goes on meanwhile.
    /// </summary>
    /// <param name="output">Where the text goes, e.g. an HTTP response's body writer.</param>
    /// <exception cref="ObjectDisposedException">The collector is disposed.</exception>
    public void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_scrape)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var aggregates = new List<InstrumentAggregate>(_instruments.Values);
            foreach (var aggregate in aggregates)
            {
                if (aggregate.Instrument.IsObservable)
                    aggregate.Reset();
            }
            _listener.RecordObservableInstruments();
            aggregates.Sort(static (a, b) =>
            {
                var byName = string.CompareOrdinal(a.Name, b.Name);
                return byName != 0 ? byName : string.CompareOrdinal(a.Instrument.Meter.Name, b.Instrument.Meter.Name);
            });
            var writer = new PrometheusTextWriter();
            InstrumentAggregate? family = null;
            foreach (var aggregate in aggregates)
            {
                if (family is null || family.Name != aggregate.Name)
                {
                    family = aggregate;
                    writer.Family(aggregate.Name, aggregate.Instrument.Description, aggregate.Type);
                }
                else if (family.Type != aggregate.Type)
                {
                    continue; // the same name as another type: one metric name cannot have two types
                }
                aggregate.WriteSeries(writer);
            }
            writer.CopyTo(output);
        }
    }

    /// <summary>Stops listening; the collected values are dropped.</summary>
    public void Dispose()
    {
        lock (_scrape)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        _listener.Dispose();
    }

    private void OnPublished(Instrument instrument, MeterListener listener)
    {
        if (!instrument.Meter.Name.StartsWith(_meterPrefix, StringComparison.Ordinal) || InstrumentAggregate.For(instrument) is not { } aggregate)
            return;
        _instruments[instrument] = aggregate;
        listener.EnableMeasurementEvents(instrument, aggregate);
    }

    private void OnCompleted(Instrument instrument, object? state) => _instruments.TryRemove(instrument, out _);
}
