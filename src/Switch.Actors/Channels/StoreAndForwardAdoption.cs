using Switch.Runtime.Actors;
using Switch.Runtime.Cluster;
using Switch.Runtime.Persistence;

namespace Switch.Actors.Channels;

/// <summary>
/// A cluster node's store-and-forward queues (the reversal advices its banks still have to acknowledge) are node
/// state: while the node is down, every channel of the adopting node runs that node's queue of the same channel, so
/// no advice is stranded with a dead node; they go back when it returns.
/// </summary>
public sealed class StoreAndForwardAdoption(ActorSystem system, IReadOnlyDictionary<string, ChannelEntry> channels, TimeSpan timeout) : INodeStateAdopter
{
    /// <summary>The node state kind under which the membership leases the queues (<c>saf@node</c>).</summary>
    public const string Kind = "saf";

    /// <inheritdoc />
    public Task AdoptAsync(string nodeId, WriteFence fence, CancellationToken cancellationToken) =>
        Task.WhenAll(channels.Values.Select(c => c.Actor.Ask<SafAdoption>(new AdoptSaf(nodeId, fence), timeout, system)));

    /// <inheritdoc />
    public Task ReleaseAsync(string nodeId, CancellationToken cancellationToken) =>
        Task.WhenAll(channels.Values.Select(c => c.Actor.Ask<SafAdoption>(new ReleaseSaf(nodeId), timeout, system)));
}
