using Switch.Runtime.Actors;

namespace Switch.Runtime.Sharding;

/// <summary>How a shard region runs its entities.</summary>
public sealed record ShardingSettings
{
    /// <summary>The defaults.</summary>
    public static ShardingSettings Default { get; } = new();

    /// <summary>
    /// Shards per entity type (default 256). Fixed for the life of the data: changing it re-homes almost every
    /// entity to another shard, so every node of a cluster must use the same value and it must never change while
    /// any entity of the type exists.
    /// </summary>
    public int NumberOfShards { get; init; } = 256;

    /// <summary>
    /// Passivate (stop) an entity that got no message through its shard for this long; null turns it off. Default
    /// two minutes. Only messages delivered by the shard count as activity (not timers or direct sends).
    /// </summary>
    public TimeSpan? PassivateIdleAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Most entities active at once in the region; when a new one starts beyond it, the least recently used is
    /// passivated. 0 (the default) means no limit. The limit is enforced as entities start, so it can be exceeded
    /// briefly while passivations finish.
    /// </summary>
    public int MaxActiveEntities { get; init; }

    /// <summary>
    /// Most messages held while waiting: in the region for shards whose placement is pending, and in each shard for
    /// entities that are passivating. Beyond it the sender gets <see cref="Status.Failure"/> with
    /// <see cref="ShardBufferFullException"/> and the message goes to dead letters. Default 10,000.
    /// </summary>
    public int BufferSize { get; init; } = 10_000;

    /// <summary>Mailbox capacity of each entity; 0 (the default) leaves the entity's own props unchanged.</summary>
    public int EntityMailboxCapacity { get; init; }

    /// <summary>
    /// What a shard sends an entity it passivates (idle or least recently used); the entity must stop after it.
    /// Default <see cref="PoisonPill"/>, which stops it after the messages already delivered.
    /// </summary>
    public object StopMessage { get; init; } = PoisonPill.Instance;

    /// <summary>
    /// What a shard sends each entity when the shard moves to another node (<see cref="HandOffShard"/>); the entity
    /// should finish its in-flight work and then stop. Null (the default) sends <see cref="StopMessage"/>.
    /// </summary>
    public object? HandOffStopMessage { get; init; }

    /// <summary>
    /// How long a passivating entity may take to stop before the shard stops it outright (what is still in its
    /// mailbox then goes to dead letters); null (the default) waits for ever.
    /// </summary>
    public TimeSpan? PassivationTimeout { get; init; }

    /// <summary>How shards supervise their entities; null takes <see cref="SupervisorStrategy.Default"/>.</summary>
    public SupervisorStrategy? EntitySupervisorStrategy { get; init; }

    /// <summary>Where shards live; default <see cref="LocalShardPlacement"/> (every shard on this node).</summary>
    public IShardPlacement Placement { get; init; } = LocalShardPlacement.Instance;

    /// <summary>Wait before asking the placement again after it failed. Default one second.</summary>
    public TimeSpan PlacementRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(NumberOfShards, nameof(NumberOfShards));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxActiveEntities, nameof(MaxActiveEntities));
        ArgumentOutOfRangeException.ThrowIfNegative(BufferSize, nameof(BufferSize));
        ArgumentOutOfRangeException.ThrowIfNegative(EntityMailboxCapacity, nameof(EntityMailboxCapacity));
        if (PassivateIdleAfter is { } idle && idle <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(PassivateIdleAfter), "must be positive or null");
        if (PassivationTimeout is { } t && t <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(PassivationTimeout), "must be positive or null");
        if (PlacementRetryInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(PlacementRetryInterval), "must be positive");
        ArgumentNullException.ThrowIfNull(StopMessage, nameof(StopMessage));
        ArgumentNullException.ThrowIfNull(Placement, nameof(Placement));
    }
}
