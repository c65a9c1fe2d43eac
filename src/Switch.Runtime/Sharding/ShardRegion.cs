using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Switch.Runtime.Actors;
using Switch.Runtime.Metrics;

namespace Switch.Runtime.Sharding;

/// <summary>
/// Starts shard regions. A region is the one entry point for an entity type: callers Tell it messages, it finds
/// the entity (by <see cref="IMessageExtractor"/>), its shard (<see cref="ShardHash.ShardOf"/>) and where that
/// shard lives (<see cref="IShardPlacement"/>), and delivers there. Callers hold only the region's
/// <see cref="ActorRef"/>, so placement can move shards between nodes without changing them.
/// </summary>
/// <remarks>
/// Delivery is at most once, like any Tell, but never silent: a message that cannot be delivered goes to dead
/// letters and, when it has a sender, the sender gets <see cref="Status.Failure"/>. Messages from one sender to one
/// entity arrive in the order sent, also across placement waits, passivation and restarts.
/// The region answers <see cref="GetRegionStats"/>, <see cref="GetShardStats"/> and <see cref="GetRegionEntities"/>
/// from its own view of its shards (never by asking the entities), so operators may ask while it routes traffic;
/// <see cref="TypeNames"/> and <see cref="Find"/> give the regions of a system.
/// </remarks>
public static class ShardRegion
{
    /// <summary>The running regions of each actor system, by entity type; a system's entry goes with the system.</summary>
    private static readonly ConditionalWeakTable<ActorSystem, ConcurrentDictionary<string, ActorRef>> Running = new();

    /// <summary>
    /// Starts the region of entity type <paramref name="typeName"/> as a top-level actor named
    /// <c>sharding-{typeName}</c> (escaped) and returns it. Starting the same type twice in one system throws.
    /// </summary>
    /// <param name="system">The actor system.</param>
    /// <param name="typeName">The entity type, e.g. <c>"card-account"</c>; the same on every node.</param>
    /// <param name="entityProps">Props of the entity with the given id; called on each start of an entity.</param>
    /// <param name="extractor">Finds the entity id in a message and what the entity receives.</param>
    /// <param name="settings">Shard count, passivation, buffers, placement; null takes <see cref="ShardingSettings.Default"/>.</param>
    public static ActorRef Start(ActorSystem system, string typeName, Func<string, Props> entityProps,
        IMessageExtractor extractor, ShardingSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        ArgumentNullException.ThrowIfNull(entityProps);
        ArgumentNullException.ThrowIfNull(extractor);
        settings ??= ShardingSettings.Default;
        settings.Validate();
        var region = system.ActorOf(
            Props.Create(() => new ShardRegionActor(typeName, entityProps, extractor, settings)),
            "sharding-" + Uri.EscapeDataString(typeName));
        Register(system, typeName, region);
        return region;
    }

    /// <summary>The entity types whose regions run in <paramref name="system"/>, in ordinal order.</summary>
    public static IReadOnlyList<string> TypeNames(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Running.TryGetValue(system, out var regions) ? regions.Keys.Order(StringComparer.Ordinal).ToList() : [];
    }

    /// <summary>
    /// The region of entity type <paramref name="typeName"/> in <paramref name="system"/>, or null when none runs:
    /// for asking it <see cref="GetRegionStats"/>, <see cref="GetShardStats"/> or <see cref="GetRegionEntities"/>.
    /// </summary>
    public static ActorRef? Find(ActorSystem system, string typeName)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(typeName);
        return Running.TryGetValue(system, out var regions) && regions.TryGetValue(typeName, out var region) ? region : null;
    }

    internal static void Register(ActorSystem system, string typeName, ActorRef region) =>
        Running.GetValue(system, static _ => new ConcurrentDictionary<string, ActorRef>(StringComparer.Ordinal))[typeName] = region;

    internal static void Forget(ActorSystem system, string typeName, ActorRef region)
    {
        if (Running.TryGetValue(system, out var regions))
            regions.TryRemove(new KeyValuePair<string, ActorRef>(typeName, region));
    }
}

