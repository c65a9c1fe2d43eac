namespace Switch.Runtime.Scheduling;

/// <summary>
/// The handle of one timer scheduled on a <see cref="HashedWheelTimer"/>: cancel it, or ask whether it was
/// cancelled.
/// </summary>
/// <remarks>
/// The handle is also the wheel's own entry for the timer (one object per schedule, nothing else), so keep it
/// only as long as you may want to cancel.
/// </remarks>
public abstract class ScheduledTimer
{
    // Life cycle. Pending: waiting in the registration queue or in a wheel bucket. Queued: handed to the
    // thread pool, callback not started. Running: callback executing. Done: a one-shot timer has run.
    // Cancelled: final, by Cancel() or by the timer's disposal. Every change is a compare-and-swap, so exactly
    // one of "the wheel fires it" and "Cancel prevents it" wins.
    private const int Pending = 0;
    private const int Queued = 1;
    private const int Running = 2;
    private const int Done = 3;
    private const int Cancelled = 4;

    private readonly HashedWheelTimer _timer;
    private int _status;

    // Wheel bookkeeping, touched only by the wheel thread (Deadline also by the worker that re-arms a
    // periodic timer, before it hands the timer back through the registration queue).
    internal long Deadline;
    internal readonly long Interval;
    internal long RemainingRounds;
    internal int BucketIndex = -1;
    internal ScheduledTimer? Next;
    internal ScheduledTimer? Previous;

    private protected ScheduledTimer(HashedWheelTimer timer, long deadline, long interval)
    {
        _timer = timer;
        Deadline = deadline;
        Interval = interval;
    }

    /// <summary>Whether the timer was cancelled, by <see cref="Cancel"/> or by disposing its timer.</summary>
    public bool IsCancelled => Volatile.Read(ref _status) == Cancelled;

    /// <summary>
    /// Cancels the timer: O(1), thread-safe, idempotent, callable from any thread including a timer callback.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> when this call prevented a run: no invocation of the callback starts after it
    /// returns. For a periodic timer whose callback is running at that moment, that run finishes and no further
    /// run starts (also <see langword="true"/>). <see langword="false"/> when the timer was already cancelled,
    /// or when a one-shot timer's callback has already started or finished.
    /// </returns>
    public bool Cancel()
    {
        while (true)
        {
            int status = Volatile.Read(ref _status);
            switch (status)
            {
                case Pending:
                case Queued:
                    if (Interlocked.CompareExchange(ref _status, Cancelled, status) == status)
                    {
                        // Nobody reads the callback of a cancelled Pending/Queued timer: release it now.
                        ReleaseCallback();
                        if (status == Pending)
                        {
                            _timer.OnCancelled(this);
                        }

                        return true;
                    }

                    break;
                case Running when Interval > 0:
                    // The worker sees the change when the callback returns and does not re-arm the timer.
                    if (Interlocked.CompareExchange(ref _status, Cancelled, Running) == Running)
                    {
                        return true;
                    }

                    break;
                default:
                    return false;
            }
        }
    }

    /// <summary>Wheel thread: the deadline is reached; hand the timer to the thread pool unless cancelled.</summary>
    internal void Fire()
    {
        if (Interlocked.CompareExchange(ref _status, Queued, Pending) == Pending)
        {
            QueueToThreadPool();
        }
    }

    /// <summary>Cancels a timer that has not fired because its wheel was disposed.</summary>
    /// <returns>Whether the timer was still pending (and is now cancelled).</returns>
    internal bool CancelForDispose()
    {
        if (Interlocked.CompareExchange(ref _status, Cancelled, Pending) == Pending)
        {
            ReleaseCallback();
            return true;
        }

        return false;
    }

    /// <summary>Thread pool: runs the callback, then re-arms a periodic timer.</summary>
    internal void Execute()
    {
        if (Interlocked.CompareExchange(ref _status, Running, Queued) != Queued)
        {
            return; // cancelled after the wheel handed it over
        }

        try
        {
            Invoke();
        }
        catch (Exception ex)
        {
            _timer.ReportCallbackFailure(ex);
        }

        if (Interval == 0)
        {
            // A one-shot Cancel() never changes Running, so this cannot lose a cancellation.
            Volatile.Write(ref _status, Done);
            ReleaseCallback();
            return;
        }

        Deadline = NextDeadline(Deadline, Interval, _timer.Now());
        if (Interlocked.CompareExchange(ref _status, Pending, Running) == Running)
        {
            _timer.Rearm(this);
        }
        else
        {
            ReleaseCallback(); // cancelled while running
        }
    }

    /// <summary>
    /// Fixed rate without drift: the next deadline is the previous deadline plus the interval, on a grid fixed
    /// by the first deadline. After a stall longer than an interval the missed runs are skipped except one,
    /// which runs at once; runs never overlap.
    /// </summary>
    internal static long NextDeadline(long previous, long interval, long now)
    {
        long next = HashedWheelTimer.SaturatingAdd(previous, interval);
        long behind = now - next;
        if (behind >= interval)
        {
            next += behind / interval * interval; // now - interval < next <= now
        }

        return next;
    }

    private protected abstract void Invoke();

    private protected abstract void ReleaseCallback();

    private protected abstract void QueueToThreadPool();
}

/// <summary>A timer whose callback takes a typed state: no closure and, for value types, no boxing.</summary>
internal sealed class ScheduledTimer<TState> : ScheduledTimer, IThreadPoolWorkItem
{
    private Action<TState>? _callback;
    private TState _state;

    internal ScheduledTimer(HashedWheelTimer timer, long deadline, long interval, Action<TState> callback, TState state)
        : base(timer, deadline, interval)
    {
        _callback = callback;
        _state = state;
    }

    void IThreadPoolWorkItem.Execute() => Execute();

    private protected override void Invoke() => _callback!(_state);

    private protected override void ReleaseCallback()
    {
        _callback = null;
        _state = default!;
    }

    private protected override void QueueToThreadPool() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
}
