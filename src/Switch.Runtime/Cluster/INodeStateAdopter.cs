using Switch.Runtime.Persistence;

namespace Switch.Runtime.Cluster;

/// <summary>
/// Takes over state that belongs to one node rather than to a shard (in a switch: each node's store-and-forward
/// queues of reversal advices) while that node is down or gone, so that nothing it owed is stranded with it. The
/// membership holds a lease on the node's state (entity type <c>kind@node</c>, shard 0) for as long as the adoption
/// lasts, and hands it back when the node returns (see <see cref="ClusterMembership.AdoptNodeState"/>).
/// </summary>
public interface INodeStateAdopter
{
    /// <summary>Starts serving <paramref name="nodeId"/>'s state here; its journal writes must carry <paramref name="fence"/>.</summary>
    Task AdoptAsync(string nodeId, WriteFence fence, CancellationToken cancellationToken);

    /// <summary>Stops serving <paramref name="nodeId"/>'s state (it is back, this node leaves, or the lease was lost).</summary>
    Task ReleaseAsync(string nodeId, CancellationToken cancellationToken);
}
