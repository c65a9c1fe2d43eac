using System.Collections.Concurrent;
using System.Diagnostics;

namespace Switch.Runtime.Scheduling;

/// <summary>
/// The actor system's one timer facility: a hashed timing wheel driven by one dedicated background thread
/// (actor timers, Ask timeouts, receive timeouts, breaker resets, bank request timeouts).
/// </summary>
/// <remarks>
/// <para><b>Cost.</b> <c>Schedule</c> allocates one object (the returned handle, which is also the wheel
/// entry) and enqueues it on a lock-free queue that the wheel thread drains every tick. <see cref="ScheduledTimer.Cancel"/>
/// is one compare-and-swap plus an enqueue; the wheel thread unlinks the entry from its bucket at the next tick
/// (O(1), doubly linked), so cancelled timers do not pile up in the wheel. Use the generic overloads with a
/// static lambda to avoid a closure. The wheel thread takes at most 2^18 registrations and as many
/// cancellations per tick; under a larger burst the rest wait for the next tick (later, never earlier).</para>
/// <para><b>Precision.</b> A timer never fires before its delay has elapsed (to the 100 ns resolution of
/// <see cref="TimeSpan"/>): it fires at the first tick boundary at or after its deadline, so normally between
/// the delay and the delay plus one tick, plus thread pool latency. A zero or negative delay fires at the next
/// tick. Delays longer than one rotation (tick × wheel size) wait the remaining rounds in their bucket.</para>
/// <para><b>Callbacks</b> run on the thread pool, never on the wheel thread, so a slow callback cannot delay
/// other timers. The execution context (async locals) is not flowed. An exception thrown by a callback is
/// reported through <see cref="CallbackFailed"/> (or <see cref="Trace"/> when nobody listens) and changes
/// nothing else: the wheel keeps running and a periodic timer keeps its schedule.</para>
/// <para><b>Periodic timers</b> run at a fixed rate without drift: deadlines lie on the grid
/// <c>first + n × interval</c>, whatever the lateness of each run. Runs never overlap (the next run is armed
/// when the callback returns); after a stall longer than an interval the missed runs are skipped except one
/// that runs at once. An interval shorter than a tick runs at most once per tick.</para>
/// <para><b>Dispose</b> stops the wheel thread and cancels every timer that has not been handed to the thread
/// pool yet (their <see cref="ScheduledTimer.IsCancelled"/> becomes true; they are dropped, not returned).
/// Callbacks already handed over still run, and Dispose does not wait for them. Scheduling afterwards throws
/// <see cref="ObjectDisposedException"/>.</para>
/// </remarks>
public sealed class HashedWheelTimer : IDisposable
{
    private const int MaxDrainPerTick = 1 << 18;
    private static readonly long s_stopwatchTicksPerTimeSpanTick =
        Stopwatch.Frequency % TimeSpan.TicksPerSecond == 0 ? Stopwatch.Frequency / TimeSpan.TicksPerSecond : 0;
    private static readonly double s_timeSpanTicksPerStopwatchTick = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;

    private readonly long _tickDuration; // TimeSpan ticks
    private readonly int _mask;
    private readonly ScheduledTimer?[] _heads;
    private readonly ScheduledTimer?[] _tails;
    private readonly ConcurrentQueue<ScheduledTimer> _registrations = new();
    private readonly ConcurrentQueue<ScheduledTimer> _cancellations = new();
    private readonly ManualResetEventSlim _wake = new(false, 0);
    private readonly long _startTimestamp;
    private readonly Thread _thread;
    private long _tick; // the next tick to process; wheel thread only
    private int _linked; // entries in the buckets; written by the wheel thread only
    private int _disposed;

    /// <summary>Creates a wheel of 512 buckets of 10 ms and starts its thread.</summary>
    public HashedWheelTimer()
        : this(TimeSpan.FromMilliseconds(10))
    {
    }

    /// <summary>Creates a wheel and starts its thread.</summary>
    /// <param name="tickDuration">The precision of the timer: at least one millisecond.</param>
    /// <param name="wheelSize">The number of buckets: a power of two (at most 2^20).</param>
    public HashedWheelTimer(TimeSpan tickDuration, int wheelSize = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tickDuration, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tickDuration, TimeSpan.FromDays(1));
        if (wheelSize < 1 || wheelSize > 1 << 20 || (wheelSize & (wheelSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(wheelSize), wheelSize, "The wheel size must be a power of two between 1 and 2^20.");
        }

        _tickDuration = tickDuration.Ticks;
        _mask = wheelSize - 1;
        _heads = new ScheduledTimer?[wheelSize];
        _tails = new ScheduledTimer?[wheelSize];
        _startTimestamp = Stopwatch.GetTimestamp();
        _thread = new Thread(Run) { IsBackground = true, Name = "switch-timer-wheel" };
        _thread.Start();
    }

