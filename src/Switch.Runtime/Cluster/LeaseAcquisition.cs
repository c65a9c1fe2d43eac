namespace Switch.Runtime.Cluster;

/// <summary>What <see cref="ClusterStore.TryAcquireAsync"/> found.</summary>
/// <param name="Acquired">True when the caller holds the lease now (newly, or renewed when it already held it).</param>
/// <param name="Lease">
/// When acquired, the caller's lease (its epoch for the journal, its expiry and the database's clock). Otherwise the
/// lease as it stands, naming the current owner for routing; null when the shard has never been leased (the caller
/// was not an up member, so nothing was created).
/// </param>
public sealed record LeaseAcquisition(bool Acquired, ShardLease? Lease);
