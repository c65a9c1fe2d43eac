using Switch.Runtime.Persistence;

namespace Switch.Runtime.Cluster;

/// <summary>A row of <c>shard_leases</c>, with the database's clock at the time it was read.</summary>
/// <param name="EntityType">The entity type.</param>
/// <param name="ShardId">The shard, 0 to the number of shards − 1.</param>
/// <param name="Owner">The owning node id; null when the lease was released.</param>
/// <param name="OwnerIncarnation">The owner's incarnation when it acquired the lease; null when released.</param>
/// <param name="Epoch">
/// The fencing token: +1 on every change of owner (a node id and incarnation), the same on renewals, kept on
/// release; never reused, never lower.
/// </param>
/// <param name="ExpiresAt">When the lease runs out unless renewed (database clock).</param>
/// <param name="LastOwner">The most recent node that owned the shard (equal to <paramref name="Owner"/> while owned); null when never owned.</param>
/// <param name="DatabaseNow">The database's clock when the row was read or written.</param>
public sealed record ShardLease(
    string EntityType,
    int ShardId,
    string? Owner,
    long? OwnerIncarnation,
    long Epoch,
    DateTimeOffset ExpiresAt,
    string? LastOwner,
    DateTimeOffset DatabaseNow)
{
    /// <summary>True when the lease had run out at <see cref="DatabaseNow"/>.</summary>
    public bool Expired => ExpiresAt <= DatabaseNow;

    /// <summary>
    /// How long the lease still ran at <see cref="DatabaseNow"/> (zero when expired). The database read its clock after
    /// the call was sent, so a caller that noted its own monotonic time <c>t</c> before the call may serve until
    /// <c>t + Remaining</c> and stop before the lease expires on the database's clock.
    /// </summary>
    public TimeSpan Remaining => Expired ? TimeSpan.Zero : ExpiresAt - DatabaseNow;

    /// <summary>The owner's fencing token; null when the lease is released.</summary>
    public WriteFence? Token => Owner is null ? null : new WriteFence(EntityType, ShardId, Epoch, Owner);
}
