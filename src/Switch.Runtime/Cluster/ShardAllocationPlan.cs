namespace Switch.Runtime.Cluster;

/// <summary>What <see cref="ShardAllocator.Allocate"/> decided for one entity type.</summary>
/// <param name="HasCandidates">
/// False when no member can own shards (none is up outside an isolated data centre): the plan is then empty and
/// every shard stays where it is.
/// </param>
/// <param name="Assignments">The unowned shards and who should acquire each, by shard.</param>
/// <param name="Moves">The moves to start now, most urgent first; never more than the moves allowed in progress.</param>
public sealed record ShardAllocationPlan(bool HasCandidates, IReadOnlyList<ShardAssignment> Assignments, IReadOnlyList<ShardMove> Moves);
