using Switch.Runtime.Persistence;

namespace Switch.Runtime.Cluster;

/// <summary>What <see cref="ClusterStore.RenewAllAsync"/> did.</summary>
/// <param name="Allowed">
/// False when the member is no longer up or leaving in this incarnation (downed, removed, or joined again): nothing was
/// renewed and the node must stop serving every shard.
/// </param>
/// <param name="Leases">The leases renewed (every one this node incarnation still held), as fencing tokens.</param>
/// <param name="ExpiresAt">Their new expiry (database clock); when nothing was renewed, what it would have been.</param>
/// <param name="DatabaseNow">The database's clock when they were renewed.</param>
public sealed record LeaseRenewal(bool Allowed, IReadOnlyList<WriteFence> Leases, DateTimeOffset ExpiresAt, DateTimeOffset DatabaseNow)
{
    /// <summary>
    /// How long the renewed leases run from <see cref="DatabaseNow"/>: a caller that noted its own monotonic time
    /// <c>t</c> before the call may serve them until <c>t + Remaining</c>.
    /// </summary>
    public TimeSpan Remaining => ExpiresAt - DatabaseNow;
}
