using Switch.Actors.Channels;

namespace Switch.Actors.Tests.Channels;

public sealed class ChannelBreakerTests
{
    // Sampling 10 s in 10 buckets of 1 s; trips at half of at least 10 outcomes; open for 5 s.
    private static readonly BreakerOptions Options = new()
    {
        FailureRatio = 0.5,
        SamplingDuration = TimeSpan.FromSeconds(10),
        MinimumThroughput = 10,
        BreakDuration = TimeSpan.FromSeconds(5),
    };

    private const long T0 = 1_000_000; // a monotonic clock is far from zero

    private static ChannelBreaker Tripped(out long trippedAt)
    {
        var breaker = new ChannelBreaker(Options);
        trippedAt = T0;
        for (var i = 0; i < 10; i++)
            breaker.OnFailure(trippedAt);
        Assert.Equal(BreakerState.Open, breaker.State);
        return breaker;
    }

    [Fact]
    public void A_new_breaker_is_closed_and_lets_everything_through()
    {
        var breaker = new ChannelBreaker(Options);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(0, breaker.Openings);
        for (var i = 0; i < 100; i++)
            Assert.True(breaker.TryAcquire(T0 + i));
    }

    [Fact]
    public void Failures_below_the_minimum_throughput_never_trip_it()
    {
        var breaker = new ChannelBreaker(Options);

        for (var i = 0; i < 9; i++)
            breaker.OnFailure(T0 + i);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire(T0 + 10));

