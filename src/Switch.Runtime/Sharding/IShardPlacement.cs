using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Sharding;

/// <summary>
/// Answers where a shard lives. A region asks once per shard, on the first message for it, and buffers that shard's
/// messages (in order, bounded by <see cref="ShardingSettings.BufferSize"/>) until the answer comes. A failed or
/// cancelled answer is asked again after <see cref="ShardingSettings.PlacementRetryInterval"/>; an implementation
/// should bound its own waits (a lease query that never returns keeps the shard's messages buffered).
/// </summary>
public interface IShardPlacement
{
    /// <summary>Where shard <paramref name="shardId"/> of entity type <paramref name="typeName"/> lives.</summary>
    /// <param name="typeName">The region's entity type.</param>
    /// <param name="shardId">The shard, 0 to <see cref="ShardingSettings.NumberOfShards"/> − 1.</param>
    /// <param name="cancellationToken">Cancelled when the region stops.</param>
    Task<ShardHome> LocateAsync(string typeName, int shardId, CancellationToken cancellationToken);
}

/// <summary>Where a shard lives: in the asking region, or in the region behind another actor reference.</summary>
public sealed class ShardHome
{
    private ShardHome(ActorRef? region, WriteFence? fence)
    {
        Region = region;
        Fence = fence;
    }

    /// <summary>The shard runs in the region that asked (single node: no lease).</summary>
    public static ShardHome Local { get; } = new(null, null);

    /// <summary>
    /// The shard runs in the region that asked, under the lease <paramref name="fence"/>: every journal write of its
    /// entities carries it, and the journal refuses them once the lease is no longer current.
    /// </summary>
    public static ShardHome Owned(WriteFence fence) => new(null, fence ?? throw new ArgumentNullException(nameof(fence)));

    /// <summary>The shard runs in <paramref name="region"/>; the asking region forwards its messages there unchanged.</summary>
    public static ShardHome At(ActorRef region) => new(region ?? throw new ArgumentNullException(nameof(region)), null);

    /// <summary>The region that runs the shard, or null when it is the asking one.</summary>
    public ActorRef? Region { get; }

    /// <summary>The lease a local shard runs under; null on a single node and for remote homes.</summary>
    public WriteFence? Fence { get; }

    /// <summary>True when the shard runs in the asking region.</summary>
    public bool IsLocal => Region is null;
}

/// <summary>Single-node placement: every shard lives in the region that asks.</summary>
public sealed class LocalShardPlacement : IShardPlacement
{
    private static readonly Task<ShardHome> Here = Task.FromResult(ShardHome.Local);

    /// <summary>The single instance.</summary>
    public static LocalShardPlacement Instance { get; } = new();

    private LocalShardPlacement() { }

    /// <inheritdoc />
    public Task<ShardHome> LocateAsync(string typeName, int shardId, CancellationToken cancellationToken) => Here;
}
