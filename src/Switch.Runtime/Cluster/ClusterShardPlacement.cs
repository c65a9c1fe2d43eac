using Switch.Runtime.Sharding;

namespace Switch.Runtime.Cluster;

/// <summary>A cluster's shard placement: the answers come from the node's <see cref="ClusterMembership"/>.</summary>
internal sealed class ClusterShardPlacement(ClusterMembership membership) : IShardPlacement
{
    /// <inheritdoc />
    public Task<ShardHome> LocateAsync(string typeName, int shardId, CancellationToken cancellationToken) =>
        membership.LocateAsync(typeName, shardId, cancellationToken);
}
