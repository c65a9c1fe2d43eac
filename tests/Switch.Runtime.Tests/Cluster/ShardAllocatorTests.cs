using Switch.Runtime.Cluster;

namespace Switch.Runtime.Tests.Cluster;

/// <summary>The shard allocator's rules, example by example, then as properties over many seeded random clusters.</summary>
public sealed class ShardAllocatorTests
{
    private const string Accounts = "account";
    private static readonly DateTimeOffset Now = new(2025, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static ClusterMember Member(string id, string dataCentre = "dc1", MemberStatus status = MemberStatus.Up, long incarnation = 1) =>
        new(id, id + ":2552", dataCentre, [], status, incarnation, TimeSpan.Zero, Now, Now);

    private static ShardLease Lease(int shard, string? owner, long incarnation = 1, bool expired = false, string? lastOwner = null) =>
        new(Accounts, shard, owner, owner is null ? null : incarnation, 1, expired ? Now : Now.AddSeconds(3), owner ?? lastOwner, Now);

    private static ShardLease[] Owned(string owner, params int[] shards) => [.. shards.Select(s => Lease(s, owner))];

    private static Dictionary<string, int> Loads(ShardAllocationPlan plan, IEnumerable<(int Shard, string Owner)> owned)
    {
        var owners = owned.ToDictionary(o => o.Shard, o => o.Owner);
        foreach (var assignment in plan.Assignments)
            owners[assignment.ShardId] = assignment.NodeId;
        foreach (var move in plan.Moves)
            owners[move.ShardId] = move.To;
        return owners.Values.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());
    }

    [Fact]
    public void Shards_of_a_new_cluster_are_spread_evenly_and_nothing_moves()
    {
        var plan = new ShardAllocator(256, 8, 2).Allocate([Member("a"), Member("b"), Member("c")], [], [], []);
        Assert.True(plan.HasCandidates);
        Assert.Equal(Enumerable.Range(0, 256), plan.Assignments.Select(a => a.ShardId));
        Assert.Equal(new Dictionary<string, int> { ["a"] = 86, ["b"] = 85, ["c"] = 85 }, Loads(plan, []));
        Assert.Equal(["a", "b", "c", "a"], plan.Assignments.Take(4).Select(a => a.NodeId)); // ties: lowest node id
        Assert.Empty(plan.Moves);
    }

    [Fact]
    public void Only_up_members_outside_isolated_data_centres_get_shards()
    {
        var members = new[]
        {
            Member("a", "dc1", MemberStatus.Joining), Member("b", "dc1", MemberStatus.Leaving), Member("c", "dc1", MemberStatus.Exiting),
            Member("d", "dc1", MemberStatus.Down), Member("e", "dc1", MemberStatus.Removed), Member("f", "dc2"), Member("g", "dc3"),
        };
        var plan = new ShardAllocator(16, 8, 2).Allocate(members, ["dc2"], [], []);
        Assert.All(plan.Assignments, a => Assert.Equal("g", a.NodeId));
        Assert.Equal(16, plan.Assignments.Count);
    }

    [Fact]
    public void Without_a_candidate_the_plan_says_so_and_shards_stay_where_they_are()
    {
        var leases = Owned("a", 0, 1).Concat(Owned("b", 2)).ToArray();
        var members = new[] { Member("a", "dc1"), Member("b", "dc2"), Member("c", "dc2", MemberStatus.Joining) };
        var isolatedEverywhere = new ShardAllocator(4, 8, 2).Allocate(members, ["dc1", "dc2"], leases, []);
        Assert.False(isolatedEverywhere.HasCandidates);
        Assert.Empty(isolatedEverywhere.Assignments);
        Assert.Empty(isolatedEverywhere.Moves);

        var noneUp = new ShardAllocator(4, 8, 2).Allocate([Member("a", status: MemberStatus.Down), Member("c", status: MemberStatus.Joining)], [], leases, []);
        Assert.False(noneUp.HasCandidates);
        Assert.Empty(noneUp.Assignments);
        Assert.Empty(noneUp.Moves);
    }

