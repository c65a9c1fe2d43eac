using Switch.LoadTest.Load;

namespace Switch.LoadTest.Tests.Load;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_of_a_uniform_spread_land_within_the_bucket_precision()
    {
        var histogram = new LatencyHistogram();
        for (var micros = 1; micros <= 100_000; micros++)
            histogram.Record(micros);

        Assert.Equal(100_000, histogram.Count);
        Assert.InRange(histogram.ValueAtPercentile(50), 50_000, 50_000 * 1.016);
        Assert.InRange(histogram.ValueAtPercentile(99), 99_000, 99_000 * 1.016);
        Assert.InRange(histogram.ValueAtPercentile(99.9), 99_900, 100_000);
        Assert.Equal(100_000, histogram.ValueAtPercentile(100));
        Assert.Equal(100_000, histogram.MaxMicros);
    }

    [Fact]
    public void Small_values_are_exact()
    {
        var histogram = new LatencyHistogram();
        foreach (var micros in new[] { 3, 3, 7, 90, 127 })
            histogram.Record(micros);

        Assert.Equal(3, histogram.ValueAtPercentile(40));
        Assert.Equal(7, histogram.ValueAtPercentile(60));
        Assert.Equal(90, histogram.ValueAtPercentile(80));
        Assert.Equal(127, histogram.ValueAtPercentile(100));
    }

    [Fact]
    public void A_percentile_never_reads_below_the_recorded_value()
    {
        // Reading the bucket's upper bound means a percentile can overstate latency by the precision, never understate it.
        foreach (var micros in new long[] { 128, 129, 1_000, 12_345, 999_999, 4_000_000_000 })
        {
            var histogram = new LatencyHistogram();
            histogram.Record(micros);
            Assert.Equal(micros, histogram.ValueAtPercentile(50)); // capped by the maximum
            var bound = LatencyHistogram.UpperBound(LatencyHistogram.IndexOf(micros));
            Assert.InRange(bound, micros, micros * 1.016 + 1);
        }
    }

    [Fact]
    public void An_outlier_shows_at_the_top_percentiles_only()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 999; i++)
            histogram.Record(2_000);
        histogram.Record(5_000_000);

        Assert.InRange(histogram.ValueAtPercentile(99), 2_000, 2_032);
        Assert.Equal(5_000_000, histogram.ValueAtPercentile(100));
    }

    [Fact]
    public void Adding_histograms_sums_their_recordings()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        a.Record(100);
        b.Record(10_000);
        b.Record(20_000);
        a.Add(b);

        Assert.Equal(3, a.Count);
        Assert.Equal(20_000, a.MaxMicros);
        Assert.Equal(100, a.ValueAtPercentile(33));
    }

    [Fact]
    public void Empty_reads_zero()
    {
        Assert.Equal(0, new LatencyHistogram().ValueAtPercentile(99));
    }
}
