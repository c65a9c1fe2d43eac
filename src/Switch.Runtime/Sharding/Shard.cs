using Microsoft.Extensions.Logging;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Sharding;

/// <summary>
/// One shard of a region: starts its entities on their first message (as children named after the escaped entity
/// id), delivers to them in order, and passivates them (idle, least recently used, or on their own request) without
/// losing messages: while an entity is stopping, its messages wait here and go to a new incarnation afterwards.
/// It reports every entity start and stop to the region, which keeps the region-wide view (stats, LRU).
/// </summary>
internal sealed class Shard : Actor
{
    private static readonly object SweepKey = new();

    private readonly string _typeName;
    private readonly int _shardId;
    private readonly Func<string, Props> _entityProps;
    private readonly IMessageExtractor _extractor;
    private readonly ShardingSettings _settings;
    private readonly ActorRef _region;
    private readonly Dictionary<string, Entry> _entities = new(StringComparer.Ordinal);
    private readonly Dictionary<ActorRef, Entry> _byRef = new();
    private int _buffered;
    private List<(object Message, ActorRef? Sender)>? _handOffLeftovers; // non-null while handing off

    public Shard(string typeName, int shardId, Func<string, Props> entityProps, IMessageExtractor extractor,
        ShardingSettings settings, ActorRef region)
    {
        _typeName = typeName;
        _shardId = shardId;
        _entityProps = entityProps;
        _extractor = extractor;
        _settings = settings;
        _region = region;
    }

    private sealed class Entry(string id, ActorRef actor)
    {
        public string Id { get; } = id;
        public ActorRef Actor { get; } = actor;
        public long LastDelivery { get; set; } = Environment.TickCount64;
        public object? StopMessage { get; set; }
        public bool Passivating => StopMessage is not null;
        public Queue<(object Message, ActorRef? Sender)>? Buffer { get; set; }
    }

    private sealed record Sweep
    {
        public static readonly Sweep Instance = new();
    }

    private sealed record PassivationTimedOut(ActorRef Entity);

    private sealed record RetryStop(ActorRef Entity);

    protected override void PreStart()
    {
        // Also runs after a restart: the region then forgets the entities of this shard's previous incarnation.
        _region.Tell(new ShardStarted(_shardId), Self);
        if (_settings.PassivateIdleAfter is { } idle)
        {
            var interval = idle / 2;
            if (interval < TimeSpan.FromMilliseconds(10)) interval = TimeSpan.FromMilliseconds(10);
            Context.Timers.StartPeriodicTimer(SweepKey, Sweep.Instance, interval);
        }
    }