    [Fact]
    public void Unowned_shards_go_to_the_fewest_first_then_to_the_data_centre_they_were_last_in_then_by_node_id()
    {
        var members = new[] { Member("a", "dc1"), Member("b", "dc2"), Member("c", "dc2"), Member("x", "dc2", MemberStatus.Down), Member("y", "dc1", MemberStatus.Removed) };
        var leases = new List<ShardLease>(Owned("a", 0, 1))
        {
            Lease(2, "x"),                    // owner down: last in dc2
            Lease(3, null, lastOwner: "y"),   // released by a node of dc1
            Lease(4, null, lastOwner: "x"),   // released by a node of dc2
            Lease(5, "gone"),                 // owner unknown: no preference
        };
        var plan = new ShardAllocator(7, 8, 2).Allocate(members, [], leases, []);
        // Loads a=2, b=0, c=0. Shard 2 (dc2): b (ties b,c by node id). Shard 3 (dc1): c has fewest (0). Shard 4: a=2, b=1,
        // c=1, dc2 both: b. Shard 5: c (fewest). Shard 6 (never leased): a=2, b=2, c=2: a by node id.
        Assert.Equal([new(2, "b"), new(3, "c"), new(4, "b"), new(5, "c"), new ShardAssignment(6, "a")], plan.Assignments);
        Assert.Empty(plan.Moves);

        var tie = new ShardAllocator(2, 8, 2).Allocate([Member("a", "dc1"), Member("b", "dc2")], [], [Lease(0, null, lastOwner: "b"), Lease(1, null, lastOwner: "b")], []);
        Assert.Equal([new(0, "b"), new ShardAssignment(1, "a")], tie.Assignments); // the preference only breaks ties
    }

    [Fact]
    public void Expired_leases_and_leases_of_a_previous_incarnation_are_unowned()
    {
        var members = new[] { Member("a", incarnation: 2), Member("b") };
        var leases = new[] { Lease(0, "a", incarnation: 1), Lease(1, "b", expired: true), Lease(2, "b"), Lease(3, "a", incarnation: 2) };
        var plan = new ShardAllocator(4, 8, 2).Allocate(members, [], leases, []);
        Assert.Equal([0, 1], plan.Assignments.Select(a => a.ShardId));
        Assert.Empty(plan.Moves);
    }

    [Fact]
    public void An_isolated_data_centre_is_evacuated_first_within_the_move_bound()
    {
        var members = new[] { Member("a", "dc1"), Member("b", "dc1"), Member("c", "dc2"), Member("d", "dc2") };
        var leases = Owned("a", 0, 1, 2, 3, 4, 5).Concat(Owned("b", 6, 7, 8, 9, 10, 11)).Concat(Owned("c", 12)).ToArray();
        var plan = new ShardAllocator(13, 4, 2).Allocate(members, ["dc1"], leases, []);
        Assert.Empty(plan.Assignments);
        Assert.Equal(4, plan.Moves.Count);
        Assert.All(plan.Moves, m => Assert.Equal(MoveReason.IsolatedDataCentre, m.Reason));
        Assert.Equal([(0, "a", "d"), (1, "a", "c"), (2, "a", "d"), (3, "a", "c")], plan.Moves.Select(m => (m.ShardId, m.From, m.To)));

        // Already 3 in progress: one more.
        var busy = new ShardAllocator(13, 4, 2).Allocate(members, ["dc1"], leases, [0, 1, 2]);
        Assert.Equal([(3, "a", "d")], busy.Moves.Select(m => (m.ShardId, m.From, m.To)));
        var full = new ShardAllocator(13, 4, 2).Allocate(members, ["dc1"], leases, [0, 1, 2, 3, 4]);
        Assert.Empty(full.Moves);
    }