/// <summary>
/// The region actor: routes to shards, buffers while a shard's placement is pending, runs the local shards as
/// children, and keeps the region-wide view of active entities (from the shards' start/stop reports) for stats
/// and the least-recently-used limit.
/// </summary>
internal sealed class ShardRegionActor : Actor
{
    private readonly string _typeName;
    private readonly Func<string, Props> _entityProps;
    private readonly IMessageExtractor _extractor;
    private readonly ShardingSettings _settings;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<int, ShardSlot> _shards = new();
    private readonly Dictionary<ActorRef, int> _localShards = new();
    private readonly Dictionary<string, Tracked> _entities = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _lru = new();
    private int _buffered;
    private int _publishedShards, _publishedEntities;

    public ShardRegionActor(string typeName, Func<string, Props> entityProps, IMessageExtractor extractor, ShardingSettings settings)
    {
        _typeName = typeName;
        _entityProps = entityProps;
        _extractor = extractor;
        _settings = settings;
        _log = Context.System.LoggerFactory.CreateLogger("Switch.Runtime.Sharding");
        SystemName = Context.System.Name;
    }

    internal string SystemName { get; }

    internal string TypeName => _typeName;

    /// <summary>Local shards, as last published for the metrics (read from any thread).</summary>
    internal int ShardCount => Volatile.Read(ref _publishedShards);

    /// <summary>Active entities of the local shards, as last published for the metrics (read from any thread).</summary>
    internal int EntityCount => Volatile.Read(ref _publishedEntities);

    private sealed class ShardSlot
    {
        public int Attempt { get; set; }
        public ActorRef? Target { get; set; }
        public bool IsLocal { get; set; }
        public Queue<(object Message, ActorRef? Sender)>? Pending { get; set; } = new();

        /// <summary>Who asked for the local shard to be handed off; non-null until the handoff is complete.</summary>
        public ActorRef? HandOffRequester { get; set; }
    }

    /// <summary>An active entity of a local shard; <see cref="Node"/> is null while the region passivates it.</summary>
    private sealed class Tracked(int shardId)
    {
        public int ShardId { get; } = shardId;
        public LinkedListNode<string>? Node { get; set; }
    }

    private sealed record ShardLocated(int ShardId, int Attempt, ShardHome Home);

    private sealed record ShardLocationFailed(int ShardId, int Attempt, Exception Cause);

    private sealed record RetryPlacement(int ShardId);

    private sealed record HandOffDeadline(int ShardId, ActorRef Shard);

    protected override void PreStart()
    {
        RuntimeMetrics.ObserveRegion(this);
        ShardRegion.Register(Context.System, _typeName, Self); // again after a restart, whose PostStop forgot it
    }

