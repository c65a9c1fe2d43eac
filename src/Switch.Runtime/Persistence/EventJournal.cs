using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Switch.Runtime.Metrics;

namespace Switch.Runtime.Persistence;

/// <summary>
/// The event journal: an append-only log of events per persistence id, with group commit, optimistic concurrency
/// on (persistence id, sequence number), replay, and global-order queries for reconciliation and audit.
/// Backends: <see cref="SqliteJournal"/> and <see cref="PostgresJournal"/>.
/// </summary>
/// <remarks>
/// <para>Group commit: one writer loop per journal takes the queued writes of all callers, up to
/// <see cref="PersistenceOptions.MaxBatchEvents"/> events, and stores them in ONE transaction. A write's task
/// completes only after that transaction is durably committed.</para>
/// <para>Ordering: every event gets a global <see cref="PersistedEvent.Ordering"/>. Transactions commit in ordering
/// order (one writer loop per journal; across processes, SQLite's write lock or, on PostgreSQL, a transaction-scoped
/// advisory lock held from the insert to the commit), so a reader that polls <see cref="AllEventsAsync"/> or
/// <see cref="EventsByTagAsync"/> with the last ordering it saw never skips an event. Orderings can have holes
/// (rolled-back transactions), which are never filled later.</para>
/// <para>Failures: calls fail within their timeout with <see cref="JournalUnavailableException"/>; after
/// <see cref="PersistenceOptions.BreakerMaxFailures"/> consecutive failures the circuit breaker fails calls at once
/// for <see cref="PersistenceOptions.BreakerResetTimeout"/>, then lets one probe through.</para>
/// </remarks>
public abstract class EventJournal : IAsyncDisposable
{
    private readonly Channel<PendingWrite> _queue =
        Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly PersistenceOptions _options;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _journalTag;
    private Task _writer = Task.CompletedTask;
    private long _committedTransactions;
    private long _committedEvents;
    private int _disposed;

    private protected EventJournal(string name, string backend, PersistenceOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _journalTag = new("journal", backend);
        Guard = new StoreGuard(name, options, logger, OnFailure);
        DefaultWriterId = options.WriterId ?? Guid.NewGuid().ToString("N");
    }

    /// <summary>The journal's name for messages and logs: backend and location.</summary>
    public string Name => Guard.Name;

    private protected StoreGuard Guard { get; }

    private protected string DefaultWriterId { get; }

    /// <summary>Transactions committed by the writer loop (one per batch), for tests and benchmarks.</summary>
    internal long CommittedTransactions => Interlocked.Read(ref _committedTransactions);

    /// <summary>Events committed by the writer loop.</summary>
    internal long CommittedEvents => Interlocked.Read(ref _committedEvents);

    internal BreakerState BreakerState => Guard.Breaker.State;