    protected override void PostStop()
    {
        // Entities are stopping with the shard: what waits here for them would vanish; make it visible instead.
        foreach (var entry in _entities.Values)
        {
            if (entry.Buffer is null) continue;
            while (entry.Buffer.TryDequeue(out var item))
                Context.System.DeadLetters.Tell(new DeadLetter(item.Message, item.Sender, Self, "shard stopped"), item.Sender);
        }
        _buffered = 0;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Passivate passivate:
                if (_byRef.TryGetValue(Sender, out var requester)) BeginPassivation(requester, passivate.StopMessage);
                else Unhandled(message);
                break;
            case PassivateEntity p:
                if (_entities.TryGetValue(p.EntityId, out var victim)) BeginPassivation(victim, _settings.StopMessage);
                break;
            case Sweep:
                if (_handOffLeftovers is null) PassivateIdle();
                break;
            case BeginHandOff:
                BeginHandingOff();
                break;
            case WriterFenced fenced:
                // The lease this shard was started under is gone: its entities must not serve another message.
                Context.System.Log.LogWarning("{Type} shard {Shard}: a write was refused under epoch {Epoch}; the shard stops and is placed again",
                    _typeName, _shardId, fenced.Fence.Epoch);
                Context.Stop(Self);
                break;
            case Terminated terminated:
                OnEntityTerminated(terminated.Actor);
                break;
            case PassivationTimedOut timedOut:
                if (_byRef.TryGetValue(timedOut.Entity, out var slow) && slow.Passivating) Context.Stop(slow.Actor);
                break;
            case RetryStop retry:
                if (_byRef.TryGetValue(retry.Entity, out var again) && again.StopMessage is { } stop) again.Actor.Tell(stop, Self);
                break;
            case Status.Failure when _byRef.TryGetValue(Sender, out var refused):
                // Only the stop message goes out with the shard as sender: the entity's bounded mailbox refused it.
                // Try again shortly, and keep holding its messages meanwhile.
                if (refused.Passivating)
                    Context.Timers.StartSingleTimer(("retry-stop", refused.Id), new RetryStop(refused.Actor), TimeSpan.FromMilliseconds(50));
                break;
            default:
                Deliver(message, ReplyTo());
                break;
        }
    }

    private ActorRef? ReplyTo()
    {
        var sender = Sender;
        return sender.Equals(Context.System.DeadLetters) ? null : sender;
    }

    private void Deliver(object message, ActorRef? sender)
    {
        string? id;
        object payload;
        try
        {
            id = _extractor.EntityId(message);
            payload = _extractor.EntityMessage(message);
        }
        catch (Exception e)
        {
            Refuse(message, sender, new UnroutableMessageException(_typeName, "the message extractor failed", e));
            return;
        }
        if (string.IsNullOrEmpty(id))
        {
            Refuse(message, sender, new UnroutableMessageException(_typeName, $"no entity id in {message.GetType().Name}"));
            return;
        }
        if (_handOffLeftovers is not null && (!_entities.TryGetValue(id, out var stopping) || !stopping.Passivating))
        {
            _handOffLeftovers.Add((payload, sender)); // the region stopped sending; this was on its way before that
            return;
        }
        if (!_entities.TryGetValue(id, out var entry))
        {
            entry = StartEntity(id, message, sender);
            if (entry is null) return;
        }
        if (entry.Passivating)
        {
            if (_buffered >= _settings.BufferSize)
            {
                Refuse(payload, sender, new ShardBufferFullException(_typeName, _shardId, _settings.BufferSize));
                return;
            }
            (entry.Buffer ??= new()).Enqueue((payload, sender));
            _buffered++;
            return;
        }
        entry.LastDelivery = Environment.TickCount64;
        entry.Actor.Tell(payload, sender);
    }

    private Entry? StartEntity(string id, object message, ActorRef? sender)
    {
        ActorRef actor;
        try
        {
            var props = _entityProps(id);
            if (_settings.EntityMailboxCapacity > 0) props = props with { MailboxCapacity = _settings.EntityMailboxCapacity };
            actor = Context.ActorOf(props, EntityName(id));
        }
        catch (Exception e)
        {
            Refuse(message, sender, new UnroutableMessageException(_typeName, $"entity '{id}' could not be started", e));
            return null;
        }
        Context.Watch(actor);
        var entry = new Entry(id, actor);
        _entities[id] = entry;
        _byRef[actor] = entry;
        _region.Tell(new EntityStarted(_shardId, id), Self);
        return entry;
    }

    /// <summary>Entity ids become actor names: percent-escaped, so '/', '$' and other reserved characters are safe.</summary>
    internal static string EntityName(string id) => Uri.EscapeDataString(id);

    private void BeginPassivation(Entry entry, object stopMessage)
    {
        if (entry.Passivating) return;
        entry.StopMessage = stopMessage;
        entry.Actor.Tell(stopMessage, Self);
        if (_settings.PassivationTimeout is { } timeout)
            Context.Timers.StartSingleTimer(("passivation", entry.Id), new PassivationTimedOut(entry.Actor), timeout);
    }

    private void PassivateIdle()
    {
        if (_settings.PassivateIdleAfter is not { } idle) return;
        var cutoff = Environment.TickCount64 - (long)idle.TotalMilliseconds;
        List<Entry>? idleOnes = null;
        foreach (var entry in _entities.Values)
            if (!entry.Passivating && entry.LastDelivery <= cutoff) (idleOnes ??= []).Add(entry);
        if (idleOnes is null) return;
        foreach (var entry in idleOnes) BeginPassivation(entry, _settings.StopMessage);
    }

    private void OnEntityTerminated(ActorRef actor)
    {
        if (!_byRef.Remove(actor, out var entry)) return;
        _entities.Remove(entry.Id);
        Context.Timers.Cancel(("passivation", entry.Id));
        Context.Timers.Cancel(("retry-stop", entry.Id));
        _region.Tell(new EntityStopped(_shardId, entry.Id), Self);
        if (_handOffLeftovers is not null)
        {
            if (entry.Buffer is { } held)
            {
                _buffered -= held.Count;
                _handOffLeftovers.AddRange(held);
            }
            CompleteHandOffWhenEmpty();
            return;
        }
        if (entry.Buffer is not { Count: > 0 } buffer) return;
        // Messages arrived while it stopped: a new incarnation gets them, in the order they came.
        _buffered -= buffer.Count;
        var (first, firstSender) = buffer.Peek();
        var next = StartEntity(entry.Id, first, firstSender);
        if (next is null)
        {
            buffer.Dequeue();
            while (buffer.TryDequeue(out var item))
                Refuse(item.Message, item.Sender, new UnroutableMessageException(_typeName, $"entity '{entry.Id}' could not be restarted"));
            return;
        }
        while (buffer.TryDequeue(out var item)) next.Actor.Tell(item.Message, item.Sender);
        next.LastDelivery = Environment.TickCount64;
    }

    private void BeginHandingOff()
    {
        if (_handOffLeftovers is not null) return;
        _handOffLeftovers = [];
        var stop = _settings.HandOffStopMessage ?? _settings.StopMessage;
        foreach (var entry in _entities.Values.ToList())
            BeginPassivation(entry, stop);
        CompleteHandOffWhenEmpty();
    }

    private void CompleteHandOffWhenEmpty()
    {
        if (_entities.Count > 0) return;
        _region.Tell(new HandOffCompleted(_shardId, _handOffLeftovers!), Self);
        _handOffLeftovers = [];
        Context.Stop(Self);
    }

    private void Refuse(object message, ActorRef? sender, Exception reason)
    {
        Context.System.DeadLetters.Tell(new DeadLetter(message, sender, Self, reason.Message), sender);
        sender?.Tell(new Status.Failure(reason), Self);
    }
}