    [Fact]
    public void Shards_of_leaving_and_exiting_members_move_before_any_rebalancing()
    {
        var members = new[] { Member("a", "dc1", MemberStatus.Leaving), Member("b", "dc1"), Member("c", "dc2"), Member("d", "dc2"), Member("e", "dc2", MemberStatus.Exiting) };
        var leases = Owned("a", 0, 1).Concat(Owned("e", 2)).Concat(Owned("c", 3, 4, 5, 6, 7)).Concat(Owned("d", 8, 9, 10, 11, 12)).ToArray();
        var plan = new ShardAllocator(13, 8, 2).Allocate(members, [], leases, []);
        Assert.Equal(
            [(0, "a", "b", MoveReason.OwnerLeaving), (1, "a", "b", MoveReason.OwnerLeaving), (2, "e", "b", MoveReason.OwnerLeaving), (3, "c", "b", MoveReason.Rebalance)],
            plan.Moves.Select(m => (m.ShardId, m.From, m.To, m.Reason)));
    }

    [Fact]
    public void Rebalancing_moves_from_the_most_to_the_fewest_only_at_the_threshold()
    {
        var members = new[] { Member("a"), Member("b") };
        var uneven = new ShardAllocator(8, 8, 2).Allocate(members, [], Owned("a", 0, 1, 2, 3, 4).Concat(Owned("b", 5, 6, 7)).ToArray(), []);
        Assert.Equal([new ShardMove(0, "a", "b", MoveReason.Rebalance)], uneven.Moves);

        var nearlyEven = new ShardAllocator(7, 8, 2).Allocate(members, [], Owned("a", 0, 1, 2, 3).Concat(Owned("b", 4, 5, 6)).ToArray(), []);
        Assert.Empty(nearlyEven.Moves);
        var higherThreshold = new ShardAllocator(8, 8, 3).Allocate(members, [], Owned("a", 0, 1, 2, 3, 4).Concat(Owned("b", 5, 6, 7)).ToArray(), []);
        Assert.Empty(higherThreshold.Moves);

        // A new node: bounded moves, from the busiest each time, preferring the data centre of the shard's owner.
        var grown = new ShardAllocator(12, 3, 2).Allocate(
            [Member("a", "dc1"), Member("b", "dc2"), Member("c", "dc2"), Member("d", "dc1")], [],
            Owned("a", 0, 1, 2, 3, 4, 5).Concat(Owned("b", 6, 7, 8, 9, 10, 11)).ToArray(), []);
        Assert.Equal([(0, "a", "d"), (6, "b", "c"), (1, "a", "d")], grown.Moves.Select(m => (m.ShardId, m.From, m.To)));
    }

    [Fact]
    public void Shards_in_progress_are_not_moved_again()
    {
        var members = new[] { Member("a"), Member("b") };
        var plan = new ShardAllocator(6, 8, 2).Allocate(members, [], Owned("a", 0, 1, 2, 3, 4, 5), [0, 1]);
        Assert.Equal([2, 3, 4], plan.Moves.Select(m => m.ShardId)); // a counts 6 (two of them on their way out), b 0
    }

