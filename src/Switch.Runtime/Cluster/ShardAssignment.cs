namespace Switch.Runtime.Cluster;

/// <summary>An unowned shard and the node that should acquire it.</summary>
/// <param name="ShardId">The shard.</param>
/// <param name="NodeId">The node that should acquire its lease.</param>
public sealed record ShardAssignment(int ShardId, string NodeId);