        breaker.OnFailure(T0 + 11); // the tenth: minimum throughput reached, all failed
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal(1, breaker.Openings);
    }

    [Fact]
    public void It_trips_when_the_failed_share_reaches_the_ratio_and_not_before()
    {
        var breaker = new ChannelBreaker(Options with { MinimumThroughput = 20 });
        for (var i = 0; i < 11; i++)
            breaker.OnSuccess(T0);
        for (var i = 0; i < 9; i++)
            breaker.OnFailure(T0);
        Assert.Equal(BreakerState.Closed, breaker.State); // 9 of 20 failed: 45 %

        breaker.OnFailure(T0); // 10 of 21: 47.6 %
        Assert.Equal(BreakerState.Closed, breaker.State);

        breaker.OnFailure(T0); // 11 of 22: 50 %
        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void Successes_alone_never_trip_it()
    {
        var breaker = new ChannelBreaker(Options);
        for (var i = 0; i < 1_000; i++)
            breaker.OnSuccess(T0 + i);

        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void An_open_breaker_refuses_until_the_break_duration_has_passed()
    {
        var breaker = Tripped(out var at);

        Assert.False(breaker.TryAcquire(at));
        Assert.False(breaker.TryAcquire(at + 4_999));
        Assert.Equal(BreakerState.Open, breaker.Peek(at + 4_999));
        Assert.Equal(BreakerState.HalfOpen, breaker.Peek(at + 5_000));
        Assert.Equal(BreakerState.Open, breaker.State); // peeking takes no probe

        Assert.True(breaker.TryAcquire(at + 5_000));
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
    }

    [Fact]
    public void Half_open_lets_exactly_one_probe_through()
    {
        var breaker = Tripped(out var at);

        Assert.True(breaker.TryAcquire(at + 5_000));
        for (var i = 1; i <= 100; i++)
            Assert.False(breaker.TryAcquire(at + 5_000 + (i * 100)));
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
    }

    [Fact]
    public void A_successful_probe_closes_the_breaker()
    {
        var breaker = Tripped(out var at);
        Assert.True(breaker.TryAcquire(at + 5_000));

        breaker.OnSuccess(at + 5_100);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire(at + 5_200));
        Assert.True(breaker.TryAcquire(at + 5_200));
        Assert.Equal(1, breaker.Openings);
    }

    [Fact]
    public void A_closed_breaker_after_a_probe_starts_counting_from_zero()
    {
        var breaker = Tripped(out var at);
        Assert.True(breaker.TryAcquire(at + 5_000));
        breaker.OnSuccess(at + 5_000);

        // The ten failures that tripped it are forgotten: nine new ones stay below the minimum throughput.
        for (var i = 0; i < 9; i++)
            breaker.OnFailure(at + 5_001);
        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void A_failed_probe_opens_the_breaker_again_for_a_whole_break()
    {
        var breaker = Tripped(out var at);
        Assert.True(breaker.TryAcquire(at + 5_000));

        breaker.OnFailure(at + 6_000);

        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal(2, breaker.Openings);
        Assert.False(breaker.TryAcquire(at + 10_999));
        Assert.True(breaker.TryAcquire(at + 11_000));
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
    }

    [Fact]
    public void Outcomes_that_arrive_while_open_change_nothing()
    {
        var breaker = Tripped(out var at);

        breaker.OnSuccess(at + 1);
        breaker.OnFailure(at + 2);

        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal(1, breaker.Openings);
        Assert.False(breaker.TryAcquire(at + 4_999));
        Assert.True(breaker.TryAcquire(at + 5_000));
    }

    [Fact]
    public void Failures_older_than_the_sampling_window_are_forgotten()
    {
        var breaker = new ChannelBreaker(Options);
        for (var i = 0; i < 9; i++)
            breaker.OnFailure(T0);

        breaker.OnFailure(T0 + 10_000); // ten seconds later: the nine are out of the window

        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void Failures_inside_the_sampling_window_still_count()
    {
        var breaker = new ChannelBreaker(Options);
        for (var i = 0; i < 9; i++)
            breaker.OnFailure(T0);

        breaker.OnFailure(T0 + 8_999); // within the window

        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void The_window_slides_bucket_by_bucket()
    {
        var breaker = new ChannelBreaker(Options);
        // Three failures in each of the seconds 0, 1 and 2 after T0 (T0 is a bucket boundary).
        for (var second = 0; second < 3; second++)
            for (var i = 0; i < 3; i++)
                breaker.OnFailure(T0 + (second * 1_000));

        // At +10 s the first second's three have left; six remain, plus this one: 7 < 10.
        breaker.OnFailure(T0 + 10_000);
        Assert.Equal(BreakerState.Closed, breaker.State);
        // At +11 s the second second's three leave too: 3 + 1 + this one = 5.
        breaker.OnFailure(T0 + 11_000);
        breaker.OnFailure(T0 + 11_000);
        breaker.OnFailure(T0 + 11_000);
        breaker.OnFailure(T0 + 11_000);
        breaker.OnFailure(T0 + 11_000); // 3 (second 2) + 1 (second 10) + 5 (second 11) = 9
        Assert.Equal(BreakerState.Closed, breaker.State);
        breaker.OnFailure(T0 + 11_500); // 10 failures in the window
        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void Old_successes_leave_the_window_too_so_the_ratio_is_of_recent_outcomes()
    {
        var breaker = new ChannelBreaker(Options);
        for (var i = 0; i < 100; i++)
            breaker.OnSuccess(T0);

        for (var i = 0; i < 10; i++)
            breaker.OnFailure(T0 + 20_000);

        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void A_long_silence_clears_the_whole_window()
    {
        var breaker = new ChannelBreaker(Options);
        for (var i = 0; i < 9; i++)
            breaker.OnFailure(T0 + (i * 1_000));

        breaker.OnFailure(T0 + 3_600_000);

        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void Isolation_keeps_it_open_past_any_break_until_an_operator_closes_it()
    {
        var breaker = new ChannelBreaker(Options);

        breaker.Isolate();

        Assert.Equal(BreakerState.Isolated, breaker.State);
        Assert.Equal(1, breaker.Openings);
        Assert.False(breaker.TryAcquire(T0));
        Assert.False(breaker.TryAcquire(T0 + 3_600_000));
        Assert.Equal(BreakerState.Isolated, breaker.Peek(T0 + 3_600_000));
        breaker.OnSuccess(T0);
        Assert.Equal(BreakerState.Isolated, breaker.State);

        breaker.Close();

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire(T0 + 3_600_001));
    }

    [Fact]
    public void Isolating_twice_counts_one_opening()
    {
        var breaker = new ChannelBreaker(Options);

        breaker.Isolate();
        breaker.Isolate();

        Assert.Equal(1, breaker.Openings);
    }

    [Fact]
    public void Closing_a_tripped_breaker_lets_traffic_through_at_once()
    {
        var breaker = Tripped(out var at);

        breaker.Close();

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire(at + 1));
    }

    [Fact]
    public void Openings_counts_every_trip_and_isolation()
    {
        var breaker = Tripped(out var at);
        Assert.True(breaker.TryAcquire(at + 5_000));
        breaker.OnFailure(at + 5_000);          // 2: the probe failed
        Assert.True(breaker.TryAcquire(at + 10_000));
        breaker.OnSuccess(at + 10_000);         // closed
        for (var i = 0; i < 10; i++)
            breaker.OnFailure(at + 10_001);     // 3
        breaker.Isolate();                      // 4
        breaker.Close();

        Assert.Equal(4, breaker.Openings);
        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void The_breaker_checks_its_options()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChannelBreaker(Options with { FailureRatio = 0 }));
    }

    [Fact]
    public void The_default_options_are_valid()
    {
        var defaults = new BreakerOptions();
        defaults.Validate();
        Assert.Equal(0.5, defaults.FailureRatio);
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.SamplingDuration);
        Assert.Equal(20, defaults.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(5), defaults.BreakDuration);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.01)]
    public void A_failure_ratio_in_zero_exclusive_to_one_inclusive_is_accepted(double ratio) =>
        (Options with { FailureRatio = ratio }).Validate();

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.0001)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void A_failure_ratio_outside_zero_exclusive_to_one_inclusive_is_rejected(double ratio)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Options with { FailureRatio = ratio }).Validate());
        Assert.Equal(nameof(BreakerOptions.FailureRatio), error.ParamName);
    }

    [Theory]
    [InlineData(99)]
    [InlineData(0)]
    [InlineData(-1_000)]
    public void A_sampling_duration_under_100_ms_is_rejected(int ms)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Options with { SamplingDuration = TimeSpan.FromMilliseconds(ms) }).Validate());
        Assert.Equal(nameof(BreakerOptions.SamplingDuration), error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_minimum_throughput_under_one_is_rejected(int minimum)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Options with { MinimumThroughput = minimum }).Validate());
        Assert.Equal(nameof(BreakerOptions.MinimumThroughput), error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_break_duration_that_is_not_positive_is_rejected(int ms)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Options with { BreakDuration = TimeSpan.FromMilliseconds(ms) }).Validate());
        Assert.Equal(nameof(BreakerOptions.BreakDuration), error.ParamName);
    }
}