    protected override void PostStop()
    {
        RuntimeMetrics.ForgetRegion(this);
        ShardRegion.Forget(Context.System, _typeName, Self);
        _stopping.Cancel();
        foreach (var (shardId, slot) in _shards)
        {
            if (slot.Pending is null) continue;
            while (slot.Pending.TryDequeue(out var item))
                Context.System.DeadLetters.Tell(new DeadLetter(item.Message, item.Sender, Self, $"region stopped before shard {shardId} was placed"), item.Sender);
        }
        _buffered = 0;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case EntityStarted started:
                OnEntityStarted(started);
                PublishCounts();
                break;
            case EntityStopped stopped:
                if (_entities.Remove(stopped.EntityId, out var gone) && gone.Node is not null) _lru.Remove(gone.Node);
                PublishCounts();
                break;
            case ShardStarted shardStarted:
                ForgetEntitiesOf(shardStarted.ShardId);
                PublishCounts();
                break;
            case ShardLocated located:
                OnShardLocated(located);
                break;
            case ShardLocationFailed failed:
                if (_shards.TryGetValue(failed.ShardId, out var failedSlot) && failedSlot.Attempt == failed.Attempt && failedSlot.Pending is not null)
                {
                    _log.LogWarning(failed.Cause, "placement of {Type} shard {Shard} failed; asking again in {Delay} ms",
                        _typeName, failed.ShardId, _settings.PlacementRetryInterval.TotalMilliseconds);
                    Context.Timers.StartSingleTimer(("placement", failed.ShardId), new RetryPlacement(failed.ShardId), _settings.PlacementRetryInterval);
                }
                break;
            case RetryPlacement retry:
                if (_shards.TryGetValue(retry.ShardId, out var retrySlot) && retrySlot.Pending is not null) Locate(retry.ShardId, retrySlot);
                break;
            case Terminated terminated:
                OnShardTerminated(terminated.Actor);
                PublishCounts();
                break;
            case HandOffShard handOff:
                OnHandOff(handOff, Sender);
                break;
            case HandOffCompleted completed:
                OnHandOffCompleted(completed);
                break;
            case HandOffDeadline deadline:
                if (_shards.TryGetValue(deadline.ShardId, out var late) && late.HandOffRequester is not null && deadline.Shard.Equals(late.Target))
                {
                    _log.LogWarning("{Type} shard {Shard} did not hand off in time; stopping it with its entities", _typeName, deadline.ShardId);
                    Context.Stop(deadline.Shard);
                }
                break;
            case DropShard drop:
                OnDropShard(drop.ShardId);
                PublishCounts();
                break;
            case RelocateShards relocate:
                foreach (var shardId in relocate.ShardIds) Relocate(shardId);
                break;
            case GetRegionStats:
                Sender.Tell(new RegionStats(_typeName, EntityIdsByShard().ToDictionary(p => p.Key, p => p.Value.Count)), Self);
                break;
            case GetShardStats shardStats:
                Sender.Tell(new ShardStats(shardStats.ShardId,
                    EntityIdsByShard().TryGetValue(shardStats.ShardId, out var ids) ? ids : []), Self);
                break;
            case GetRegionEntities:
                Sender.Tell(new RegionEntities(_typeName, EntityIdsByShard()), Self);
                break;
            default:
                Route(message, ReplyTo());
                break;
        }
    }

    private ActorRef? ReplyTo()
    {
        var sender = Sender;
        return sender.Equals(Context.System.DeadLetters) ? null : sender;
    }

    private void Route(object message, ActorRef? sender)
    {
        string? entityId;
        try
        {
            entityId = _extractor.EntityId(message);
        }
        catch (Exception e)
        {
            Refuse(message, sender, new UnroutableMessageException(_typeName, "the message extractor failed", e));
            return;
        }
        if (string.IsNullOrEmpty(entityId))
        {
            Refuse(message, sender, new UnroutableMessageException(_typeName, $"no entity id in {message.GetType().Name}"));
            return;
        }
        var shardId = ShardHash.ShardOf(entityId, _settings.NumberOfShards);
        if (_entities.TryGetValue(entityId, out var tracked) && tracked.Node is { } node && node != _lru.Last)
        {
            _lru.Remove(node);
            _lru.AddLast(node);
        }
        if (!_shards.TryGetValue(shardId, out var slot))
        {
            slot = new ShardSlot();
            _shards[shardId] = slot;
            Buffer(shardId, slot, message, sender);
            Locate(shardId, slot);
            return;
        }
        if (slot.Pending is not null) Buffer(shardId, slot, message, sender);
        else slot.Target!.Tell(message, sender);
    }

    private void Buffer(int shardId, ShardSlot slot, object message, ActorRef? sender)
    {
        if (_buffered >= _settings.BufferSize)
        {
            Refuse(message, sender, new ShardBufferFullException(_typeName, shardId, _settings.BufferSize));
            return;
        }
        slot.Pending!.Enqueue((message, sender));
        _buffered++;
    }

    private void Locate(int shardId, ShardSlot slot)
    {
        var attempt = ++slot.Attempt;
        Task<ShardHome> answer;
        try
        {
            answer = _settings.Placement.LocateAsync(_typeName, shardId, _stopping.Token);
        }
        catch (Exception e)
        {
            answer = Task.FromException<ShardHome>(e);
        }
        if (answer.IsCompletedSuccessfully && answer.Result is not null)
        {
            // The single-node answer is immediate: no round trip through the mailbox.
            OnShardLocated(new ShardLocated(shardId, attempt, answer.Result));
            return;
        }
        var self = Self;
        var stopping = _stopping;
        answer.ContinueWith(t =>
        {
            if (stopping.IsCancellationRequested) return;
            object reply = t.IsCompletedSuccessfully && t.Result is not null
                ? new ShardLocated(shardId, attempt, t.Result)
                : new ShardLocationFailed(shardId, attempt, t.Exception?.GetBaseException()
                    ?? (Exception)(t.IsCanceled ? new OperationCanceledException("placement was cancelled") : new InvalidOperationException("placement answered null")));
            self.Tell(reply, self);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnShardLocated(ShardLocated located)
    {
        if (!_shards.TryGetValue(located.ShardId, out var slot) || slot.Attempt != located.Attempt || slot.Pending is not { } pending)
            return;
        if (located.Home.IsLocal || located.Home.Region!.Equals(Self))
        {
            var shardId = located.ShardId;
            var strategy = _settings.EntitySupervisorStrategy;
            var region = Self;
            var props = Props.Create(() => new Shard(_typeName, shardId, _entityProps, _extractor, _settings, region))
                with { SupervisorStrategy = strategy, Fence = located.Home.Fence };
            var shard = Context.ActorOf(props, shardId.ToString(CultureInfo.InvariantCulture));
            Context.Watch(shard);
            _localShards[shard] = shardId;
            slot.Target = shard;
            slot.IsLocal = true;
            PublishCounts();
        }
        else
        {
            slot.Target = located.Home.Region;
            slot.IsLocal = false;
        }
        slot.Pending = null;
        _buffered -= pending.Count;
        while (pending.TryDequeue(out var item)) slot.Target!.Tell(item.Message, item.Sender);
    }

    private void OnShardTerminated(ActorRef shard)
    {
        if (!_localShards.Remove(shard, out var shardId)) return;
        if (_shards.TryGetValue(shardId, out var handingOff) && handingOff.HandOffRequester is not null && shard.Equals(handingOff.Target))
        {
            FinishHandOff(shardId, handingOff); // stopped at the deadline, or crashed while stopping
            return;
        }
        // The shard was stopped (e.g. by supervision): forget it, so the next message places it afresh.
        if (_shards.TryGetValue(shardId, out var slot) && shard.Equals(slot.Target)) _shards.Remove(shardId);
        ForgetEntitiesOf(shardId);
    }

    private void OnHandOff(HandOffShard handOff, ActorRef requester)
    {
        if (!_shards.TryGetValue(handOff.ShardId, out var slot) || !slot.IsLocal || slot.Pending is not null)
        {
            // Not running here. A placement answer still on its way was given under the lease being handed off: it is
            // void (a later attempt is asked for once the coordinator says where the shard went).
            if (slot is { IsLocal: false, Pending: not null }) slot.Attempt++;
            requester.Tell(new ShardHandedOff(_typeName, handOff.ShardId), Self);
            return;
        }
        if (slot.HandOffRequester is not null)
        {
            slot.HandOffRequester = requester; // asked again: answer the latest asker
            return;
        }
        slot.HandOffRequester = requester;
        slot.Pending = new();
        slot.Target!.Tell(BeginHandOff.Instance, Self);
        Context.Timers.StartSingleTimer(("handoff", handOff.ShardId), new HandOffDeadline(handOff.ShardId, slot.Target), handOff.Deadline);
    }

    private void OnHandOffCompleted(HandOffCompleted completed)
    {
        if (!_shards.TryGetValue(completed.ShardId, out var slot) || slot.HandOffRequester is null || !Sender.Equals(slot.Target))
            return;
        if (completed.Leftovers.Count > 0)
        {
            // They reached the shard before the region began holding this shard's messages: they go first.
            var pending = new Queue<(object Message, ActorRef? Sender)>(completed.Leftovers);
            while (slot.Pending!.TryDequeue(out var item)) pending.Enqueue(item);
            slot.Pending = pending;
            _buffered += completed.Leftovers.Count;
        }
        _localShards.Remove(slot.Target!);
        FinishHandOff(completed.ShardId, slot);
        PublishCounts();
    }

    private void FinishHandOff(int shardId, ShardSlot slot)
    {
        Context.Timers.Cancel(("handoff", shardId));
        ForgetEntitiesOf(shardId);
        slot.Target = null;
        slot.IsLocal = false;
        var requester = slot.HandOffRequester!;
        slot.HandOffRequester = null;
        requester.Tell(new ShardHandedOff(_typeName, shardId), Self);
        _log.LogInformation("{Type} shard {Shard} handed off; {Held} messages held for its next home", _typeName, shardId, slot.Pending!.Count);
    }

    private void OnDropShard(int shardId)
    {
        if (!_shards.TryGetValue(shardId, out var slot) || !slot.IsLocal || slot.Target is null) return;
        _log.LogWarning("{Type} shard {Shard} lost its lease; stopped here", _typeName, shardId);
        _localShards.Remove(slot.Target);
        Context.Stop(slot.Target);
        Context.Timers.Cancel(("handoff", shardId));
        ForgetEntitiesOf(shardId);
        slot.HandOffRequester?.Tell(new ShardHandedOff(_typeName, shardId), Self);
        slot.HandOffRequester = null;
        slot.Target = null;
        slot.IsLocal = false;
        slot.Pending ??= new();
        Locate(shardId, slot);
    }

    private void Relocate(int shardId)
    {
        if (!_shards.TryGetValue(shardId, out var slot) || slot.IsLocal || slot.HandOffRequester is not null) return;
        if (slot.Pending is not null) Locate(shardId, slot);
        else _shards.Remove(shardId); // next message asks the placement again
    }

    private void OnEntityStarted(EntityStarted started)
    {
        if (!_entities.TryGetValue(started.EntityId, out var tracked) || tracked.ShardId != started.ShardId)
        {
            tracked = new Tracked(started.ShardId);
            _entities[started.EntityId] = tracked;
        }
        if (tracked.Node is not null) _lru.Remove(tracked.Node);
        tracked.Node = _lru.AddLast(started.EntityId);
        var limit = _settings.MaxActiveEntities;
        while (limit > 0 && _lru.Count > limit)
        {
            var victimId = _lru.First!.Value;
            _lru.RemoveFirst();
            var victim = _entities[victimId];
            victim.Node = null; // still counted as active (in stats) until its shard reports it stopped
            if (_shards.TryGetValue(victim.ShardId, out var slot) && slot.IsLocal)
                slot.Target!.Tell(new PassivateEntity(victimId), Self);
        }
    }

    private void PublishCounts()
    {
        Volatile.Write(ref _publishedShards, _localShards.Count);
        Volatile.Write(ref _publishedEntities, _entities.Count);
    }

    private void ForgetEntitiesOf(int shardId)
    {
        List<string>? forget = null;
        foreach (var (id, tracked) in _entities)
            if (tracked.ShardId == shardId) (forget ??= []).Add(id);
        if (forget is null) return;
        foreach (var id in forget)
        {
            if (_entities.Remove(id, out var tracked) && tracked.Node is not null) _lru.Remove(tracked.Node);
        }
    }

    private Dictionary<int, IReadOnlyList<string>> EntityIdsByShard()
    {
        var byShard = new Dictionary<int, List<string>>();
        foreach (var shardId in _localShards.Values) byShard[shardId] = [];
        foreach (var (id, tracked) in _entities)
            if (byShard.TryGetValue(tracked.ShardId, out var list)) list.Add(id);
        return byShard.ToDictionary(p => p.Key, p =>
        {
            p.Value.Sort(StringComparer.Ordinal);
            return (IReadOnlyList<string>)p.Value;
        });
    }

    private void Refuse(object message, ActorRef? sender, Exception reason)
    {
        Context.System.DeadLetters.Tell(new DeadLetter(message, sender, Self, reason.Message), sender);
        sender?.Tell(new Status.Failure(reason), Self);
    }
}
