using System.Collections.Concurrent;
using System.Diagnostics;
using Switch.Runtime.Scheduling;
using static Switch.Runtime.Tests.Scheduling.TimerTestSupport;

namespace Switch.Runtime.Tests.Scheduling;

public sealed class PeriodicTimerTests
{
    [Fact]
    public void Fires_repeatedly_at_the_interval_and_stops_on_cancel()
    {
        using var wheel = new HashedWheelTimer(TimeSpan.FromMilliseconds(5));
        var interval = TimeSpan.FromMilliseconds(20);
        var runs = new ConcurrentQueue<TimeSpan>();
        var watch = Stopwatch.StartNew();

        ScheduledTimer timer = wheel.SchedulePeriodic(TimeSpan.FromMilliseconds(30), interval, _ => runs.Enqueue(watch.Elapsed), null);

        Assert.True(WaitUntil(() => runs.Count >= 21));
        Assert.True(timer.Cancel());
        int atCancel = runs.Count;
        Assert.True(timer.IsCancelled);
        Assert.False(timer.Cancel());

        TimeSpan[] times = runs.ToArray();
        Assert.True(times[0] >= TimeSpan.FromMilliseconds(30), $"first run at {times[0].TotalMilliseconds} ms");
        for (int i = 1; i < times.Length; i++)
        {
            // Each run is on the fixed-rate grid: never before 30 + i * 20 ms.
            Assert.True(times[i] >= TimeSpan.FromMilliseconds(30 + (i * 20)), $"run {i} early at {times[i].TotalMilliseconds} ms");
        }

        // The median gap is robust to a stall of the machine (after which missed runs are skipped).
        Assert.InRange(MedianGapMs(times), 17, 23);

        Thread.Sleep(80);
        // A run that had started before Cancel returned may still record itself; nothing after it.
        Assert.InRange(runs.Count, atCancel, atCancel + 1);
    }

    [Fact]
    public async Task Cancel_from_its_own_callback_stops_it_exactly()
    {
        using var wheel = new HashedWheelTimer(TimeSpan.FromMilliseconds(5));
        int runs = 0;
        var cancelResult = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        ScheduledTimer? self = null;
        using var armed = new ManualResetEventSlim();

        self = wheel.SchedulePeriodic(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), _ =>
        {
            armed.Wait();
            if (Interlocked.Increment(ref runs) == 5)
            {
                cancelResult.SetResult(self!.Cancel());
            }
        }, null);
        armed.Set();

        Assert.True(await cancelResult.Task.WaitAsync(Patience), "a periodic timer cancelling itself while running prevents its later runs");
        Thread.Sleep(80);
        Assert.Equal(5, Volatile.Read(ref runs));
    }

    [Fact]
    public void A_slow_callback_does_not_make_the_rate_drift()
    {
        // Fixed delay would give 20 + 8 ms between runs; fixed rate keeps 20 ms on average.
        using var wheel = new HashedWheelTimer(TimeSpan.FromMilliseconds(5));
        var runs = new ConcurrentQueue<TimeSpan>();
        var watch = Stopwatch.StartNew();

        using ScheduledTimerScope _ = new(wheel.SchedulePeriodic(TimeSpan.Zero, TimeSpan.FromMilliseconds(20), _ =>
        {
            runs.Enqueue(watch.Elapsed);
            Thread.Sleep(8);
        }, null));

        Assert.True(WaitUntil(() => runs.Count >= 16));
        Assert.InRange(MedianGapMs(runs.ToArray()), 17, 23.5);
    }

    [Fact]
    public void Runs_never_overlap_when_the_callback_outlasts_the_interval()
    {
        using var wheel = new HashedWheelTimer(TimeSpan.FromMilliseconds(5));
        int active = 0;
        int maxActive = 0;
        int runs = 0;

        using ScheduledTimerScope _ = new(wheel.SchedulePeriodic(TimeSpan.Zero, TimeSpan.FromMilliseconds(5), _ =>
        {
            int now = Interlocked.Increment(ref active);
            InterlockedMax(ref maxActive, now);
            Thread.Sleep(25);
            Interlocked.Decrement(ref active);
            Interlocked.Increment(ref runs);
        }, null));

        Assert.True(WaitUntil(() => Volatile.Read(ref runs) >= 6));
        Assert.Equal(1, Volatile.Read(ref maxActive));
    }

    [Fact]
    public void A_throwing_periodic_callback_keeps_its_schedule()
    {
        using var wheel = new HashedWheelTimer(TimeSpan.FromMilliseconds(5));
        int failures = 0;
        wheel.CallbackFailed += _ => Interlocked.Increment(ref failures);
        int runs = 0;

        using ScheduledTimerScope _ = new(wheel.SchedulePeriodic(TimeSpan.Zero, TimeSpan.FromMilliseconds(10), _ =>
        {
            Interlocked.Increment(ref runs);
            throw new InvalidOperationException("periodic boom");
        }, null));

        Assert.True(WaitUntil(() => Volatile.Read(ref failures) >= 4));
        Assert.True(Volatile.Read(ref runs) >= 4);
    }

    [Fact]
    public void Generic_periodic_overload_passes_its_state()
    {
        using var wheel = new HashedWheelTimer(TimeSpan.FromMilliseconds(5));
        var seen = new ConcurrentQueue<int>();

        using ScheduledTimerScope _ = new(wheel.SchedulePeriodic(TimeSpan.Zero, TimeSpan.FromMilliseconds(5), static s => s.Seen.Enqueue(s.Id), (Seen: seen, Id: 7)));

        Assert.True(WaitUntil(() => seen.Count >= 3));
        Assert.All(seen, id => Assert.Equal(7, id));
    }

    [Theory]
    // previous, interval, now -> next (units are arbitrary ticks)
    [InlineData(100, 20, 105, 120)] // on time: the grid point after the previous one
    [InlineData(100, 20, 125, 120)] // a bit late: still the next grid point, it runs at once (no drift)
    [InlineData(100, 20, 139, 120)] // less than an interval behind: one catch-up run
    [InlineData(100, 20, 140, 140)] // an interval behind: skip to the latest grid point not after now
    [InlineData(100, 20, 1_000, 1_000)]
    [InlineData(100, 20, 1_013, 1_000)]
    [InlineData(long.MaxValue - 5, 20, 0, long.MaxValue)] // saturates instead of overflowing
    public void Next_deadline_stays_on_the_fixed_rate_grid(long previous, long interval, long now, long expected)
    {
        long next = ScheduledTimer.NextDeadline(previous, interval, now);

        Assert.Equal(expected, next);
        Assert.True(next == long.MaxValue || (next - previous) % interval == 0, "off the grid");
    }

    private static double MedianGapMs(TimeSpan[] times)
    {
        double[] gaps = times.Zip(times.Skip(1), static (a, b) => (b - a).TotalMilliseconds).Order().ToArray();
        return gaps[gaps.Length / 2];
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private readonly struct ScheduledTimerScope(ScheduledTimer timer) : IDisposable
    {
        public void Dispose() => timer.Cancel();
    }
}
