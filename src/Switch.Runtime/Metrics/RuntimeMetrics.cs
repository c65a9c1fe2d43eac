using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Switch.Runtime.Actors;
using Switch.Runtime.Sharding;

namespace Switch.Runtime.Metrics;

/// <summary>
/// The runtime's meter, "Switch.Runtime", and its instruments: actors (dead letters, mailbox depth), sharding
/// (shards and entities per region) and the journal (group-commit batch size, commit latency, failed writes).
/// The observable ones read, at each scrape, what actor systems and shard regions publish: they register here
/// while they run. Initialized by the first actor system or journal write.
/// </summary>
internal static class RuntimeMetrics
{
    /// <summary>Values of the <c>reason</c> label of journal write failures.</summary>
    internal const string Unavailable = "unavailable", Conflict = "conflict", Fenced = "fenced", BreakerOpen = "breaker_open", TimedOut = "timeout";

    private static readonly ConcurrentDictionary<ActorSystem, byte> Systems = new();
    private static readonly ConcurrentDictionary<ShardRegionActor, byte> Regions = new();
    private static readonly Meter Meter = new("Switch.Runtime");

    /// <summary>Events per group-commit transaction, by journal backend.</summary>
    internal static readonly Histogram<int> JournalBatchEvents = Meter.CreateHistogram(
        "switch.journal.batch.events", "{event}", "Events per group-commit transaction of the journal.", tags: null,
        new InstrumentAdvice<int> { HistogramBucketBoundaries = HistogramBuckets.PowersOfTwo(4096) });

    /// <summary>Seconds to write and commit a group-commit transaction (committed ones), by journal backend.</summary>
    internal static readonly Histogram<double> JournalCommitDuration = Meter.CreateHistogram(
        "switch.journal.commit.duration", "s", "Time to write and commit one group-commit transaction of the journal (committed ones).", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.LatencySeconds });

    private static readonly Counter<long> JournalWriteFailures = Meter.CreateCounter<long>(
        "switch.journal.write.failures", "{write}",
        "Journal writes that failed, by reason: unavailable (their transaction failed), conflict (a sequence number already taken: another writer), " +
        "breaker_open (refused without touching the database), timeout (withdrawn before the writer took them).");

    static RuntimeMetrics()
    {
        Meter.CreateObservableCounter("switch.actor.dead_letters", DeadLetters, "{message}",
            "Messages that could not be delivered (stopped recipient, full mailbox or buffer, unhandled), by actor system.");
        Meter.CreateObservableGauge("switch.actor.mailbox.queued", MailboxStatistics.Queued, "{message}",
            "Messages waiting in actor mailboxes, all actors of the process.");
        Meter.CreateObservableGauge("switch.actor.mailbox.deepest", MailboxStatistics.Deepest, "{message}",
            "Messages waiting in the deepest mailbox among the actors with a backlog (more waiting than one turn processes).");
        Meter.CreateObservableGauge("switch.sharding.shards", () => RegionCounts(static region => region.ShardCount), "{shard}",
            "Shards running in a shard region of this node.");
        Meter.CreateObservableGauge("switch.sharding.entities", () => RegionCounts(static region => region.EntityCount), "{entity}",
            "Active entities in the local shards of a shard region (for region \"account\": account actors in memory).");
    }

    internal static void ObserveSystem(ActorSystem system) => Systems.TryAdd(system, 0);

    internal static void ForgetSystem(ActorSystem system) => Systems.TryRemove(system, out _);

    internal static void ObserveRegion(ShardRegionActor region) => Regions.TryAdd(region, 0);

    internal static void ForgetRegion(ShardRegionActor region) => Regions.TryRemove(region, out _);

    /// <summary>Counts <paramref name="writes"/> failed journal writes; <paramref name="journal"/> is the journal's cached backend tag.</summary>
    internal static void JournalWriteFailed(in KeyValuePair<string, object?> journal, string reason, int writes) =>
        JournalWriteFailures.Add(writes, journal, new KeyValuePair<string, object?>("reason", reason));

    private static IEnumerable<Measurement<long>> DeadLetters()
    {
        foreach (var (system, _) in Systems)
            yield return new Measurement<long>(system.DeadLetterCount, new KeyValuePair<string, object?>("system", system.Name));
    }

    private static IEnumerable<Measurement<int>> RegionCounts(Func<ShardRegionActor, int> count)
    {
        foreach (var (region, _) in Regions)
            yield return new Measurement<int>(count(region),
                new KeyValuePair<string, object?>("system", region.SystemName), new KeyValuePair<string, object?>("region", region.TypeName));
    }
}