    /// <summary>
    /// Raised, on a thread pool thread, with the exception a timer callback threw. An exception thrown by a
    /// handler is written to <see cref="Trace"/>.
    /// </summary>
    public event Action<Exception>? CallbackFailed;

    /// <summary>The precision of the timer.</summary>
    public TimeSpan TickDuration => TimeSpan.FromTicks(_tickDuration);

    /// <summary>Runs <paramref name="callback"/> once, on the thread pool, after <paramref name="delay"/>.</summary>
    /// <param name="delay">Zero or negative: at the next tick.</param>
    /// <param name="callback">The action; prefer a static lambda.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <returns>The handle that cancels the timer.</returns>
    /// <exception cref="ObjectDisposedException">The timer is disposed.</exception>
    public ScheduledTimer Schedule(TimeSpan delay, Action<object?> callback, object? state) =>
        Add(delay, 0, callback, state);

    /// <summary>
    /// Runs <paramref name="callback"/> once, on the thread pool, after <paramref name="delay"/>; with a static
    /// lambda the only allocation is the returned handle (and a value-type state is not boxed).
    /// </summary>
    /// <typeparam name="TState">The type of the state.</typeparam>
    /// <param name="delay">Zero or negative: at the next tick.</param>
    /// <param name="callback">The action; prefer a static lambda.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <returns>The handle that cancels the timer.</returns>
    /// <exception cref="ObjectDisposedException">The timer is disposed.</exception>
    public ScheduledTimer Schedule<TState>(TimeSpan delay, Action<TState> callback, TState state) =>
        Add(delay, 0, callback, state);

    /// <summary>
    /// Runs <paramref name="callback"/> on the thread pool after <paramref name="initialDelay"/>, then every
    /// <paramref name="interval"/> at a fixed rate (see the class remarks), until cancelled.
    /// </summary>
    /// <param name="initialDelay">Zero or negative: at the next tick.</param>
    /// <param name="interval">Positive.</param>
    /// <param name="callback">The action; prefer a static lambda.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <returns>The handle that cancels the timer.</returns>
    /// <exception cref="ObjectDisposedException">The timer is disposed.</exception>
    public ScheduledTimer SchedulePeriodic(TimeSpan initialDelay, TimeSpan interval, Action<object?> callback, object? state) =>
        SchedulePeriodic<object?>(initialDelay, interval, callback, state);

