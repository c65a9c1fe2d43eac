using Microsoft.Extensions.Logging;

namespace Switch.Runtime.Persistence;

/// <summary>
/// The snapshot store: at most one snapshot per (persistence id, sequence number); recovery loads the latest one and
/// replays the events after it. Backends: <see cref="SqliteSnapshotStore"/> and <see cref="PostgresSnapshotStore"/>.
/// Calls are bounded by <see cref="PersistenceOptions.ReadTimeout"/> and guarded by a circuit breaker like the journal's.
/// </summary>
public abstract class SnapshotStore : IAsyncDisposable
{
    private int _disposed;

    private protected SnapshotStore(string name, PersistenceOptions options, ILogger logger)
    {
        Guard = new StoreGuard(name, options, logger, OnFailure);
    }

    /// <summary>The store's name for messages and logs: backend and location.</summary>
    public string Name => Guard.Name;

    private protected StoreGuard Guard { get; }

    internal BreakerState BreakerState => Guard.Breaker.State;

    /// <summary>Saves a snapshot (replacing one at the same sequence number).</summary>
    /// <param name="persistenceId">The persistence id.</param>
    /// <param name="sequenceNumber">The sequence number of the last event the state includes.</param>
    /// <param name="manifest">The serializer's manifest.</param>
    /// <param name="payload">The serialized state.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the snapshot is committed.</returns>
    public Task SaveAsync(string persistenceId, long sequenceNumber, string manifest, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceNumber);
        ArgumentNullException.ThrowIfNull(manifest);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var snapshot = new Snapshot(persistenceId, sequenceNumber, manifest, payload,
            DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        return Guard.RunAsync($"Saving the snapshot of '{persistenceId}' #{sequenceNumber}",
            async token =>
            {
                await SaveCoreAsync(snapshot, token).ConfigureAwait(false);
                return true;
            }, cancellationToken);
    }

    /// <summary>Loads the snapshot of a persistence id with the highest sequence number not above <paramref name="maxSequenceNumber"/>.</summary>
    /// <param name="persistenceId">The persistence id.</param>
    /// <param name="maxSequenceNumber">The highest sequence number acceptable.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The snapshot, or null when there is none.</returns>
    public Task<Snapshot?> LoadAsync(string persistenceId, long maxSequenceNumber = long.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Guard.RunAsync($"Loading the snapshot of '{persistenceId}'",
            token => LoadCoreAsync(persistenceId, maxSequenceNumber, token), cancellationToken);
    }

    /// <summary>Deletes the snapshots of a persistence id up to <paramref name="maxSequenceNumber"/> (inclusive).</summary>
    /// <param name="persistenceId">The persistence id.</param>
    /// <param name="maxSequenceNumber">The highest sequence number to delete.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the deletion is committed.</returns>
    public Task DeleteAsync(string persistenceId, long maxSequenceNumber, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Guard.RunAsync($"Deleting the snapshots of '{persistenceId}' to #{maxSequenceNumber}",
            async token =>
            {
                await DeleteCoreAsync(persistenceId, maxSequenceNumber, token).ConfigureAwait(false);
                return true;
            }, cancellationToken);
    }

    /// <summary>Closes the database connections.</summary>
    /// <returns>A task that completes when the store is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await CloseCoreAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    private protected abstract Task SaveCoreAsync(Snapshot snapshot, CancellationToken cancellationToken);

    private protected abstract Task<Snapshot?> LoadCoreAsync(string persistenceId, long maxSequenceNumber, CancellationToken cancellationToken);

    private protected abstract Task DeleteCoreAsync(string persistenceId, long maxSequenceNumber, CancellationToken cancellationToken);

    private protected abstract ValueTask CloseCoreAsync();

    private protected virtual void OnFailure(Exception error)
    {
    }
}
