using System.Runtime.InteropServices;

namespace Switch.Runtime.Persistence;

/// <summary>
/// One event to append to the journal: its sequence number within its persistence id, the manifest that names
/// its serialized type and version, the serialized bytes, and optional tags for <see cref="EventJournal.EventsByTagAsync"/>.
/// </summary>
public sealed class NewEvent
{
    private static readonly string[] NoTags = [];

    /// <summary>Creates an event to append.</summary>
    /// <param name="sequenceNumber">Its sequence number (1 or more) within its persistence id.</param>
    /// <param name="manifest">The serializer's manifest (type and version); may be empty, never null.</param>
    /// <param name="payload">The serialized event. The memory must stay unchanged until the write completes.</param>
    /// <param name="tags">Tags (non-empty, no ';'); duplicates are ignored. Null or empty for none.</param>
    /// <exception cref="ArgumentException">A sequence number below 1, or an empty tag or a tag containing ';'.</exception>
    public NewEvent(long sequenceNumber, string manifest, ReadOnlyMemory<byte> payload, IReadOnlyList<string>? tags = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceNumber, 1);
        ArgumentNullException.ThrowIfNull(manifest);
        SequenceNumber = sequenceNumber;
        Manifest = manifest;
        Payload = payload;
        Tags = Tagging.Normalize(tags) ?? NoTags;
    }

    /// <summary>The sequence number within the persistence id (1 or more).</summary>
    public long SequenceNumber { get; }

    /// <summary>The serializer's manifest: the event's type and version.</summary>
    public string Manifest { get; }

    /// <summary>The serialized event.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The event's distinct tags, in the order given; empty when it has none.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The payload as an array, without a copy when it already is a whole array.</summary>
    internal byte[] PayloadArray =>
        MemoryMarshal.TryGetArray(Payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : Payload.ToArray();
}

/// <summary>
/// Events of ONE persistence id that are written all or nothing (Akka's AtomicWrite: what PersistAll produces).
/// Their sequence numbers are consecutive and ascending.
/// </summary>
public sealed class AtomicWrite
{
    /// <summary>Creates a write of one event.</summary>
    /// <param name="persistenceId">The persistence id (non-empty).</param>
    /// <param name="event">The event.</param>
    /// <param name="writerId">Who writes (e.g. the actor incarnation); null for the journal's <see cref="PersistenceOptions.WriterId"/>.</param>
    public AtomicWrite(string persistenceId, NewEvent @event, string? writerId = null)
        : this(persistenceId, [@event ?? throw new ArgumentNullException(nameof(@event))], writerId)
    {
    }

    /// <summary>Creates a write of one or more events with consecutive ascending sequence numbers.</summary>
    /// <param name="persistenceId">The persistence id (non-empty).</param>
    /// <param name="events">One or more events, sequence numbers consecutive and ascending.</param>
    /// <param name="writerId">Who writes (e.g. the actor incarnation); null for the journal's <see cref="PersistenceOptions.WriterId"/>.</param>
    /// <exception cref="ArgumentException">No events, or sequence numbers that are not consecutive.</exception>
    public AtomicWrite(string persistenceId, IReadOnlyList<NewEvent> events, string? writerId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
            throw new ArgumentException("An atomic write needs at least one event.", nameof(events));
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is null)
                throw new ArgumentException($"Event {i} is null.", nameof(events));
            if (i > 0 && events[i].SequenceNumber != events[i - 1].SequenceNumber + 1)
                throw new ArgumentException(
                    $"Sequence numbers of an atomic write must be consecutive: {events[i - 1].SequenceNumber} is followed by {events[i].SequenceNumber}.",
                    nameof(events));
        }
        PersistenceId = persistenceId;
        Events = events;
        WriterId = writerId;
    }

    /// <summary>The persistence id all events belong to.</summary>
    public string PersistenceId { get; }

    /// <summary>The events, sequence numbers consecutive and ascending.</summary>
    public IReadOnlyList<NewEvent> Events { get; }

    /// <summary>The writer id stored with the events; null for the journal's default.</summary>
    public string? WriterId { get; }

    /// <summary>
    /// The shard lease the write is made under (cluster mode), checked by the journal in the write's transaction;
    /// null for no check. Only journals with <see cref="EventJournal.SupportsFencing"/> accept fenced writes.
    /// </summary>
    public WriteFence? Fence { get; init; }

    /// <summary>The first sequence number.</summary>
    public long LowestSequenceNumber => Events[0].SequenceNumber;

    /// <summary>The last sequence number.</summary>
    public long HighestSequenceNumber => Events[^1].SequenceNumber;
}

/// <summary>An event read back from the journal.</summary>
/// <param name="Ordering">Its global position: unique, increasing in commit order (see <see cref="EventJournal.AllEventsAsync"/>).</param>
/// <param name="PersistenceId">The persistence id.</param>
/// <param name="SequenceNumber">The sequence number within the persistence id.</param>
/// <param name="Manifest">The serializer's manifest.</param>
/// <param name="Payload">The serialized event.</param>
/// <param name="Tags">Its tags; empty when it has none.</param>
/// <param name="WriterId">The writer id stored with it.</param>
/// <param name="Created">When its transaction was written (the writer's clock, millisecond precision).</param>
public sealed record PersistedEvent(
    long Ordering,
    string PersistenceId,
    long SequenceNumber,
    string Manifest,
    ReadOnlyMemory<byte> Payload,
    IReadOnlyList<string> Tags,
    string WriterId,
    DateTimeOffset Created);

/// <summary>A snapshot of one persistence id's state as of a sequence number.</summary>
/// <param name="PersistenceId">The persistence id.</param>
/// <param name="SequenceNumber">The sequence number of the last event the state includes.</param>
/// <param name="Manifest">The serializer's manifest.</param>
/// <param name="Payload">The serialized state.</param>
/// <param name="Created">When it was saved (set by the store on save).</param>
public sealed record Snapshot(
    string PersistenceId,
    long SequenceNumber,
    string Manifest,
    ReadOnlyMemory<byte> Payload,
    DateTimeOffset Created);

/// <summary>Tags are stored twice: in the tag table (indexed, for queries) and joined by ';' in the journal row (for replay).</summary>
internal static class Tagging
{
    internal const char Separator = ';';

    internal static string[]? Normalize(IReadOnlyList<string>? tags)
    {
        if (tags is null || tags.Count == 0)
            return null;
        var result = new List<string>(tags.Count);
        foreach (var tag in tags)
        {
            if (string.IsNullOrEmpty(tag))
                throw new ArgumentException("A tag must not be empty.", nameof(tags));
            if (tag.Contains(Separator))
                throw new ArgumentException($"A tag must not contain '{Separator}': '{tag}'.", nameof(tags));
            if (!result.Contains(tag))
                result.Add(tag);
        }
        return result.ToArray();
    }

    internal static string? Join(IReadOnlyList<string> tags) => tags.Count == 0 ? null : string.Join(Separator, tags);

    private static readonly string[] Empty = [];

    internal static IReadOnlyList<string> Split(string? joined) =>
        string.IsNullOrEmpty(joined) ? Empty : joined.Split(Separator);
}
