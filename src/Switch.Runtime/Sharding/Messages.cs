using Switch.Runtime.Actors;

namespace Switch.Runtime.Sharding;

/// <summary>
/// Sent by an entity to its shard (<c>Context.Parent</c>, with itself as sender) to be stopped without losing
/// messages: the shard stops delivering to it, sends it <paramref name="StopMessage"/> (after which it must stop),
/// holds what arrives meanwhile, and starts a new incarnation for those messages once it has stopped.
/// See <see cref="ShardingContextExtensions.Passivate"/>.
/// </summary>
/// <param name="StopMessage">What the shard sends the entity to make it stop, e.g. <see cref="PoisonPill"/>.</param>
public sealed record Passivate(object StopMessage);

/// <summary>Helpers for entities running under a shard region.</summary>
public static class ShardingContextExtensions
{
    /// <summary>
    /// Asks this entity's shard to passivate it (see <see cref="Sharding.Passivate"/>); the shard then sends it
    /// <paramref name="stopMessage"/> (default <see cref="PoisonPill"/>). Call only from an entity started by a shard.
    /// </summary>
    public static void Passivate(this IActorContext context, object? stopMessage = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Parent.Tell(new Passivate(stopMessage ?? PoisonPill.Instance), context.Self);
    }
}

/// <summary>Asks a region for its local shards and how many entities each runs; the reply is <see cref="RegionStats"/>.</summary>
public sealed class GetRegionStats
{
    /// <summary>The single instance.</summary>
    public static GetRegionStats Instance { get; } = new();

    private GetRegionStats() { }
}

/// <summary>A region's local shards with their active entity counts (shards placed elsewhere are not listed).</summary>
/// <param name="TypeName">The region's entity type.</param>
/// <param name="EntityCountByShard">Entity count per local shard id, shards with no entity included.</param>
public sealed record RegionStats(string TypeName, IReadOnlyDictionary<int, int> EntityCountByShard);

/// <summary>Asks a region for the ids of the entities in one local shard; the reply is <see cref="ShardStats"/>.</summary>
/// <param name="ShardId">The shard.</param>
public sealed record GetShardStats(int ShardId);

/// <summary>The entities of one shard (empty when the shard is not running in the region asked).</summary>
/// <param name="ShardId">The shard.</param>
/// <param name="EntityIds">The ids of its active entities, ordinal order.</param>
public sealed record ShardStats(int ShardId, IReadOnlyList<string> EntityIds);

/// <summary>Asks a region for every active entity id, grouped by shard; the reply is <see cref="RegionEntities"/>.</summary>
public sealed class GetRegionEntities
{
    /// <summary>The single instance.</summary>
    public static GetRegionEntities Instance { get; } = new();

    private GetRegionEntities() { }
}

/// <summary>Every active entity id of a region's local shards.</summary>
/// <param name="TypeName">The region's entity type.</param>
/// <param name="EntityIdsByShard">Entity ids (ordinal order) per local shard id.</param>
public sealed record RegionEntities(string TypeName, IReadOnlyDictionary<int, IReadOnlyList<string>> EntityIdsByShard);

/// <summary>Raised to a sender whose message a region or shard could not hold because its buffer was full.</summary>
public sealed class ShardBufferFullException(string typeName, int shardId, int capacity)
    : Exception($"sharding buffer of {typeName} shard {shardId} is full ({capacity} messages); the message was not delivered")
{
    /// <summary>The region's entity type.</summary>
    public string TypeName { get; } = typeName;

    /// <summary>The shard the message was for.</summary>
    public int ShardId { get; } = shardId;
}

/// <summary>Raised to a sender whose message a region could not route (no entity id, or the entity could not start).</summary>
public sealed class UnroutableMessageException(string typeName, string reason, Exception? inner = null)
    : Exception($"{typeName}: {reason}", inner);

// ---- between region and shards -------------------------------------------------------------------------------

internal sealed record EntityStarted(int ShardId, string EntityId);

internal sealed record EntityStopped(int ShardId, string EntityId);

internal sealed record ShardStarted(int ShardId);

internal sealed record PassivateEntity(string EntityId);

// ---- between a cluster's coordinator, its regions and their shards ---------------------------------------------

/// <summary>
/// Moves a local shard away: the region stops intake for it (its messages are buffered in order), the shard
/// passivates every entity and stops once they have all stopped (so their in-flight work ends), and the region
/// answers <see cref="ShardHandedOff"/>. Past <paramref name="Deadline"/> the shard is stopped outright. The region
/// keeps buffering until told <see cref="RelocateShards"/>, after the lease has been released.
/// </summary>
internal sealed record HandOffShard(int ShardId, TimeSpan Deadline);

/// <summary>The answer to <see cref="HandOffShard"/>: the shard no longer runs here (or never did).</summary>
internal sealed record ShardHandedOff(string TypeName, int ShardId);

/// <summary>
/// The lease of a local shard is lost (not renewed in time, or taken by another node): the region stops the shard at
/// once, without waiting for its entities, and places it again for the messages that come.
/// </summary>
internal sealed record DropShard(int ShardId);

/// <summary>
/// The owners of these shards changed: the region forgets where it last found them and asks the placement again
/// (for buffered messages at once, for others on their next message). Local running shards are not affected.
/// </summary>
internal sealed record RelocateShards(IReadOnlyCollection<int> ShardIds);

/// <summary>Region → shard: passivate every entity, then stop (see <see cref="HandOffShard"/>).</summary>
internal sealed class BeginHandOff
{
    public static BeginHandOff Instance { get; } = new();

    private BeginHandOff() { }
}

/// <summary>
/// Shard → region, as the shard's last message: every entity has stopped; <paramref name="Leftovers"/> are the
/// messages that were waiting for passivating entities, oldest first, to be delivered ahead of what the region holds.
/// </summary>
internal sealed record HandOffCompleted(int ShardId, IReadOnlyList<(object Message, ActorRef? Sender)> Leftovers);