    /// <summary>
    /// Runs <paramref name="callback"/> on the thread pool after <paramref name="initialDelay"/>, then every
    /// <paramref name="interval"/> at a fixed rate (see the class remarks), until cancelled.
    /// </summary>
    /// <typeparam name="TState">The type of the state.</typeparam>
    /// <param name="initialDelay">Zero or negative: at the next tick.</param>
    /// <param name="interval">Positive.</param>
    /// <param name="callback">The action; prefer a static lambda.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <returns>The handle that cancels the timer.</returns>
    /// <exception cref="ObjectDisposedException">The timer is disposed.</exception>
    public ScheduledTimer SchedulePeriodic<TState>(TimeSpan initialDelay, TimeSpan interval, Action<TState> callback, TState state)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return Add(initialDelay, interval.Ticks, callback, state);
    }

    /// <summary>
    /// Stops the wheel thread and cancels the timers that have not fired (see the class remarks). Idempotent.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _wake.Set();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    /// <summary>Entries linked in the wheel's buckets (cancelled ones leave at the next tick).</summary>
    internal int LinkedCount => Volatile.Read(ref _linked);

    internal bool IsThreadAlive => _thread.IsAlive;

    /// <summary>Elapsed time since the wheel started, in <see cref="TimeSpan"/> ticks.</summary>
    internal long Now()
    {
        long elapsed = Stopwatch.GetTimestamp() - _startTimestamp;
        return s_stopwatchTicksPerTimeSpanTick != 0
            ? elapsed / s_stopwatchTicksPerTimeSpanTick
            : (long)(elapsed * s_timeSpanTicksPerStopwatchTick);
    }

    internal static long SaturatingAdd(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;

    /// <summary>Any thread: a pending timer was cancelled; the wheel unlinks it at the next tick.</summary>
    internal void OnCancelled(ScheduledTimer timer)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _cancellations.Enqueue(timer);
        }
    }

    /// <summary>Thread pool: a periodic timer's callback returned; arm its next run.</summary>
    internal void Rearm(ScheduledTimer timer)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _registrations.Enqueue(timer);
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            // The wheel may have drained its queue for the last time already.
            timer.CancelForDispose();
        }
    }

    internal void ReportCallbackFailure(Exception exception)
    {
        Action<Exception>? handler = CallbackFailed;
        if (handler is null)
        {
            Trace.TraceError($"A timer callback failed: {exception}");
            return;
        }

        try
        {
            handler(exception);
        }
        catch (Exception handlerException)
        {
            Trace.TraceError($"A timer's CallbackFailed handler failed: {handlerException}");
        }
    }

    private ScheduledTimer<TState> Add<TState>(TimeSpan delay, long interval, Action<TState> callback, TState state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        long deadline = SaturatingAdd(Now(), Math.Max(0, delay.Ticks));
        var timer = new ScheduledTimer<TState>(this, deadline, interval, callback, state);
        _registrations.Enqueue(timer);
        // Enqueue is a full fence, as is Dispose's exchange: either the wheel's last drain sees this timer, or
        // this read sees the disposal.
        if (Volatile.Read(ref _disposed) != 0 && timer.CancelForDispose())
        {
            throw new ObjectDisposedException(nameof(HashedWheelTimer));
        }

        return timer;
    }

    private void Run()
    {
        while (WaitForNextTick())
        {
            DrainRegistrations();
            DrainCancellations();
            ExpireBucket((int)(_tick & _mask));
            _tick++;
        }

        Shutdown();
    }

    /// <summary>Sleeps until tick <c>_tick</c> has ended; false when disposed.</summary>
    private bool WaitForNextTick()
    {
        long end = (_tick + 1) * _tickDuration;
        while (true)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return false;
            }

            long remaining = end - Now();
            if (remaining <= 0)
            {
                return true;
            }

            long milliseconds = (remaining + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
            _wake.Wait((int)Math.Min(milliseconds, int.MaxValue));
        }
    }

    private void DrainRegistrations()
    {
        for (int i = 0; i < MaxDrainPerTick && _registrations.TryDequeue(out ScheduledTimer? timer); i++)
        {
            if (timer.IsCancelled)
            {
                continue;
            }

            timer.RemainingRounds = Place(timer.Deadline, _tickDuration, _tick, _mask, out int index);
            Link(timer, index);
        }
    }

    /// <summary>
    /// Where a timer goes: tick n is processed once n + 1 ticks have elapsed, so a timer expiring at tick
    /// <c>deadline / tickDuration</c> is never early. A deadline in the past goes into the current bucket and
    /// fires at this tick.
    /// </summary>
    /// <returns>The rotations to wait: the bucket is passed over that many times before the timer fires.</returns>
    internal static long Place(long deadline, long tickDuration, long currentTick, int mask, out int index)
    {
        long due = Math.Max(deadline / tickDuration, currentTick);
        index = (int)(due & mask);
        return (due - currentTick) / (mask + 1);
    }

    private void DrainCancellations()
    {
        for (int i = 0; i < MaxDrainPerTick && _cancellations.TryDequeue(out ScheduledTimer? timer); i++)
        {
            if (timer.BucketIndex >= 0)
            {
                Unlink(timer);
            }
        }
    }

    private void ExpireBucket(int index)
    {
        ScheduledTimer? timer = _heads[index];
        while (timer is not null)
        {
            ScheduledTimer? next = timer.Next;
            if (timer.RemainingRounds <= 0)
            {
                Debug.Assert(timer.Deadline <= Now(), "A timer expired before its deadline.");
                Unlink(timer);
                timer.Fire();
            }
            else if (timer.IsCancelled)
            {
                Unlink(timer);
            }
            else
            {
                timer.RemainingRounds--;
            }

            timer = next;
        }
    }

    private void Link(ScheduledTimer timer, int index)
    {
        ScheduledTimer? tail = _tails[index];
        timer.BucketIndex = index;
        timer.Previous = tail;
        timer.Next = null;
        if (tail is null)
        {
            _heads[index] = timer;
        }
        else
        {
            tail.Next = timer;
        }

        _tails[index] = timer;
        _linked++;
    }

    private void Unlink(ScheduledTimer timer)
    {
        int index = timer.BucketIndex;
        if (timer.Previous is null)
        {
            _heads[index] = timer.Next;
        }
        else
        {
            timer.Previous.Next = timer.Next;
        }

        if (timer.Next is null)
        {
            _tails[index] = timer.Previous;
        }
        else
        {
            timer.Next.Previous = timer.Previous;
        }

        timer.Previous = null;
        timer.Next = null;
        timer.BucketIndex = -1;
        _linked--;
    }

    private void Shutdown()
    {
        for (int index = 0; index < _heads.Length; index++)
        {
            ScheduledTimer? timer = _heads[index];
            while (timer is not null)
            {
                ScheduledTimer? next = timer.Next;
                Unlink(timer);
                timer.CancelForDispose();
                timer = next;
            }
        }

        while (_registrations.TryDequeue(out ScheduledTimer? timer))
        {
            timer.CancelForDispose();
        }

        _cancellations.Clear();
    }
}
