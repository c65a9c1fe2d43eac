namespace Switch.Runtime.Persistence;

/// <summary>
/// An atomic write failed because its persistence id already has an event at one of its sequence numbers: another
/// writer (a second owner of the entity) got there first. Nothing of the write was stored; the writer must stop
/// rather than continue with a state that diverges from the journal.
/// </summary>
public sealed class JournalConcurrencyException : Exception
{
    /// <summary>Creates the exception for a write of <paramref name="persistenceId"/>.</summary>
    /// <param name="persistenceId">The persistence id of the failed write.</param>
    /// <param name="fromSequenceNumber">The write's first sequence number.</param>
    /// <param name="toSequenceNumber">The write's last sequence number.</param>
    /// <param name="store">The name of the journal.</param>
    public JournalConcurrencyException(string persistenceId, long fromSequenceNumber, long toSequenceNumber, string store)
        : base(fromSequenceNumber == toSequenceNumber
            ? $"{store}: persistence id '{persistenceId}' already has an event with sequence number {fromSequenceNumber}; the write was rejected and nothing of it was stored."
            : $"{store}: persistence id '{persistenceId}' already has an event with a sequence number in {fromSequenceNumber}..{toSequenceNumber}; the write was rejected and nothing of it was stored.")
    {
        PersistenceId = persistenceId;
        FromSequenceNumber = fromSequenceNumber;
        ToSequenceNumber = toSequenceNumber;
    }

    /// <summary>The persistence id of the rejected write.</summary>
    public string PersistenceId { get; }

    /// <summary>The rejected write's first sequence number.</summary>
    public long FromSequenceNumber { get; }

    /// <summary>The rejected write's last sequence number.</summary>
    public long ToSequenceNumber { get; }
}

/// <summary>
/// An atomic write was refused because the shard lease it was made under (<see cref="AtomicWrite.Fence"/>) is no
/// longer current: the shard moved to another owner or the lease expired. Nothing of the write was stored; the writer
/// must stop, because another node may already be writing this entity's history.
/// </summary>
public sealed class JournalFencedException : Exception
{
    /// <summary>Creates the exception for a write of <paramref name="persistenceId"/> under <paramref name="fence"/>.</summary>
    /// <param name="persistenceId">The persistence id of the refused write.</param>
    /// <param name="fence">The lease the write was made under.</param>
    /// <param name="store">The name of the journal.</param>
    public JournalFencedException(string persistenceId, WriteFence fence, string store)
        : base($"{store}: the write of '{persistenceId}' was made under epoch {fence.Epoch} of {fence.EntityType} shard {fence.ShardId} held by " +
               $"'{fence.Owner}', which is no longer the shard's current lease; the write was rejected and nothing of it was stored.")
    {
        PersistenceId = persistenceId;
        Fence = fence;
    }

    /// <summary>The persistence id of the refused write.</summary>
    public string PersistenceId { get; }

    /// <summary>The lease the write was made under.</summary>
    public WriteFence Fence { get; }
}

/// <summary>
/// The journal or snapshot store could not do what was asked in time: the database is down, slow, refusing, or its
/// circuit breaker is open. The message names the store and the cause (<see cref="Exception.InnerException"/> holds
/// the database's own error where there is one). For a write, the message says whether it was certainly not stored
/// or whether its outcome is unknown (the database may still have committed it: recover from the journal to know).
/// </summary>
public sealed class JournalUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="store">The name of the store.</param>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public JournalUnavailableException(string store, string message, Exception? innerException = null)
        : base($"{store}: {message}", innerException)
    {
        Store = store;
    }

    /// <summary>The name of the store that failed (backend and location).</summary>
    public string Store { get; }

    /// <summary>True when the store's circuit breaker refused the call without touching the database.</summary>
    public bool BreakerOpen { get; init; }
}
