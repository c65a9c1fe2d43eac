using System.Collections.Concurrent;
using System.Diagnostics;
using Switch.Runtime.Scheduling;
using static Switch.Runtime.Tests.Scheduling.TimerTestSupport;

namespace Switch.Runtime.Tests.Scheduling;

public sealed class HashedWheelTimerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(40)]
    [InlineData(120)]
    public async Task Fires_after_the_delay_never_early(int delayMs)
    {
        using var wheel = new HashedWheelTimer();
        var delay = TimeSpan.FromMilliseconds(delayMs);
        var fired = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Stopwatch.StartNew();

        wheel.Schedule(delay, _ => fired.TrySetResult(watch.Elapsed), null);

        TimeSpan elapsed = await fired.Task.WaitAsync(Patience);
        Assert.True(elapsed >= delay, $"fired after {elapsed.TotalMilliseconds} ms, before its {delayMs} ms delay");
        Assert.True(elapsed < delay + Lateness, $"fired after {elapsed.TotalMilliseconds} ms for a {delayMs} ms delay");
    }

    [Fact]
    public void Zero_and_negative_delays_fire_at_the_next_tick()
    {
        using var wheel = new HashedWheelTimer();
        using var fired = new CountdownEvent(2);
        var watch = Stopwatch.StartNew();

        wheel.Schedule(TimeSpan.Zero, static s => ((CountdownEvent)s!).Signal(), fired);
        wheel.Schedule(TimeSpan.FromSeconds(-5), static s => ((CountdownEvent)s!).Signal(), fired);

        Assert.True(fired.Wait(Patience));
        Assert.True(watch.Elapsed < Lateness, $"took {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public void Timers_fire_in_the_order_of_their_delays()
    {
        using var wheel = new HashedWheelTimer(TimeSpan.FromMilliseconds(5), 64);
        const int count = 30;
        var order = new ConcurrentQueue<int>();
        int[] indices = Enumerable.Range(0, count).ToArray();
        new Random(42).Shuffle(indices);

        // 20 ms apart from one common start (four ticks, so no two share a tick), scheduled in a shuffled order; the
        // delays count from that start so that a pause of the scheduling thread cannot reorder the deadlines.
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (int i in indices)
        {
            var due = TimeSpan.FromMilliseconds(200 + (i * 20)) - System.Diagnostics.Stopwatch.GetElapsedTime(start);
            wheel.Schedule(due > TimeSpan.Zero ? due : TimeSpan.Zero, static s => s.Queue.Enqueue(s.Index), (Queue: order, Index: i));
        }

        Assert.True(WaitUntil(() => order.Count == count));
        Assert.Equal(Enumerable.Range(0, count), order);
    }

    [Fact]
    public void A_hundred_thousand_timers_scheduled_from_several_threads_fire_exactly_once()
    {
        using var wheel = new HashedWheelTimer();
        const int threads = 4;
        const int perThread = 25_000;
        int[] hits = new int[threads * perThread];
        int total = 0;
        using var start = new Barrier(threads);

        Thread[] producers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            start.SignalAndWait();
            for (int i = 0; i < perThread; i++)
            {
                int slot = (t * perThread) + i;
                wheel.Schedule(TimeSpan.FromMilliseconds(random.Next(0, 200)), _ =>
                {
                    Interlocked.Increment(ref hits[slot]);
                    Interlocked.Increment(ref total);
                }, null);
            }
        })).ToArray();
        foreach (Thread producer in producers)
        {
            producer.Start();
        }

        foreach (Thread producer in producers)
        {
            producer.Join();
        }

        Assert.True(WaitUntil(() => Volatile.Read(ref total) >= hits.Length), $"{Volatile.Read(ref total)} of {hits.Length} fired");
        Thread.Sleep(50); // a duplicate would show up here
        Assert.Equal(hits.Length, Volatile.Read(ref total));
        Assert.All(hits, h => Assert.Equal(1, h));
        Assert.True(WaitUntil(() => wheel.LinkedCount == 0), "fired timers stay linked");
    }

    [Fact]
    public void Cancel_before_firing_prevents_the_run()
    {
        using var wheel = new HashedWheelTimer();
        int fired = 0;
        ScheduledTimer timer = wheel.Schedule(TimeSpan.FromMilliseconds(60), _ => Interlocked.Increment(ref fired), null);
        using var witness = new ManualResetEventSlim();
        wheel.Schedule(TimeSpan.FromMilliseconds(150), static s => ((ManualResetEventSlim)s!).Set(), witness);

        Assert.False(timer.IsCancelled);
        Assert.True(timer.Cancel());
        Assert.True(timer.IsCancelled);
        Assert.False(timer.Cancel()); // idempotent

        Assert.True(witness.Wait(Patience));
        Thread.Sleep(30);
        Assert.Equal(0, Volatile.Read(ref fired));
    }

    [Fact]
    public void Cancel_after_firing_returns_false()
    {
        using var wheel = new HashedWheelTimer();
        using var fired = new ManualResetEventSlim();
        ScheduledTimer timer = wheel.Schedule(TimeSpan.FromMilliseconds(5), static s => ((ManualResetEventSlim)s!).Set(), fired);

        Assert.True(fired.Wait(Patience));
        Assert.False(timer.Cancel());
        Assert.False(timer.IsCancelled);
    }

    [Fact]
    public async Task Cancel_from_inside_another_callback()
    {
        using var wheel = new HashedWheelTimer();
        int victimRuns = 0;
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        ScheduledTimer victim = wheel.Schedule(TimeSpan.FromMilliseconds(150), _ => Interlocked.Increment(ref victimRuns), null);
        using var done = new ManualResetEventSlim();

        wheel.Schedule(TimeSpan.FromMilliseconds(30), _ => cancelled.SetResult(victim.Cancel()), null);
        wheel.Schedule(TimeSpan.FromMilliseconds(250), static s => ((ManualResetEventSlim)s!).Set(), done);

        Assert.True(await cancelled.Task.WaitAsync(Patience), "Cancel in a callback did not report success");
        Assert.True(done.Wait(Patience));
        Assert.Equal(0, Volatile.Read(ref victimRuns));
        Assert.True(victim.IsCancelled);
    }

    [Fact]
    public void Cancelled_timers_leave_the_wheel_at_the_next_tick()
    {
        using var wheel = new HashedWheelTimer();
        ScheduledTimer[] timers = Enumerable.Range(0, 10_000)
            .Select(i => wheel.Schedule(TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(i), static _ => { }, null))
            .ToArray();
        Assert.True(WaitUntil(() => wheel.LinkedCount == timers.Length), $"{wheel.LinkedCount} linked");

        Assert.All(timers, t => Assert.True(t.Cancel()));

        Assert.True(WaitUntil(() => wheel.LinkedCount == 0, TimeSpan.FromSeconds(1)), $"{wheel.LinkedCount} still linked");
    }

    [Fact]
    public void Delays_longer_than_a_rotation_wait_their_rounds()
    {
        // 4 buckets of 5 ms: one rotation is 20 ms; all of these land in the same few buckets.
        using var wheel = new HashedWheelTimer(TimeSpan.FromMilliseconds(5), 4);
        int[] delays = [7, 27, 47, 95, 151, 250];
        var results = new ConcurrentDictionary<int, TimeSpan>();
        var watch = Stopwatch.StartNew();

        foreach (int delay in delays)
        {
            wheel.Schedule(TimeSpan.FromMilliseconds(delay), _ => results[delay] = watch.Elapsed, null);
        }

        Assert.True(WaitUntil(() => results.Count == delays.Length));
        foreach (int delay in delays)
        {
            TimeSpan elapsed = results[delay];
            Assert.True(elapsed >= TimeSpan.FromMilliseconds(delay), $"{delay} ms fired early, at {elapsed.TotalMilliseconds} ms");
            Assert.True(elapsed < TimeSpan.FromMilliseconds(delay + 300), $"{delay} ms fired late, at {elapsed.TotalMilliseconds} ms");
        }
    }

    [Theory]
    [InlineData(10, 4, 0)]
    [InlineData(10, 4, 7)]
    [InlineData(10, 512, 0)]
    [InlineData(10, 512, 1_000)]
    [InlineData(1, 1, 3)]
    public void Placement_fires_exactly_at_the_tick_of_the_deadline(long tickDuration, int wheelSize, long currentTick)
    {
        // Exact, without real time: replay the wheel's visits of the bucket and find the tick that fires it.
        int mask = wheelSize - 1;
        long now = currentTick * tickDuration;
        for (long deadline = now - (3 * tickDuration); deadline <= now + (tickDuration * wheelSize * 5) + 3; deadline += 3)
        {
            long rounds = HashedWheelTimer.Place(deadline, tickDuration, currentTick, mask, out int index);
            long firedAt = -1;
            for (long tick = currentTick; firedAt < 0; tick++)
            {
                if ((tick & mask) != index)
                {
                    continue;
                }

                if (rounds <= 0)
                {
                    firedAt = tick;
                }
                else
                {
                    rounds--;
                }
            }

            // Tick t is processed when t + 1 ticks have elapsed: not before the deadline, less than a tick after
            // it (or at the current tick for a deadline already past).
            long expected = Math.Max(deadline / tickDuration, currentTick);
            Assert.Equal(expected, firedAt);
            Assert.True((firedAt + 1) * tickDuration > deadline);
        }
    }

    [Fact]
    public void A_throwing_callback_is_reported_and_does_not_stop_the_wheel()
    {
        using var wheel = new HashedWheelTimer();
        var failures = new ConcurrentQueue<Exception>();
        wheel.CallbackFailed += failures.Enqueue;
        using var later = new ManualResetEventSlim();

        wheel.Schedule(TimeSpan.FromMilliseconds(5), static _ => throw new InvalidOperationException("boom"), null);
        wheel.Schedule(TimeSpan.FromMilliseconds(60), static s => ((ManualResetEventSlim)s!).Set(), later);

        Assert.True(later.Wait(Patience), "the wheel stopped after a throwing callback");
        Exception failure = Assert.Single(failures);
        Assert.Equal("boom", Assert.IsType<InvalidOperationException>(failure).Message);
    }

    [Fact]
    public void A_throwing_failure_handler_does_not_stop_the_wheel()
    {
        using var wheel = new HashedWheelTimer();
        wheel.CallbackFailed += static _ => throw new InvalidOperationException("handler");
        using var later = new ManualResetEventSlim();

        wheel.Schedule(TimeSpan.Zero, static _ => throw new InvalidOperationException("boom"), null);
        wheel.Schedule(TimeSpan.FromMilliseconds(40), static s => ((ManualResetEventSlim)s!).Set(), later);

        Assert.True(later.Wait(Patience));
    }

    [Fact]
    public async Task The_generic_overload_passes_its_state()
    {
        using var wheel = new HashedWheelTimer();
        var result = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);

        wheel.Schedule(TimeSpan.FromMilliseconds(1), static s => s.Result.SetResult(s.Value * 2), (Result: result, Value: 21L));

        Assert.Equal(42L, await result.Task.WaitAsync(Patience));
    }

    [Fact]
    public async Task Callbacks_run_on_the_thread_pool()
    {
        using var wheel = new HashedWheelTimer();
        var onPool = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        wheel.Schedule(TimeSpan.Zero, static s => ((TaskCompletionSource<bool>)s!).SetResult(Thread.CurrentThread.IsThreadPoolThread), onPool);

        Assert.True(await onPool.Task.WaitAsync(Patience));
    }

    [Fact]
    public void A_slow_callback_does_not_delay_other_timers()
    {
        using var wheel = new HashedWheelTimer();
        using var release = new ManualResetEventSlim();
        using var quick = new ManualResetEventSlim();
        var watch = Stopwatch.StartNew();

        wheel.Schedule(TimeSpan.Zero, static s => ((ManualResetEventSlim)s!).Wait(TimeSpan.FromSeconds(5)), release);
        wheel.Schedule(TimeSpan.FromMilliseconds(30), static s => ((ManualResetEventSlim)s!).Set(), quick);

        Assert.True(quick.Wait(TimeSpan.FromSeconds(2)), "a blocked callback held up the wheel");
        release.Set();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Dispose_cancels_pending_timers_and_stops_the_thread()
    {
        var wheel = new HashedWheelTimer();
        int fired = 0;
        ScheduledTimer[] pending = Enumerable.Range(0, 5)
            .Select(i => wheel.Schedule(TimeSpan.FromMilliseconds(100 + i), _ => Interlocked.Increment(ref fired), null))
            .Append(wheel.SchedulePeriodic(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10), _ => Interlocked.Increment(ref fired), null))
            .ToArray();

        wheel.Dispose();

        Assert.False(wheel.IsThreadAlive);
        Assert.All(pending, t => Assert.True(t.IsCancelled));
        Assert.All(pending, t => Assert.False(t.Cancel()));
        Thread.Sleep(200);
        Assert.Equal(0, Volatile.Read(ref fired));
        wheel.Dispose(); // idempotent
    }

    [Fact]
    public async Task Dispose_from_inside_a_callback()
    {
        var wheel = new HashedWheelTimer();
        var disposed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        wheel.Schedule(TimeSpan.FromMilliseconds(5), _ =>
        {
            wheel.Dispose();
            disposed.SetResult();
        }, null);

        await disposed.Task.WaitAsync(Patience);
        Assert.False(wheel.IsThreadAlive);
    }

    [Fact]
    public void Scheduling_after_dispose_throws()
    {
        var wheel = new HashedWheelTimer();
        wheel.Dispose();

        Assert.Throws<ObjectDisposedException>(() => wheel.Schedule(TimeSpan.Zero, static _ => { }, null));
        Assert.Throws<ObjectDisposedException>(() => wheel.Schedule(TimeSpan.Zero, static _ => { }, 1));
        Assert.Throws<ObjectDisposedException>(() => wheel.SchedulePeriodic(TimeSpan.Zero, TimeSpan.FromSeconds(1), static _ => { }, null));
        Assert.Throws<ObjectDisposedException>(() => wheel.SchedulePeriodic(TimeSpan.Zero, TimeSpan.FromSeconds(1), static _ => { }, 1));
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashedWheelTimer(TimeSpan.FromMilliseconds(10), 500));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashedWheelTimer(TimeSpan.FromMilliseconds(10), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashedWheelTimer(TimeSpan.FromTicks(100)));

        using var wheel = new HashedWheelTimer();
        Assert.Equal(TimeSpan.FromMilliseconds(10), wheel.TickDuration);
        Assert.Throws<ArgumentNullException>(() => wheel.Schedule(TimeSpan.Zero, null!, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => wheel.SchedulePeriodic(TimeSpan.Zero, TimeSpan.Zero, static _ => { }, null));
    }

    [Fact]
    public void A_huge_delay_does_not_overflow()
    {
        using var wheel = new HashedWheelTimer();
        int fired = 0;
        ScheduledTimer timer = wheel.Schedule(TimeSpan.MaxValue, _ => Interlocked.Increment(ref fired), null);

        Assert.True(WaitUntil(() => wheel.LinkedCount == 1));
        Thread.Sleep(30);
        Assert.Equal(0, Volatile.Read(ref fired));
        Assert.True(timer.Cancel());
    }
}
