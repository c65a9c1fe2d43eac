namespace Switch.Runtime.Remote;

/// <summary>
/// An Ask to an actor on another node ends without an answer because that node left the cluster (it was declared
/// down, or left) before answering: the message may or may not have been processed there. Retry only what is
/// idempotent; the recipient's new home (after a shard moved) recovers whatever the lost node journaled.
/// </summary>
public sealed class RemoteNodeLostException(string node)
    : Exception($"node {node} left before answering; the message may or may not have been processed there")
{
    /// <summary>The node that left.</summary>
    public string Node { get; } = node;
}