    [Fact]
    public void Inconsistent_input_is_refused()
    {
        var allocator = new ShardAllocator(4, 8, 2);
        Assert.Throws<ArgumentException>(() => allocator.Allocate([Member("a"), Member("a", "dc2")], [], [], []));
        Assert.Throws<ArgumentException>(() => allocator.Allocate([Member("a")], [], [Lease(0, "a"), Lease(1, "a") with { EntityType = "channel" }], []));
        Assert.Throws<ArgumentException>(() => allocator.Allocate([Member("a")], [], [Lease(4, "a")], []));
        Assert.Throws<ArgumentException>(() => allocator.Allocate([Member("a")], [], [Lease(1, "a"), Lease(1, "a")], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardAllocator(4, 8, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardAllocator(4, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardAllocator(0, 8, 2));
    }

    // ---- properties over seeded random clusters --------------------------------------------------------------

    private sealed record Scenario(
        ShardAllocator Allocator,
        List<ClusterMember> Members,
        List<string> Isolated,
        List<ShardLease> Leases,
        List<int> InProgress)
    {
        public ShardAllocationPlan Plan() => Allocator.Allocate(Members, Isolated, Leases, InProgress);
    }

    private static Scenario RandomScenario(int seed)
    {
        var random = new Random(seed);
        var dataCentres = new[] { "dc1", "dc2", "dc3" }.Take(random.Next(1, 4)).ToArray();
        var statuses = Enum.GetValues<MemberStatus>();
        var members = Enumerable.Range(0, random.Next(0, 7))
            .Select(i => Member($"n{i}", dataCentres[random.Next(dataCentres.Length)],
                random.Next(3) == 0 ? statuses[random.Next(statuses.Length)] : MemberStatus.Up, random.Next(1, 3)))
            .ToList();
        var isolated = dataCentres.Where(_ => random.Next(4) == 0).ToList();
        var shards = random.Next(1, 65);
        var owners = members.Select(m => m.NodeId).Append("ghost").ToArray();
        var leases = new List<ShardLease>();
        for (var shard = 0; shard < shards; shard++)
        {
            switch (random.Next(6))
            {
                case 0:
                    break; // never leased
                case 1:
                    leases.Add(Lease(shard, null, lastOwner: owners[random.Next(owners.Length)]));
                    break;
                default:
                    leases.Add(Lease(shard, owners[random.Next(owners.Length)], random.Next(1, 3), expired: random.Next(8) == 0));
                    break;
            }
        }
        var inProgress = Enumerable.Range(0, shards).Where(_ => random.Next(10) == 0).ToList();
        return new Scenario(new ShardAllocator(shards, random.Next(1, 9), random.Next(2, 5)), members, isolated, leases, inProgress);
    }

    /// <summary>The owners the allocator must respect: unexpired leases of a live incarnation (up, leaving or exiting).</summary>
    private static Dictionary<int, ClusterMember> LiveOwners(Scenario s) =>
        s.Leases
            .Select(l => (Lease: l, Member: s.Members.FirstOrDefault(m => m.NodeId == l.Owner)))
            .Where(x => !x.Lease.Expired && x.Member is { Status: MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting } && x.Member.Incarnation == x.Lease.OwnerIncarnation)
            .ToDictionary(x => x.Lease.ShardId, x => x.Member!);

    [Fact]
    public void The_plan_follows_the_rules_for_any_cluster()
    {
        for (var seed = 0; seed < 2000; seed++)
        {
            var s = RandomScenario(seed);
            var plan = s.Plan();
            var candidates = s.Members.Where(m => m.Status == MemberStatus.Up && !s.Isolated.Contains(m.DataCentre)).Select(m => m.NodeId).ToHashSet();
            if (candidates.Count == 0)
            {
                Assert.False(plan.HasCandidates, $"seed {seed}");
                Assert.Empty(plan.Assignments);
                Assert.Empty(plan.Moves);
                continue;
            }
            Assert.True(plan.HasCandidates, $"seed {seed}");
            var owners = LiveOwners(s);
            var unowned = Enumerable.Range(0, s.Allocator.NumberOfShards).Where(shard => !owners.ContainsKey(shard)).ToList();
            Assert.Equal(unowned, plan.Assignments.Select(a => a.ShardId));
            Assert.All(plan.Assignments, a => Assert.Contains(a.NodeId, candidates));

            Assert.True(plan.Moves.Count <= Math.Max(0, s.Allocator.MaxSimultaneousMoves - s.InProgress.Count), $"seed {seed}: too many moves");
            Assert.Equal(plan.Moves.Count, plan.Moves.Select(m => m.ShardId).Distinct().Count());
            Assert.All(plan.Moves, m =>
            {
                Assert.DoesNotContain(m.ShardId, s.InProgress);
                Assert.Equal(owners[m.ShardId].NodeId, m.From);
                Assert.Contains(m.To, candidates);
                Assert.NotEqual(m.From, m.To);
                var evacuation = !candidates.Contains(m.From);
                Assert.Equal(evacuation, m.Reason != MoveReason.Rebalance);
                if (evacuation)
                    Assert.Equal(s.Isolated.Contains(owners[m.ShardId].DataCentre), m.Reason == MoveReason.IsolatedDataCentre);
            });
            var reasons = plan.Moves.Select(m => m.Reason == MoveReason.Rebalance).ToList();
            Assert.Equal(reasons.Order(), reasons); // evacuations first

            // Every evacuation that fits the bound is planned before any rebalancing.
            var evacuable = owners.Count(o => !candidates.Contains(o.Value.NodeId) && !s.InProgress.Contains(o.Key));
            Assert.Equal(Math.Min(evacuable, Math.Max(0, s.Allocator.MaxSimultaneousMoves - s.InProgress.Count)), reasons.Count(r => !r));
        }
    }

    [Fact]
    public void The_plan_does_not_depend_on_the_order_of_its_inputs()
    {
        for (var seed = 0; seed < 500; seed++)
        {
            var s = RandomScenario(seed);
            var random = new Random(seed);
            var shuffled = s with
            {
                Members = [.. s.Members.OrderBy(_ => random.Next())],
                Isolated = [.. s.Isolated.OrderBy(_ => random.Next())],
                Leases = [.. s.Leases.OrderBy(_ => random.Next())],
                InProgress = [.. s.InProgress.OrderBy(_ => random.Next())],
            };
            var plan = s.Plan();
            var again = shuffled.Plan();
            Assert.Equal(plan.HasCandidates, again.HasCandidates);
            Assert.Equal(plan.Assignments, again.Assignments);
            Assert.Equal(plan.Moves, again.Moves);
        }
    }

    [Fact]
    public void Applying_plan_after_plan_converges_to_a_balanced_cluster_with_nothing_left_to_evacuate()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var s = RandomScenario(seed) with { InProgress = [] };
            var candidates = s.Members.Where(m => m.Status == MemberStatus.Up && !s.Isolated.Contains(m.DataCentre)).Select(m => m.NodeId).ToHashSet();
            if (candidates.Count == 0)
                continue;
            var memberOf = s.Members.ToDictionary(m => m.NodeId);
            var rounds = 0;
            while (true)
            {
                var plan = s.Plan();
                if (plan.Assignments.Count == 0 && plan.Moves.Count == 0)
                    break;
                Assert.True(++rounds <= s.Allocator.NumberOfShards + 1, $"seed {seed}: no convergence after {rounds} rounds");
                var leases = s.Leases.ToDictionary(l => l.ShardId);
                foreach (var (shard, node) in plan.Assignments.Select(a => (a.ShardId, a.NodeId)).Concat(plan.Moves.Select(m => (m.ShardId, m.To))))
                    leases[shard] = Lease(shard, node, memberOf[node].Incarnation);
                s = s with { Leases = [.. leases.Values] };
            }
            var loads = candidates.ToDictionary(c => c, _ => 0);
            foreach (var owner in LiveOwners(s).Values)
            {
                Assert.Contains(owner.NodeId, candidates); // nothing left on isolated, leaving or exiting members
                loads[owner.NodeId]++;
            }
            Assert.Equal(s.Allocator.NumberOfShards, loads.Values.Sum());
            Assert.True(loads.Values.Max() - loads.Values.Min() < s.Allocator.RebalanceThreshold, $"seed {seed}: unbalanced {string.Join(",", loads)}");
        }
    }
}
