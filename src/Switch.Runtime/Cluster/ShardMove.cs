namespace Switch.Runtime.Cluster;

/// <summary>Why a shard should move to another node.</summary>
public enum MoveReason
{
    /// <summary>Its owner is in an isolated data centre (<c>dc isolate</c>).</summary>
    IsolatedDataCentre,

    /// <summary>Its owner is leaving or exiting the cluster.</summary>
    OwnerLeaving,

    /// <summary>Its owner has at least the rebalance threshold more shards than the least loaded node.</summary>
    Rebalance,
}

/// <summary>
/// An owned shard that should move: <paramref name="From"/> hands it off (stops intake, finishes in-flight work,
/// releases the lease) and <paramref name="To"/> acquires it.
/// </summary>
/// <param name="ShardId">The shard.</param>
/// <param name="From">Its current owner.</param>
/// <param name="To">The node that should own it.</param>
/// <param name="Reason">Why it moves.</param>
public sealed record ShardMove(int ShardId, string From, string To, MoveReason Reason);
