using Switch.Runtime.Serialization;

namespace Switch.Runtime.Persistence;

/// <summary>What <see cref="Actors.ActorSystem.UsePersistence"/> attached: the stores and the serializer persistent actors share.</summary>
internal sealed record PersistenceSettings(EventJournal Journal, SnapshotStore? Snapshots, EventSerializer Serializer, int MaxConcurrentRecoveries)
{
    /// <summary>
    /// Bounds the recoveries that read the database at once (Akka's max-concurrent-recoveries): hundreds of entities
    /// starting together would otherwise exhaust the connection pools (and PostgreSQL's max_connections).
    /// </summary>
    public SemaphoreSlim RecoveryPermits { get; } = new(MaxConcurrentRecoveries, MaxConcurrentRecoveries);
}