    /// <summary>
    /// Appends one atomic write. The task completes when the write is durably committed; it fails with
    /// <see cref="JournalConcurrencyException"/> when the persistence id already has one of its sequence numbers
    /// (nothing of the write is stored, other writes of the same batch are not affected), and with
    /// <see cref="JournalUnavailableException"/> when the database is unavailable, slow (past
    /// <see cref="PersistenceOptions.WriteTimeout"/>) or the breaker is open.
    /// </summary>
    /// <param name="write">The events of one persistence id, all or nothing.</param>
    /// <param name="cancellationToken">Stops waiting. A write not yet taken by the writer is then never stored;
    /// one already in a transaction may still commit.</param>
    /// <returns>A task that completes when the write is committed.</returns>
    public Task WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (write.Fence is not null && !SupportsFencing)
            throw new NotSupportedException($"{Name} cannot check shard leases: a cluster needs the PostgreSQL journal (switch.journal = postgres).");
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled(cancellationToken);
        if (!Guard.Breaker.MayPass())
        {
            RuntimeMetrics.JournalWriteFailed(_journalTag, RuntimeMetrics.BreakerOpen, 1);
            return Task.FromException(Guard.BreakerOpenError($"The write of '{write.PersistenceId}' {Range(write)}"));
        }
        var pending = new PendingWrite(write);
        if (!_queue.Writer.TryWrite(pending))
            throw new ObjectDisposedException(GetType().Name);
        return AwaitCommitAsync(pending, cancellationToken);
    }

    private async Task AwaitCommitAsync(PendingWrite pending, CancellationToken cancellationToken)
    {
        try
        {
            await pending.Task.WaitAsync(_options.WriteTimeout, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (TimeoutException error) when (!pending.Task.IsCompleted)
        {
            var write = pending.Write;
            if (pending.TryAbandon())
            {
                RuntimeMetrics.JournalWriteFailed(_journalTag, RuntimeMetrics.TimedOut, 1);
                throw new JournalUnavailableException(Name,
                    $"the write of '{write.PersistenceId}' {Range(write)} waited {_options.WriteTimeout.TotalMilliseconds:0} ms " +
                    "behind a slow or unavailable database and was withdrawn: it was not stored.", error);
            }
            throw new JournalUnavailableException(Name,
                $"the write of '{write.PersistenceId}' {Range(write)} was not committed within {_options.WriteTimeout.TotalMilliseconds:0} ms: " +
                "its outcome is unknown (the transaction may still commit; recover from the journal to know).", error);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !pending.Task.IsCompleted && pending.TryAbandon())
        {
            throw; // withdrawn before the writer took it: not stored
        }
        catch (Exception) when (pending.Task.IsCompleted)
        {
            // The outcome arrived just as the wait ended: report the outcome itself below.
        }
        await pending.Task.ConfigureAwait(false);
    }

    private static string Range(AtomicWrite write) =>
        write.Events.Count == 1 ? $"#{write.LowestSequenceNumber}" : $"#{write.LowestSequenceNumber}..{write.HighestSequenceNumber}";

    /// <summary>
    /// Reads the events of one persistence id in sequence-number order, from <paramref name="fromSequenceNumber"/> to
    /// <paramref name="toSequenceNumber"/> (both inclusive), at most <paramref name="maxCount"/>, skipping logically
    /// deleted ones. This is both recovery's replay and the "events by persistence id" query.
    /// </summary>
    /// <param name="persistenceId">The persistence id.</param>
    /// <param name="fromSequenceNumber">The first sequence number wanted.</param>
    /// <param name="toSequenceNumber">The last sequence number wanted.</param>
    /// <param name="maxCount">The most events to return.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The events, streamed from the database.</returns>
    public IAsyncEnumerable<PersistedEvent> ReplayAsync(
        string persistenceId,
        long fromSequenceNumber = 1,
        long toSequenceNumber = long.MaxValue,
        long maxCount = long.MaxValue,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Guard.StreamAsync($"The replay of '{persistenceId}'",
            token => ReadEventsCore(persistenceId, Math.Max(1, fromSequenceNumber), toSequenceNumber, maxCount, token),
            cancellationToken);
    }

    /// <summary>The highest sequence number ever written for a persistence id (deleted events included), 0 if none.</summary>
    /// <param name="persistenceId">The persistence id.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The highest sequence number, or 0.</returns>
    public Task<long> ReadHighestSequenceNumberAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Guard.RunAsync($"Reading the highest sequence number of '{persistenceId}'",
            token => ReadHighestSequenceNumberCoreAsync(persistenceId, token), cancellationToken);
    }

    /// <summary>
    /// Where a persistent actor's recovery starts: the highest sequence number of <paramref name="persistenceId"/> and,
    /// when <paramref name="snapshots"/> is given, its latest snapshot. The two reads run at once; a journal that shares
    /// its database with the snapshot store may make them one query.
    /// </summary>
    internal Task<(long Highest, Snapshot? Snapshot)> ReadRecoveryStartAsync(string persistenceId, SnapshotStore? snapshots)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return ReadRecoveryStartCoreAsync(persistenceId, snapshots);
    }

    private protected virtual async Task<(long Highest, Snapshot? Snapshot)> ReadRecoveryStartCoreAsync(string persistenceId, SnapshotStore? snapshots)
    {
        var highestRead = ReadHighestSequenceNumberAsync(persistenceId);
        var snapshotRead = snapshots is null ? Task.FromResult<Snapshot?>(null) : snapshots.LoadAsync(persistenceId);
        await Task.WhenAll(highestRead, snapshotRead).ConfigureAwait(false);
        return (await highestRead.ConfigureAwait(false), await snapshotRead.ConfigureAwait(false));
    }

    /// <summary>The highest ordering in the journal (0 when empty): where a query of the latest events starts from.</summary>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The highest ordering, or 0.</returns>
    public Task<long> ReadHighestOrderingAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Guard.RunAsync("Reading the highest ordering", ReadHighestOrderingCoreAsync, cancellationToken);
    }

    /// <summary>
    /// Marks the events of a persistence id up to <paramref name="toSequenceNumber"/> (inclusive) as deleted: they stay
    /// in the table (and keep the highest sequence number) but replay and queries skip them.
    /// </summary>
    /// <param name="persistenceId">The persistence id.</param>
    /// <param name="toSequenceNumber">The last sequence number to delete.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the deletion is committed.</returns>
    public Task DeleteEventsToAsync(string persistenceId, long toSequenceNumber, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Guard.RunAsync($"Deleting the events of '{persistenceId}' to #{toSequenceNumber}",
            async token =>
            {
                await DeleteEventsToCoreAsync(persistenceId, toSequenceNumber, token).ConfigureAwait(false);
                return true;
            }, cancellationToken);
    }

    /// <summary>
    /// Events carrying <paramref name="tag"/> with an ordering above <paramref name="afterOrdering"/>, in ordering order,
    /// at most <paramref name="maxCount"/>: poll again with the last event's <see cref="PersistedEvent.Ordering"/>.
    /// No committed event is ever skipped by such polling (see the remarks on <see cref="EventJournal"/>).
    /// </summary>
    /// <param name="tag">The tag.</param>
    /// <param name="afterOrdering">The last ordering already seen (0 for the start).</param>
    /// <param name="maxCount">The most events to return.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The events, streamed from the database.</returns>
    public IAsyncEnumerable<PersistedEvent> EventsByTagAsync(string tag, long afterOrdering, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Guard.StreamAsync($"The query of tag '{tag}'",
            token => ReadByTagCore(tag, afterOrdering, maxCount, token), cancellationToken);
    }

    /// <summary>
    /// All events with an ordering above <paramref name="afterOrdering"/>, in ordering order, at most
    /// <paramref name="maxCount"/>: poll again with the last event's <see cref="PersistedEvent.Ordering"/>.
    /// No committed event is ever skipped by such polling (see the remarks on <see cref="EventJournal"/>).
    /// </summary>
    /// <param name="afterOrdering">The last ordering already seen (0 for the start).</param>
    /// <param name="maxCount">The most events to return.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The events, streamed from the database.</returns>
    public IAsyncEnumerable<PersistedEvent> AllEventsAsync(long afterOrdering, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Guard.StreamAsync("The query of all events",
            token => ReadAllCore(afterOrdering, maxCount, token), cancellationToken);
    }

    /// <summary>
    /// Stops taking writes, commits (or fails) the ones already queued, and closes the database connections.
    /// </summary>
    /// <returns>A task that completes when the journal is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _queue.Writer.TryComplete();
        try
        {
            await _writer.ConfigureAwait(false);
        }
        finally
        {
            await CloseCoreAsync().ConfigureAwait(false);
        }
        GC.SuppressFinalize(this);
    }

    // ---- backend contract ------------------------------------------------------------------------------------

    /// <summary>True when the journal checks <see cref="AtomicWrite.Fence"/> in the write's transaction (a cluster's journal).</summary>
    public virtual bool SupportsFencing => false;

    /// <summary>
    /// Stores the batch in one transaction. Returns null when every write was stored, or per write why it was
    /// rejected (<see cref="WriteRejection.None"/> for the writes that were stored). Throws when nothing
    /// was committed — or <see cref="CommitUncertainException"/> when the failure came while committing.
    /// </summary>
    private protected abstract ValueTask<WriteRejection[]?> WriteBatchAsync(IReadOnlyList<AtomicWrite> batch, long createdUnixMs, CancellationToken cancellationToken);

    private protected abstract IAsyncEnumerable<PersistedEvent> ReadEventsCore(string persistenceId, long from, long to, long max, CancellationToken cancellationToken);

    private protected abstract IAsyncEnumerable<PersistedEvent> ReadByTagCore(string tag, long afterOrdering, long max, CancellationToken cancellationToken);

    private protected abstract IAsyncEnumerable<PersistedEvent> ReadAllCore(long afterOrdering, long max, CancellationToken cancellationToken);

    private protected abstract Task<long> ReadHighestSequenceNumberCoreAsync(string persistenceId, CancellationToken cancellationToken);

    private protected abstract Task<long> ReadHighestOrderingCoreAsync(CancellationToken cancellationToken);

    private protected abstract Task DeleteEventsToCoreAsync(string persistenceId, long toSequenceNumber, CancellationToken cancellationToken);

    private protected abstract ValueTask CloseCoreAsync();

    /// <summary>Called after a failed database call: drop connections that may be broken.</summary>
    private protected virtual void OnFailure(Exception error)
    {
    }

    /// <summary>
    /// True when the backend's <see cref="WriteBatchAsync"/> does its exclusive part (the transaction) before it first
    /// yields and only then waits for durability: the loop then starts the next transaction while earlier ones are
    /// still being made durable, up to <see cref="MaxCommitsInFlight"/> of them. A write still completes only when
    /// its transaction is durable.
    /// </summary>
    private protected virtual bool PipelinesCommits => false;

    private const int MaxCommitsInFlight = 4;

    /// <summary>Starts the writer loop; the backend calls it once its schema is ready.</summary>
    private protected void StartWriter() => _writer = Task.Run(RunWriterAsync);

    // ---- the writer loop -------------------------------------------------------------------------------------

    private async Task RunWriterAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingWrite>();
        var writes = new List<AtomicWrite>();
        PendingWrite? carry = null;
        var windowTicks = (long)(_options.BatchWindow.TotalSeconds * Stopwatch.Frequency);
        CancellationTokenSource? windowTimer = null;
        var inFlight = new Queue<Task>();
        while (true)
        {
            if (carry is null && !reader.TryPeek(out _))
            {
                if (!await reader.WaitToReadAsync().ConfigureAwait(false))
                    break;
                continue;
            }
            var events = 0;
            Fill(ref carry, ref events);
            if (windowTicks > 0 && events > 0 && events < _options.MaxBatchEvents && carry is null)
            {
                var deadline = Stopwatch.GetTimestamp() + windowTicks;
                while (events < _options.MaxBatchEvents && carry is null)
                {
                    var remaining = deadline - Stopwatch.GetTimestamp();
                    if (remaining <= 0)
                        break;
                    if (windowTimer is null || !windowTimer.TryReset())
                    {
                        windowTimer?.Dispose();
                        windowTimer = new CancellationTokenSource();
                    }
                    windowTimer.CancelAfter(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
                    try
                    {
                        if (!await reader.WaitToReadAsync(windowTimer.Token).ConfigureAwait(false))
                            break;
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    Fill(ref carry, ref events);
                }
            }
            if (batch.Count > 0)
            {
                var commit = CommitGuardedAsync(batch, writes, events);
                if (PipelinesCommits)
                {
                    inFlight.Enqueue(commit);
                    batch = [];
                    writes = [];
                    while (inFlight.Count > MaxCommitsInFlight || (inFlight.Count > 0 && inFlight.Peek().IsCompleted))
                        await inFlight.Dequeue().ConfigureAwait(false);
                }
                else
                {
                    await commit.ConfigureAwait(false);
                    batch.Clear();
                    writes.Clear();
                }
            }
        }
        while (inFlight.Count > 0)
            await inFlight.Dequeue().ConfigureAwait(false);
        windowTimer?.Dispose();

        void Fill(ref PendingWrite? carried, ref int events)
        {
            while (events < _options.MaxBatchEvents)
            {
                PendingWrite next;
                if (carried is not null)
                {
                    next = carried;
                    carried = null;
                }
                else if (!reader.TryRead(out next!))
                {
                    return;
                }
                var size = next.Write.Events.Count;
                if (events > 0 && events + size > _options.MaxBatchEvents)
                {
                    carried = next; // an atomic write is never split: it starts the next batch
                    return;
                }
                if (!next.TryTake())
                    continue; // its caller gave up before the writer took it: never stored
                batch.Add(next);
                writes.Add(next.Write);
                events += size;
            }
        }
    }

    private async Task CommitGuardedAsync(List<PendingWrite> batch, List<AtomicWrite> writes, int events)
    {
        try
        {
            await CommitAsync(batch, writes, events).ConfigureAwait(false);
        }
        catch (Exception bug)
        {
            // Never let the loop die: every later write would wait for its timeout.
            _logger.LogError(bug, "{Store}: the writer loop failed unexpectedly", Name);
            foreach (var pending in batch)
                pending.TrySetException(new JournalUnavailableException(Name, $"the writer failed unexpectedly: {bug.Message}", bug));
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch, List<AtomicWrite> writes, int events)
    {
        if (!Guard.Breaker.TryAcquire())
        {
            RuntimeMetrics.JournalWriteFailed(_journalTag, RuntimeMetrics.BreakerOpen, batch.Count);
            foreach (var pending in batch)
                pending.TrySetException(Guard.BreakerOpenError($"The write of '{pending.Write.PersistenceId}' {Range(pending.Write)}"));
            return;
        }
        RuntimeMetrics.JournalBatchEvents.Record(events, _journalTag);
        WriteRejection[]? rejected;
        var started = Stopwatch.GetTimestamp();
        using (var deadline = new CancellationTokenSource(_options.WriteTimeout))
        {
            try
            {
                rejected = await WriteBatchAsync(writes, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), deadline.Token).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                RuntimeMetrics.JournalWriteFailed(_journalTag, RuntimeMetrics.Unavailable, batch.Count);
                Guard.RecordFailure($"a transaction of {batch.Count} writes ({events} events)", error);
                var uncertain = error is CommitUncertainException;
                var cause = StoreGuard.Describe(uncertain ? error.InnerException ?? error : error);
                foreach (var pending in batch)
                {
                    var write = pending.Write;
                    pending.TrySetException(new JournalUnavailableException(Name, uncertain
                        ? $"the write of '{write.PersistenceId}' {Range(write)} failed while its transaction committed ({cause}): its outcome is unknown (recover from the journal to know)."
                        : $"the write of '{write.PersistenceId}' {Range(write)} failed ({cause}): it was not stored.", error));
                }
                return;
            }
        }
        RuntimeMetrics.JournalCommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _journalTag);
        Guard.Breaker.OnSuccess();
        Interlocked.Increment(ref _committedTransactions);
        var stored = events;
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            if (rejected is not null && rejected[i] is not WriteRejection.None)
            {
                var write = pending.Write;
                stored -= write.Events.Count;
                if (rejected[i] is WriteRejection.StaleFence)
                {
                    RuntimeMetrics.JournalWriteFailed(_journalTag, RuntimeMetrics.Fenced, 1);
                    pending.TrySetException(new JournalFencedException(write.PersistenceId, write.Fence!, Name));
                }
                else
                {
                    RuntimeMetrics.JournalWriteFailed(_journalTag, RuntimeMetrics.Conflict, 1);
                    pending.TrySetException(new JournalConcurrencyException(write.PersistenceId, write.LowestSequenceNumber, write.HighestSequenceNumber, Name));
                }
            }
            else
            {
                pending.TrySetResult();
            }
        }
        Interlocked.Add(ref _committedEvents, stored);
        if (rejected is not null)
        {
            if (rejected.Count(r => r is WriteRejection.SequenceConflict) is > 0 and var conflicts)
                _logger.LogWarning("{Store}: {Count} writes rejected for a sequence-number conflict (another writer of the same persistence id)", Name, conflicts);
            if (rejected.Count(r => r is WriteRejection.StaleFence) is > 0 and var fenced)
                _logger.LogWarning("{Store}: {Count} writes rejected under a stale shard lease (the shard has another owner now)", Name, fenced);
        }
    }

    private sealed class PendingWrite(AtomicWrite write) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private const int Queued = 0, Taken = 1, Abandoned = 2;
        private int _state;

        internal AtomicWrite Write { get; } = write;

        internal bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        internal bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;
    }
}

/// <summary>A failure while committing: the database may or may not have stored the transaction.</summary>
internal sealed class CommitUncertainException(Exception inner) : Exception("The commit failed; the transaction may or may not be stored.", inner);
