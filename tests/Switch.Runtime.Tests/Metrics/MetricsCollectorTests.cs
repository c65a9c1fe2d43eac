using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using Switch.Runtime.Metrics;

namespace Switch.Runtime.Tests.Metrics;

/// <summary>
/// The Prometheus exposition of <see cref="MetricsCollector"/>, read back with <see cref="PrometheusTextParser"/>.
/// Every test has a meter of its own, named under a prefix that only its own collector listens to.
/// </summary>
public sealed class MetricsCollectorTests : IDisposable
{
    private readonly string _prefix = "MetricsTests." + Guid.NewGuid().ToString("N");
    private readonly Meter _meter;
    private readonly MetricsCollector _collector;

    public MetricsCollectorTests()
    {
        _meter = new Meter(_prefix);
        _collector = new MetricsCollector(_prefix);
    }

    public void Dispose()
    {
        _collector.Dispose();
        _meter.Dispose();
    }

    internal static string ScrapeText(MetricsCollector collector)
    {
        var output = new ArrayBufferWriter<byte>();
        collector.WriteTo(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private PrometheusScrape Scrape() => PrometheusTextParser.Parse(ScrapeText(_collector));

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    [Fact]
    public void A_counter_is_summed_per_tag_set_and_named_with_total()
    {
        var counter = _meter.CreateCounter<long>("test.requests", "{request}", "Requests sent.");
        counter.Add(1, Tag("channel", "a"));
        counter.Add(2, Tag("channel", "a"));
        counter.Add(5, Tag("channel", "b"));
        counter.Add(7);

        var scrape = Scrape();

        var family = scrape["test_requests_total"];
        Assert.Equal("counter", family.Type);
        Assert.Equal("Requests sent.", family.Help);
        Assert.Equal(3, family.Samples.Count);
        Assert.Equal(3, scrape.Value("test_requests_total", ("channel", "a")));
        Assert.Equal(5, scrape.Value("test_requests_total", ("channel", "b")));
        Assert.Equal(7, scrape.Value("test_requests_total"));
    }

    [Fact]
    public void A_counter_of_doubles_keeps_fractions()
    {
        var counter = _meter.CreateCounter<double>("test.work", "s");
        counter.Add(0.25);
        counter.Add(0.5);

        Assert.Equal(0.75, Scrape().Value("test_work_seconds_total"));
    }

    [Fact]
    public void Tags_given_in_another_order_add_to_the_same_series()
    {
        var counter = _meter.CreateCounter<int>("test.answers");
        counter.Add(1, Tag("mti", "0200"), Tag("code", "00"));
        counter.Add(2, Tag("code", "00"), Tag("mti", "0200"));

        var family = Scrape()["test_answers_total"];

        var sample = Assert.Single(family.Samples);
        Assert.Equal(3, sample.Value);
        Assert.Equal(new Dictionary<string, string> { ["code"] = "00", ["mti"] = "0200" }, sample.Labels);
    }

    [Fact]
    public void An_up_down_counter_is_a_gauge_of_its_sum()
    {
        var connections = _meter.CreateUpDownCounter<int>("test.connections", "{connection}", "Open connections.");
        connections.Add(5, Tag("listener", "main"));
        connections.Add(-2, Tag("listener", "main"));

        var scrape = Scrape();

        Assert.Equal("gauge", scrape["test_connections"].Type);
        Assert.Equal(3, scrape.Value("test_connections", ("listener", "main")));
    }

    [Fact]
    public void A_gauge_keeps_its_last_value()
    {
        var gauge = _meter.CreateGauge<double>("test.temperature");
        gauge.Record(21.5);
        gauge.Record(19.25);

        var scrape = Scrape();

        Assert.Equal("gauge", scrape["test_temperature"].Type);
        Assert.Equal(19.25, scrape.Value("test_temperature"));
    }

    [Fact]
    public void An_observable_gauge_is_observed_at_each_scrape_and_tag_sets_it_no_longer_reports_disappear()
    {
        var depths = new Dictionary<string, long> { ["a"] = 4, ["b"] = 9 };
        _meter.CreateObservableGauge("test.depth", () => depths.Select(d => new Measurement<long>(d.Value, Tag("queue", d.Key))).ToList(), "{message}", "Queue depth.");

        var first = Scrape();
        depths = new Dictionary<string, long> { ["a"] = 6 };
        var second = Scrape();

        Assert.Equal("gauge", first["test_depth"].Type);
        Assert.Equal(4, first.Value("test_depth", ("queue", "a")));
        Assert.Equal(9, first.Value("test_depth", ("queue", "b")));
        Assert.Equal(6, second.Value("test_depth", ("queue", "a")));
        Assert.Null(second.Value("test_depth", ("queue", "b")));
    }

    [Fact]
    public void An_observable_counter_is_a_counter_of_the_value_it_reports()
    {
        long total = 10;
        _meter.CreateObservableCounter("test.letters", () => total);

        var first = Scrape();
        total = 12;
        var second = Scrape();

        Assert.Equal("counter", first["test_letters_total"].Type);
        Assert.Equal(10, first.Value("test_letters_total"));
        Assert.Equal(12, second.Value("test_letters_total"));
    }

    [Fact]
    public void An_observable_up_down_counter_is_a_gauge()
    {
        _meter.CreateObservableUpDownCounter("test.in_flight", () => -3);

        var scrape = Scrape();

        Assert.Equal("gauge", scrape["test_in_flight"].Type);
        Assert.Equal(-3, scrape.Value("test_in_flight"));
    }

    [Fact]
    public void A_histogram_has_cumulative_buckets_at_its_advised_bounds_with_sum_and_count()
    {
        var latency = _meter.CreateHistogram("test.latency", "s", "Latency.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5] });
        foreach (var value in new[] { 0.5, 1, 1.5, 3, 7 })
            latency.Record(value, Tag("channel", "a"));
        latency.Record(4, Tag("channel", "b"));

        var scrape = Scrape();

        Assert.Equal("histogram", scrape["test_latency_seconds"].Type);
        double? Bucket(string le, string channel = "a") => scrape.Value("test_latency_seconds_bucket", ("channel", channel), ("le", le));
        Assert.Equal(2, Bucket("1")); // 0.5 and 1: "le" is inclusive
        Assert.Equal(3, Bucket("2"));
        Assert.Equal(4, Bucket("5"));
        Assert.Equal(5, Bucket("+Inf"));
        Assert.Equal(13, scrape.Value("test_latency_seconds_sum", ("channel", "a")));
        Assert.Equal(5, scrape.Value("test_latency_seconds_count", ("channel", "a")));
        Assert.Equal(0, Bucket("2", "b"));
        Assert.Equal(1, Bucket("5", "b"));
        Assert.Equal(1, scrape.Value("test_latency_seconds_count", ("channel", "b")));
    }

    [Fact]
    public void A_histogram_in_seconds_without_advice_has_the_latency_buckets()
    {
        var latency = _meter.CreateHistogram<double>("test.wait", "s");
        latency.Record(0.003);

        var scrape = Scrape();

        var bounds = scrape["test_wait_seconds"].Samples.Where(s => s.Name == "test_wait_seconds_bucket").Select(s => s.Labels["le"]).ToList();
        Assert.Equal(HistogramBuckets.LatencySeconds.Append(double.PositiveInfinity), bounds.Select(PrometheusTextParser.ParseValue));
        Assert.Equal("0.0005", bounds[0]);
        Assert.Equal(0, scrape.Value("test_wait_seconds_bucket", ("le", "0.002")));
        Assert.Equal(1, scrape.Value("test_wait_seconds_bucket", ("le", "0.005")));
    }

    [Fact]
    public void A_histogram_of_sizes_without_advice_has_power_of_two_buckets_and_a_whole_sum()
    {
        var batch = _meter.CreateHistogram<int>("test.batch", "{event}");
        batch.Record(3);
        batch.Record(100_000);

        var scrape = Scrape();

        var family = scrape["test_batch"];
        Assert.Equal(18, family.Samples.Count(s => s.Name == "test_batch_bucket")); // 1 .. 65536, then +Inf
        Assert.Equal(0, scrape.Value("test_batch_bucket", ("le", "2")));
        Assert.Equal(1, scrape.Value("test_batch_bucket", ("le", "4")));
        Assert.Equal(1, scrape.Value("test_batch_bucket", ("le", "65536")));
        Assert.Equal(2, scrape.Value("test_batch_bucket", ("le", "+Inf")));
        Assert.Contains("test_batch_sum 100003\n", ScrapeText(_collector));
    }

    [Fact]
    public void Label_values_are_escaped_and_read_back_as_they_were()
    {
        const string awkward = "a\\b\"c\nd";
        _meter.CreateCounter<long>("test.escaped").Add(1, Tag("value", awkward));

        var text = ScrapeText(_collector);

        Assert.Contains("test_escaped_total{value=\"a\\\\b\\\"c\\nd\"} 1\n", text);
        Assert.Equal(awkward, Assert.Single(PrometheusTextParser.Parse(text)["test_escaped_total"].Samples).Labels["value"]);
    }

    [Fact]
    public void Help_text_is_escaped()
    {
        _meter.CreateCounter<long>("test.helped", null, "first line\nsecond \\ line").Add(1);

        var text = ScrapeText(_collector);

        Assert.Contains("# HELP test_helped_total first line\\nsecond \\\\ line\n", text);
        Assert.Equal("first line\nsecond \\ line", PrometheusTextParser.Parse(text)["test_helped_total"].Help);
    }

    [Fact]
    public void Names_become_valid_Prometheus_names_with_unit_suffixes_and_snake_case_labels()
    {
        _meter.CreateCounter<long>("test.bytes-in", "By").Add(10, Tag("responseCode", "00"), Tag("net.peer", "x"), Tag("2nd", "y"));
        _meter.CreateHistogram<double>("test.duration_seconds", "s").Record(1);

        var scrape = Scrape();

        Assert.Equal(10, scrape.Value("test_bytes_in_bytes_total", ("response_code", "00"), ("net_peer", "x"), ("_2nd", "y")));
        Assert.True(scrape.Families.ContainsKey("test_duration_seconds")); // the unit is not repeated
    }

    [Fact]
    public void Non_string_tag_values_are_written_invariantly()
    {
        _meter.CreateCounter<long>("test.typed").Add(1, Tag("shard", 42), Tag("ratio", 0.5), Tag("on", true), Tag("none", null));

        Assert.Equal(1, Scrape().Value("test_typed_total", ("shard", "42"), ("ratio", "0.5"), ("on", "true"), ("none", "")));
    }

    [Fact]
    public void Output_is_ordered_by_metric_name_then_labels()
    {
        var b = _meter.CreateCounter<long>("test.b");
        var a = _meter.CreateCounter<long>("test.a");
        b.Add(1, Tag("k", "2"));
        b.Add(1, Tag("k", "1"));
        a.Add(1);

        var samples = Scrape().Families.Values.SelectMany(f => f.Samples).Select(s => s.Name + string.Concat(s.Labels.Values)).ToList();
        var text = ScrapeText(_collector);

        Assert.Equal(["test_a_total", "test_b_total1", "test_b_total2"], samples);
        Assert.True(text.IndexOf("# TYPE test_a_total", StringComparison.Ordinal) < text.IndexOf("# TYPE test_b_total", StringComparison.Ordinal));
        Assert.Equal(text, ScrapeText(_collector));
    }

    [Fact]
    public void Meters_outside_the_prefix_are_not_written()
    {
        using var other = new Meter("Other" + _prefix);
        other.CreateCounter<long>("test.outside").Add(1);
        _meter.CreateCounter<long>("test.inside").Add(1);

        var scrape = Scrape();

        Assert.Equal(["test_inside_total"], scrape.Families.Keys);
    }

    [Fact]
    public void Instruments_of_a_disposed_meter_leave_the_output()
    {
        using var meter = new Meter(_prefix + ".short-lived");
        meter.CreateCounter<long>("test.gone").Add(1);
        Assert.True(Scrape().Families.ContainsKey("test_gone_total"));

        meter.Dispose();

        Assert.False(Scrape().Families.ContainsKey("test_gone_total"));
    }

    [Fact]
    public void A_disposed_collector_stops_listening_and_refuses_to_scrape()
    {
        var counter = _meter.CreateCounter<long>("test.after");

        _collector.Dispose();

        Assert.False(counter.Enabled);
        Assert.Throws<ObjectDisposedException>(() => ScrapeText(_collector));
    }

    [Fact]
    public void Recording_a_known_tag_set_of_three_tags_allocates_nothing()
    {
        var counter = _meter.CreateCounter<long>("test.hot");
        var histogram = _meter.CreateHistogram<double>("test.hot.latency", "s");
        var channel = Tag("channel", "bank-1");
        string code = new(['0', '0']); // a fresh string each time would come from a decoded message: equal, not the same
        void Record()
        {
            counter.Add(1, channel, Tag("mti", "0200"), Tag("response_code", code));
            histogram.Record(0.004, channel);
        }
        for (var i = 0; i < 100; i++)
            Record();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
            Record();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(10_100, Scrape().Value("test_hot_total", ("channel", "bank-1"), ("mti", "0200"), ("response_code", "00")));
    }

    [Fact]
    public void Recording_from_many_threads_loses_nothing()
    {
        var counter = _meter.CreateCounter<long>("test.parallel");
        var histogram = _meter.CreateHistogram<long>("test.parallel.sizes");

        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counter.Add(1, Tag("worker", worker % 2));
                histogram.Record(3);
            }
        });

        var scrape = Scrape();
        Assert.Equal(40_000, scrape.Value("test_parallel_total", ("worker", "0")));
        Assert.Equal(40_000, scrape.Value("test_parallel_total", ("worker", "1")));
        Assert.Equal(80_000, scrape.Value("test_parallel_sizes_count"));
        Assert.Equal(240_000, scrape.Value("test_parallel_sizes_sum"));
    }
}
