namespace Switch.Runtime.Persistence;

/// <summary>
/// The shard lease a write is made under, in a cluster: the journal stores the write only while
/// <paramref name="Owner"/> still holds shard <paramref name="ShardId"/> of <paramref name="EntityType"/> at
/// <paramref name="Epoch"/> and the lease has not expired, checked in the write's own transaction. A node that lost a
/// shard (it was downed, cut off, or too slow to renew) can therefore never add to the history of an entity that
/// another node now owns, even before it notices.
/// </summary>
/// <param name="EntityType">The shard region's entity type.</param>
/// <param name="ShardId">The shard.</param>
/// <param name="Epoch">The lease's fencing token: it grows on every change of owner.</param>
/// <param name="Owner">The node id that holds the lease.</param>
public sealed record WriteFence(string EntityType, int ShardId, long Epoch, string Owner);

/// <summary>
/// Sent by a persistent actor to its parent when the journal refused its write under <paramref name="Fence"/>: every
/// actor under that lease is stale (a shard stops itself on it, so that it is placed again under the current lease).
/// </summary>
public sealed record WriterFenced(WriteFence Fence);

/// <summary>Why the journal refused one write of a batch whose other writes it stored.</summary>
internal enum WriteRejection : byte
{
    /// <summary>Stored.</summary>
    None,

    /// <summary>The persistence id has one of the write's sequence numbers already.</summary>
    SequenceConflict,

    /// <summary>The write's <see cref="WriteFence"/> is no longer the shard's current lease.</summary>
    StaleFence,
}
