namespace Switch.Runtime.Cluster;

/// <summary>
/// Decides who should own the shards of one entity type: a pure, deterministic function of the members, the isolated
/// data centres, the leases and the moves in progress (no I/O, no clock; the same inputs in any order give the same
/// plan), so every node computing it from the same reading of the store agrees. The store, not the plan, decides
/// ownership: nodes act on the plan with conditional lease operations.
/// </summary>
/// <remarks>
/// <para>The rules, in order:</para>
/// <list type="number">
/// <item><b>Candidates</b>: only <see cref="MemberStatus.Up"/> members outside isolated data centres get shards. When there
/// is none (every data centre isolated, no member up), the plan has no candidates and is empty: shards stay where they
/// are rather than go nowhere.</item>
/// <item><b>Owners</b>: a shard is owned when its lease names an owner, has not expired (by the database's clock, as
/// read) and the owner is still an up, leaving or exiting member in the incarnation that acquired it. Any other shard
/// (never leased, released, expired, or held by a down, removed, joining or superseded incarnation) is unowned.</item>
/// <item><b>Assignments</b>: every unowned shard, by shard id, goes to the candidate with the fewest shards (counting
/// the assignments made so far); ties go to a candidate in the data centre the shard was last in (its owner's, or its
/// last owner's when released), then to the lowest node id (ordinal). Assignments are not bounded: an unowned shard
/// serves nothing until someone acquires it.</item>
/// <item><b>Evacuations</b>: a shard owned by a member in an isolated data centre, or by a leaving or exiting member,
/// moves to a candidate chosen as for an assignment (preferring the owner's data centre). These moves come first.</item>
/// <item><b>Rebalancing</b>: while the candidate with the most shards (ties: lowest node id) has at least the rebalance
/// threshold more than the candidate with the fewest (ties: the first's data centre, then lowest node id), its lowest
/// owned shard moves there.</item>
/// <item><b>Bounded moves</b>: evacuations and rebalancing together start at most the simultaneous-move bound minus
/// the moves already in progress; a shard in progress is not moved again, and counts for its current owner.</item>
/// </list>
/// </remarks>
public sealed class ShardAllocator
{
    /// <summary>Creates an allocator for entity types of <paramref name="numberOfShards"/> shards.</summary>
    /// <param name="numberOfShards">Shards per entity type (0 to n − 1).</param>
    /// <param name="maxSimultaneousMoves">The most moves in progress at once (<see cref="ClusterSettings.MaxSimultaneousMoves"/>).</param>
    /// <param name="rebalanceThreshold">The shard-count difference that justifies a rebalance move, at least 2 (<see cref="ClusterSettings.RebalanceThreshold"/>).</param>
    public ShardAllocator(int numberOfShards, int maxSimultaneousMoves, int rebalanceThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numberOfShards, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSimultaneousMoves, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rebalanceThreshold, 2);
        NumberOfShards = numberOfShards;
        MaxSimultaneousMoves = maxSimultaneousMoves;
        RebalanceThreshold = rebalanceThreshold;
    }

    /// <summary>Shards per entity type.</summary>
    public int NumberOfShards { get; }

    /// <summary>The most moves in progress at once.</summary>
    public int MaxSimultaneousMoves { get; }

    /// <summary>The shard-count difference that justifies a rebalance move.</summary>
    public int RebalanceThreshold { get; }

    /// <summary>Plans the shards of one entity type (the rules are in the class remarks).</summary>
    /// <param name="members">Every member (<see cref="ClusterStore.MembersAsync"/>), down and removed ones included (their data centres still count).</param>
    /// <param name="isolatedDataCentres">The data centres currently isolated.</param>
    /// <param name="leases">The entity type's leases (<see cref="ClusterStore.LeasesAsync"/>); a shard without a row was never leased.</param>
    /// <param name="movesInProgress">The shards whose handoff has started and not finished.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException">Two members share a node id, or the leases mix entity types, repeat a shard or name one out of range.</exception>
    public ShardAllocationPlan Allocate(
        IReadOnlyCollection<ClusterMember> members,
        IReadOnlyCollection<string> isolatedDataCentres,
        IReadOnlyCollection<ShardLease> leases,
        IReadOnlyCollection<int> movesInProgress)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(isolatedDataCentres);
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(movesInProgress);
        var memberById = new Dictionary<string, ClusterMember>(StringComparer.Ordinal);
        foreach (var member in members)
            if (!memberById.TryAdd(member.NodeId, member))
                throw new ArgumentException($"Node id '{member.NodeId}' appears twice among the members.", nameof(members));
        var leaseOf = LeasesByShard(leases);
        var isolated = new HashSet<string>(isolatedDataCentres, StringComparer.Ordinal);
        var inProgress = new HashSet<int>(movesInProgress);

        var candidates = memberById.Values
            .Where(m => m.Status == MemberStatus.Up && !isolated.Contains(m.DataCentre))
            .OrderBy(m => m.NodeId, StringComparer.Ordinal)
            .ToList();
        if (candidates.Count == 0)
            return new ShardAllocationPlan(false, [], []);

        var load = candidates.ToDictionary(m => m.NodeId, _ => 0, StringComparer.Ordinal);
        var movable = candidates.ToDictionary(m => m.NodeId, _ => new Queue<int>(), StringComparer.Ordinal);
        var unowned = new List<(int Shard, string? DataCentre)>();
        var evacuations = new List<(int Shard, ClusterMember Owner)>();
        for (var shard = 0; shard < NumberOfShards; shard++)
        {
            var lease = leaseOf[shard];
            var owner = LiveOwner(lease, memberById);
            if (owner is null)
            {
                unowned.Add((shard, LastDataCentre(lease, memberById)));
            }
            else if (load.ContainsKey(owner.NodeId))
            {
                load[owner.NodeId]++;
                if (!inProgress.Contains(shard))
                    movable[owner.NodeId].Enqueue(shard);
            }
            else if (!inProgress.Contains(shard))
            {
                evacuations.Add((shard, owner));
            }
        }

        var assignments = new List<ShardAssignment>(unowned.Count);
        foreach (var (shard, dataCentre) in unowned)
        {
            var target = Fewest(candidates, load, dataCentre, except: null)!;
            load[target.NodeId]++;
            assignments.Add(new ShardAssignment(shard, target.NodeId));
        }

        var budget = Math.Max(0, MaxSimultaneousMoves - inProgress.Count);
        var moves = new List<ShardMove>();
        foreach (var (shard, owner) in evacuations)
        {
            if (budget == 0)
                break;
            var target = Fewest(candidates, load, owner.DataCentre, except: null)!;
            load[target.NodeId]++;
            moves.Add(new ShardMove(shard, owner.NodeId, target.NodeId,
                isolated.Contains(owner.DataCentre) ? MoveReason.IsolatedDataCentre : MoveReason.OwnerLeaving));
            budget--;
        }

        while (budget > 0)
        {
            ClusterMember? source = null;
            foreach (var candidate in candidates)
                if (movable[candidate.NodeId].Count > 0 && (source is null || load[candidate.NodeId] > load[source.NodeId]))
                    source = candidate;
            if (source is null)
                break;
            var target = Fewest(candidates, load, source.DataCentre, except: source);
            if (target is null || load[source.NodeId] - load[target.NodeId] < RebalanceThreshold)
                break;
            var shard = movable[source.NodeId].Dequeue();
            load[source.NodeId]--;
            load[target.NodeId]++;
            moves.Add(new ShardMove(shard, source.NodeId, target.NodeId, MoveReason.Rebalance));
            budget--;
        }
        return new ShardAllocationPlan(true, assignments, moves);
    }

    private ShardLease?[] LeasesByShard(IReadOnlyCollection<ShardLease> leases)
    {
        var leaseOf = new ShardLease?[NumberOfShards];
        string? entityType = null;
        foreach (var lease in leases)
        {
            entityType ??= lease.EntityType;
            if (!string.Equals(lease.EntityType, entityType, StringComparison.Ordinal))
                throw new ArgumentException($"The leases mix entity types '{entityType}' and '{lease.EntityType}'; plan one type at a time.", nameof(leases));
            if (lease.ShardId < 0 || lease.ShardId >= NumberOfShards)
                throw new ArgumentException($"Lease of shard {lease.ShardId} of '{lease.EntityType}' is outside 0..{NumberOfShards - 1}: the number of shards must not change.", nameof(leases));
            if (leaseOf[lease.ShardId] is not null)
                throw new ArgumentException($"Shard {lease.ShardId} of '{lease.EntityType}' has two leases.", nameof(leases));
            leaseOf[lease.ShardId] = lease;
        }
        return leaseOf;
    }

    private static ClusterMember? LiveOwner(ShardLease? lease, Dictionary<string, ClusterMember> memberById) =>
        lease is { Owner: { } owner, Expired: false } &&
        memberById.TryGetValue(owner, out var member) &&
        member.Incarnation == lease.OwnerIncarnation &&
        member.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting
            ? member
            : null;

    private static string? LastDataCentre(ShardLease? lease, Dictionary<string, ClusterMember> memberById) =>
        (lease?.Owner ?? lease?.LastOwner) is { } node && memberById.TryGetValue(node, out var member) ? member.DataCentre : null;

    /// <summary>The candidate with the fewest shards; ties: in <paramref name="dataCentre"/>, then the lowest node id.</summary>
    private static ClusterMember? Fewest(List<ClusterMember> candidates, Dictionary<string, int> load, string? dataCentre, ClusterMember? except)
    {
        ClusterMember? best = null;
        foreach (var candidate in candidates) // in node id order: the first of equals wins
        {
            if (ReferenceEquals(candidate, except))
                continue;
            if (best is null)
            {
                best = candidate;
                continue;
            }
            var difference = load[candidate.NodeId] - load[best.NodeId];
            if (difference < 0 || (difference == 0 && InDataCentre(candidate, dataCentre) && !InDataCentre(best, dataCentre)))
                best = candidate;
        }
        return best;
    }

    private static bool InDataCentre(ClusterMember member, string? dataCentre) =>
        dataCentre is not null && string.Equals(member.DataCentre, dataCentre, StringComparison.Ordinal);
}
