using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Switch.Runtime.Remote;

/// <summary>
/// A peer's bounded multi-producer queue with one consumer, the writer loop, which parks (without allocating) when
/// there is nothing to do; any producer, or <see cref="Signal"/> for other work, wakes it.
/// </summary>
internal sealed class SendQueue(int capacity) : IValueTaskSource
{
    private readonly ConcurrentQueue<OutboundMessage> _messages = new();
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };
    private int _count;
    private int _parked;
    private int _signalled;

    public bool IsEmpty => _messages.IsEmpty;

    /// <summary>Queues <paramref name="message"/>; false when the queue holds <c>capacity</c> messages already.</summary>
    public bool TryEnqueue(in OutboundMessage message)
    {
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }
        _messages.Enqueue(message);
        // The enqueue must be visible before we look whether the writer parked, or both could miss each other.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _parked) == 1) Wake();
        return true;
    }

    public bool TryDequeue(out OutboundMessage message)
    {
        if (!_messages.TryDequeue(out message)) return false;
        Interlocked.Decrement(ref _count);
        return true;
    }

    /// <summary>Wakes the writer for work other than messages (heartbeat due, connection lost, stopping).</summary>
    public void Signal()
    {
        Interlocked.Exchange(ref _signalled, 1);
        Wake();
    }

    /// <summary>Completes at once when there are messages or a signal; otherwise when the next one comes.</summary>
    public ValueTask WaitAsync()
    {
        _wake.Reset();
        Interlocked.Exchange(ref _parked, 1);
        if ((Interlocked.Exchange(ref _signalled, 0) == 1 || !_messages.IsEmpty) && Interlocked.Exchange(ref _parked, 0) == 1)
            return ValueTask.CompletedTask;
        // Either nothing to do yet, or a producer un-parked us already and completes the source.
        return new ValueTask(this, _wake.Version);
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _parked, 0) == 1) _wake.SetResult(true);
    }

    void IValueTaskSource.GetResult(short token) => _wake.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _wake.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wake.OnCompleted(continuation, state, token, flags);
}
