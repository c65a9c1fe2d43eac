using Microsoft.Extensions.Logging;
using Switch.Actors.Channels.Events;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;

namespace Switch.Actors.Channels;

/// <summary>
/// A channel's store-and-forward queue of reversal advices, journaled (persistence id "saf-" + channel; in a cluster
/// "saf-" + channel + "@" + node id, since each node has its own, and a node's queues are adopted by another node's
/// channels while it is down). It is a child of the channel actor so that the channel's traffic never waits on a
/// journal write: the queue persists, then asks its parent to send; the parent reports the bank's 0430. Entries
/// survive restarts and are sent again (as 0421) every retry interval until acknowledged.
/// </summary>
internal sealed class SafQueue : PersistentActor
{
    private readonly string _channel;
    private readonly TimeSpan _retryInterval;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _acknowledged = new(StringComparer.Ordinal);
    private ILogger _log = null!;

    internal SafQueue(string channel, TimeSpan retryInterval, string? clusterNodeId)
    {
        _channel = channel;
        _retryInterval = retryInterval;
        PersistenceId = clusterNodeId is null ? "saf-" + channel : $"saf-{channel}@{clusterNodeId}";
    }

    public override string PersistenceId { get; }

    protected override void OnRecover(object @event) => Apply(@event);

    protected override void OnRecoveryCompleted()
    {
        _log = Context.System.LoggerFactory.CreateLogger("Switch.Channels.Saf");
        Context.Timers.StartPeriodicTimer("retry", Retry.Instance, _retryInterval);
        Context.Parent.Tell(new Depth(_entries.Count), Self);
        foreach (var (id, entry) in _entries)
        {
            // It may have gone out as 0420 before the stop (attempts are not journaled): from now on it is a repeat (0421).
            entry.Attempts = Math.Max(entry.Attempts, 1);
            Context.Parent.Tell(new SendAdvice(id, entry.Sealed, entry.Attempts++), Self);
        }
    }

    protected override void OnCommand(object command)
    {
        switch (command)
        {
            case Enqueue enqueue:
                if (_entries.ContainsKey(enqueue.Id) || _acknowledged.Contains(enqueue.Id))
                    return;
                Persist(new ReversalQueued
                {
                    Id = enqueue.Id,
                    SealedAdvice = Google.Protobuf.ByteString.CopyFrom(enqueue.SealedAdvice),
                    AtUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                    Reason = enqueue.Reason,
                }, queued =>
                {
                    Apply(queued);
                    _log.LogDebug("channel {Channel}: reversal advice queued for {Transaction}: {Reason}", _channel, queued.Id, queued.Reason);
                    var entry = _entries[queued.Id];
                    Context.Parent.Tell(new SendAdvice(queued.Id, entry.Sealed, entry.Attempts++), Self);
                    Context.Parent.Tell(new Depth(_entries.Count), Self);
                });
                return;
            case Acknowledge ack when _entries.ContainsKey(ack.Id):
                Persist(new ReversalAcknowledged { Id = ack.Id, AtUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, done =>
                {
                    Apply(done);
                    _log.LogDebug("channel {Channel}: reversal advice for {Transaction} acknowledged by the bank", _channel, done.Id);
                    Context.Parent.Tell(new Depth(_entries.Count), Self);
                });
                return;
            case Acknowledge:
                return;
            case Retry:
                var due = DateTimeOffset.UtcNow - _retryInterval;
                foreach (var (id, entry) in _entries)
                    if (entry.LastSent <= due)
                    {
                        entry.LastSent = DateTimeOffset.UtcNow;
                        Context.Parent.Tell(new SendAdvice(id, entry.Sealed, entry.Attempts++), Self);
                    }
                return;
            case RetrySaf:
                SendAllNow();
                Sender.Tell(_entries.Count);
                return;
            case SendAll:
                SendAllNow();
                return;
            case ListSaf:
                Sender.Tell(_entries.Select(e => new SafEntryInfo(_channel, e.Key, e.Value.Queued, e.Value.Attempts, e.Value.Reason)).ToList());
                return;
            default:
                Unhandled(command);
                return;
        }
    }

    private void SendAllNow()
    {
        foreach (var (id, entry) in _entries)
        {
            entry.LastSent = DateTimeOffset.UtcNow;
            Context.Parent.Tell(new SendAdvice(id, entry.Sealed, entry.Attempts++), Self);
        }
    }

    private void Apply(object @event)
    {
        switch (@event)
        {
            case ReversalQueued queued:
                _entries[queued.Id] = new Entry(queued.SealedAdvice.ToByteArray(), DateTimeOffset.FromUnixTimeMilliseconds(queued.AtUnixMs), queued.Reason);
                break;
            case ReversalAcknowledged done:
                _entries.Remove(done.Id);
                _acknowledged.Add(done.Id);
                break;
        }
    }

    private sealed class Entry(byte[] sealedAdvice, DateTimeOffset queued, string reason)
    {
        public byte[] Sealed { get; } = sealedAdvice;
        public DateTimeOffset Queued { get; } = queued;
        public string Reason { get; } = reason;
        public int Attempts { get; set; }
        public DateTimeOffset LastSent { get; set; } = DateTimeOffset.UtcNow;
    }

    /// <summary>Queue an advice (sealed, encoded 0420 in the bank's dialect) under the reversed transaction's key.</summary>
    internal sealed record Enqueue(string Id, byte[] SealedAdvice, string Reason);

    /// <summary>The bank answered the advice.</summary>
    internal sealed record Acknowledge(string Id);

    /// <summary>To the channel: send this advice (attempt 0 as 0420, later ones as 0421).</summary>
    internal sealed record SendAdvice(string Id, byte[] SealedAdvice, int Attempt);

    /// <summary>To the channel: the queue's length.</summary>
    internal sealed record Depth(int Count);

    /// <summary>From the channel: a connection signed on, send every queued advice now.</summary>
    internal sealed class SendAll
    {
        public static SendAll Instance { get; } = new();
    }

    private sealed class Retry
    {
        public static Retry Instance { get; } = new();
    }
}
