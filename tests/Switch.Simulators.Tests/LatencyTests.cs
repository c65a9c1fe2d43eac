namespace Switch.Simulators.Tests;

/// <summary>The latency shapes, sampled the way the bank host samples them.</summary>
public class LatencyTests
{
    private static readonly ulong Seed = SeededDraws.HashSeed(7);

    [Fact]
    public void Log_normal_samples_have_the_median_and_99th_percentile_asked_for()
    {
        var latency = Latency.LogNormal(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200));

        var samples = Samples(latency, 20_000).Order().ToArray();

        Assert.InRange(samples[10_000].TotalMilliseconds, 19, 21);
        Assert.InRange(samples[19_800].TotalMilliseconds, 180, 220);
    }

    [Fact]
    public void Uniform_samples_stay_within_their_bounds_and_fill_them()
    {
        var latency = Latency.Uniform(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(15));

        var samples = Samples(latency, 10_000).Select(s => s.TotalMilliseconds).ToArray();

        Assert.All(samples, s => Assert.InRange(s, 5, 15));
        Assert.InRange(samples.Average(), 9.8, 10.2);
    }

    [Fact]
    public void Fixed_and_none_are_exact_and_bad_shapes_are_refused()
    {
        Assert.All(Samples(Latency.Fixed(TimeSpan.FromMilliseconds(3)), 10), s => Assert.Equal(TimeSpan.FromMilliseconds(3), s));
        Assert.Same(Latency.None, Latency.Fixed(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => Latency.Fixed(TimeSpan.FromMilliseconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Latency.Uniform(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Latency.LogNormal(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(10)));
        Assert.Equal("log-normal median 20 ms p99 200 ms", Latency.LogNormal(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200)).ToString());
    }

    [Fact]
    public void Ratios_and_declines_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BankHostBehaviour.ApproveAll with { TimeoutRatio = 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Decline("05", -0.1));
        Assert.Throws<ArgumentException>(() => new Decline("5", 0.1));
        Assert.Throws<ArgumentException>(() => BankHostBehaviour.ApproveAll with { Declines = [new Decline("05", 0.7), new Decline("51", 0.4)] });
    }

    private static IEnumerable<TimeSpan> Samples(Latency latency, int count) =>
        Enumerable.Range(1, count).Select(n => latency.Sample(new SeededDraws(Seed, n)));
}
