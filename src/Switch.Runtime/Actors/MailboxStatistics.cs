using System.Collections.Concurrent;

namespace Switch.Runtime.Actors;

/// <summary>
/// Mailbox depths for the metrics, kept without slowing message passing and without scanning every actor at a
/// scrape: the messages queued in all mailboxes of the process, and the deepest mailbox among the actors that
/// have a backlog.
/// </summary>
/// <remarks>
/// <para>Queued: each thread counts the messages it enqueues and dequeues in a counter of its own (a plain
/// increment, no interlocked operation, no shared cache line); a scrape adds the counters up. The count of a thread
/// that has exited moves to <c>_exited</c>. The sum is a snapshot of counters read one after another, so it can be
/// off by the messages in motion while it is read.</para>
/// <para>Deepest: an actor that ends a turn with its whole throughput used and messages still waiting registers
/// itself as backlogged (once); a scrape reads the current depth of the registered actors only, and forgets those
/// that have caught up. An actor with fewer messages waiting than its throughput per turn never registers.</para>
/// </remarks>
internal static class MailboxStatistics
{
    [ThreadStatic] private static ThreadCount? _threadCount;
    private static readonly List<ThreadCount> Counts = [];
    private static readonly ConcurrentDictionary<ActorCell, byte> Backlogged = new();
    private static long _exited;

    internal static void Enqueued() => (_threadCount ?? Register()).Value++;

    internal static void Dequeued(int count) => (_threadCount ?? Register()).Value -= count;

    /// <summary>Called by an actor that used its whole turn and still has messages waiting.</summary>
    internal static void Backlog(ActorCell cell)
    {
        if (!Backlogged.ContainsKey(cell))
            Backlogged.TryAdd(cell, 0);
    }

    /// <summary>Messages waiting in the mailboxes of every actor of the process.</summary>
    internal static long Queued()
    {
        lock (Counts)
        {
            FoldExited();
            var total = _exited;
            foreach (var count in Counts)
                total += Volatile.Read(ref count.Value);
            return Math.Max(0, total);
        }
    }

    /// <summary>The most messages waiting in one actor's mailbox, among the actors with a backlog.</summary>
    internal static int Deepest()
    {
        var deepest = 0;
        foreach (var (cell, _) in Backlogged)
        {
            var depth = cell.IsStopped ? 0 : cell.MailboxDepth;
            if (depth == 0)
            {
                Backlogged.TryRemove(cell, out _);
                // Messages may have arrived since the read; a full turn meanwhile found it registered and did not add it again.
                if (!cell.IsStopped && cell.MailboxDepth > 0)
                    Backlogged.TryAdd(cell, 0);
                continue;
            }
            deepest = Math.Max(deepest, depth);
        }
        return deepest;
    }

    private static ThreadCount Register()
    {
        var count = new ThreadCount(Thread.CurrentThread);
        lock (Counts)
        {
            FoldExited(); // also here, so that threads come and go without a scrape and the list stays short
            Counts.Add(count);
        }
        return _threadCount = count;
    }

    /// <summary>Moves the counts of threads that have exited into <c>_exited</c>; the caller holds the lock.</summary>
    private static void FoldExited()
    {
        for (var i = Counts.Count - 1; i >= 0; i--)
        {
            var count = Counts[i];
            if (count.Owner.IsAlive)
                continue;
            _exited += Volatile.Read(ref count.Value); // read after its owner ended: final
            Counts.RemoveAt(i);
        }
    }

    /// <summary>
    /// One thread's enqueues minus dequeues. Only the owner writes it; others read it whole (a 64-bit field, read and
    /// written in one access on the 64-bit platforms the switch runs on).
    /// </summary>
    private sealed class ThreadCount(Thread owner)
    {
        internal long Value;

        internal Thread Owner { get; } = owner;
    }
}
