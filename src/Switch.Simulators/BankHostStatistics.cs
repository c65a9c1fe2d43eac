using System.Collections.Concurrent;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>What a bank host received and how it answered, for tests' assertions and load reports. Thread-safe.</summary>
public sealed class BankHostStatistics
{
    private readonly long[] _received = new long[10_000];
    private readonly ConcurrentQueue<ReversalAdvice> _reversalAdvices = new();
    private long _answered;
    private long _rejectedNotSignedOn;
    private long _formatErrors;
    private long _unreadableFrames;
    private long _unanswered;
    private long _disconnects;
    private long _connectionsAccepted;

    /// <summary>Messages of this type received, well-formed or not.</summary>
    public long Received(Mti mti) => Volatile.Read(ref _received[mti.Value]);

    /// <summary>Answers given (an answer for a connection that has just closed is lost with it).</summary>
    public long Answered => Volatile.Read(ref _answered);

    /// <summary>Messages answered with RC 91 because their connection had not signed on.</summary>
    public long RejectedNotSignedOn => Volatile.Read(ref _rejectedNotSignedOn);

    /// <summary>Messages with a readable MTI that did not decode, answered with RC 30.</summary>
    public long FormatErrors => Volatile.Read(ref _formatErrors);

    /// <summary>Frames with no readable request MTI, or bytes that broke the framing; each closed its connection.</summary>
    public long UnreadableFrames => Volatile.Read(ref _unreadableFrames);

    /// <summary>Messages left unanswered on purpose: timeout ratio, a never-answer rule, or a black-hole outage.</summary>
    public long Unanswered => Volatile.Read(ref _unanswered);

    /// <summary>Connections closed instead of answering (disconnect ratio).</summary>
    public long Disconnects => Volatile.Read(ref _disconnects);

    /// <summary>Connections accepted since the host started.</summary>
    public long ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);

    /// <summary>Every reversal advice and repeat received, in arrival order.</summary>
    public IReadOnlyList<ReversalAdvice> ReversalAdvices => _reversalAdvices.ToArray();

    internal void CountReceived(Mti mti) => Interlocked.Increment(ref _received[mti.Value]);

    internal void CountAnswered() => Interlocked.Increment(ref _answered);

    internal void CountRejectedNotSignedOn() => Interlocked.Increment(ref _rejectedNotSignedOn);

    internal void CountFormatError() => Interlocked.Increment(ref _formatErrors);

    internal void CountUnreadableFrame() => Interlocked.Increment(ref _unreadableFrames);

    internal void CountUnanswered() => Interlocked.Increment(ref _unanswered);

    internal void CountDisconnect() => Interlocked.Increment(ref _disconnects);

    internal void CountConnectionAccepted() => Interlocked.Increment(ref _connectionsAccepted);

    internal void RecordReversalAdvice(IsoMessage advice) =>
        _reversalAdvices.Enqueue(new ReversalAdvice(advice.Mti, advice.MatchKey, advice.Stan, advice.Rrn, advice.OriginalDataElements));
}
