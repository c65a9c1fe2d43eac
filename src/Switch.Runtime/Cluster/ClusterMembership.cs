using System.Net;
using Microsoft.Extensions.Logging;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;
using Switch.Runtime.Remote;
using Switch.Runtime.Sharding;

namespace Switch.Runtime.Cluster;

/// <summary>
/// This node's part in the cluster. It joins the members table, and on every tick renews its leases (which is its
/// heartbeat), downs members that went silent, reads the members and leases, plans each entity type's shards with
/// <see cref="ShardAllocator"/>, acquires the shards planned for it, and hands off the ones planned away. A watchdog
/// stops every local shard before its lease can expire when renewals fail: a node cut off from the database never
/// serves in a partition, and the journal's lease check (<see cref="WriteFence"/>) refuses a stale writer anyway.
/// <see cref="Placement"/> answers the shard regions from the same view.
/// </summary>
public sealed class ClusterMembership : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly ClusterStore _store;
    private readonly ClusterSettings _settings;
    private readonly ClusterNode _self;
    private readonly RemoteTransport _transport;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private readonly Dictionary<string, RegionState> _regions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, INodeStateAdopter> _adopters = new(StringComparer.Ordinal); // by kind
    private readonly Dictionary<string, (string Kind, string Node, WriteFence Fence)> _adopted = new(StringComparer.Ordinal); // by lease type
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _downed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _tick, _safetyMargin; // _tick: how often views are read
    private readonly Timer _watchdog;
    private long _servingUntil; // Environment.TickCount64 ms: local shards are served only before it
    private long _renewingSince = Environment.TickCount64; // when the current run of successful renewals began
    private View _view = View.Empty;
    private TaskCompletionSource _nextView = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _leaving, _partitioned;
    private Task _loop = Task.CompletedTask;

    private ClusterMembership(ActorSystem system, ClusterStore store, ClusterSettings settings, ClusterNode self, RemoteTransport transport, long incarnation)
    {
        _system = system;
        _store = store;
        _settings = settings;
        _self = self;
        _transport = transport;
        Incarnation = incarnation;
        _log = system.LoggerFactory.CreateLogger("Switch.Cluster");
        _tick = Min(settings.HeartbeatInterval, Min(settings.LeaseRenewInterval, settings.RebalanceInterval));
        _safetyMargin = settings.LeaseTtl / 10 + TimeSpan.FromMilliseconds(200);
        Placement = new ClusterShardPlacement(this);
        _watchdog = new Timer(static s => ((ClusterMembership)s!).CheckLeaseDeadline(), this, Timeout.Infinite, Timeout.Infinite);
        transport.PeerReachabilityChanged += OnPeerReachability;
    }

    /// <summary>
    /// Joins the cluster as <paramref name="self"/> (a new incarnation of its node id), marks it up and starts the
    /// membership loop. Attach each shard region with <see cref="Attach"/> right after starting it.
    /// </summary>
    /// <param name="system">This node's actor system; its name must be the node id.</param>
    /// <param name="store">The cluster store (its tables exist).</param>
    /// <param name="settings">The cluster settings.</param>
    /// <param name="self">This node as the other nodes see it.</param>
    /// <param name="transport">The node-to-node transport, which the members' addresses are fed to.</param>
    /// <param name="cancellationToken">Stops joining.</param>
    public static async Task<ClusterMembership> JoinAsync(ActorSystem system, ClusterStore store, ClusterSettings settings, ClusterNode self,
        RemoteTransport transport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(transport);
        if (self.NodeId != system.Name)
            throw new ArgumentException($"the actor system is named '{system.Name}' but the node joins as '{self.NodeId}'", nameof(self));
        var incarnation = await store.JoinAsync(self, cancellationToken).ConfigureAwait(false);
        if (!await store.MarkUpAsync(self.NodeId, incarnation, cancellationToken).ConfigureAwait(false))
            throw new InvalidOperationException($"node '{self.NodeId}' (incarnation {incarnation}) could not be marked up: another incarnation joined meanwhile");
        var membership = new ClusterMembership(system, store, settings, self, transport, incarnation);
        await membership.RefreshAsync(cancellationToken).ConfigureAwait(false);
        membership._watchdog.Change(100, 100);
        membership._loop = Task.Run(membership.RunAsync, CancellationToken.None);
        membership._log.LogInformation("node {Node} joined the cluster (incarnation {Incarnation}, data centre {DataCentre})",
            self.NodeId, incarnation, self.DataCentre);
        return membership;
    }

    /// <summary>This node's incarnation: which join of its node id this run is.</summary>
    public long Incarnation { get; }

    /// <summary>Where the shards of the attached regions live; give it to <see cref="ShardingSettings.Placement"/>.</summary>
    public IShardPlacement Placement { get; }

    /// <summary>Completes when the store declared this node down (or another incarnation of it joined): it serves nothing any more and should exit.</summary>
    public Task WhenDowned => _downed.Task;

    /// <summary>The members as last read from the store.</summary>
    public IReadOnlyList<ClusterMember> Members => _view.Members;

    /// <summary>The shards of <paramref name="typeName"/> this node holds leases on now, with their epochs.</summary>
    public IReadOnlyDictionary<int, long> OwnedShards(string typeName)
    {
        lock (_gate)
            return _regions.TryGetValue(typeName, out var region) ? region.Owned.ToDictionary(p => p.Key, p => p.Value.Epoch) : new Dictionary<int, long>();
    }

    /// <summary>Lets the membership place, acquire and hand off the shards of the region of <paramref name="typeName"/>.</summary>
    /// <param name="typeName">The region's entity type; the same on every node.</param>
    /// <param name="region">The region (<see cref="ShardRegion.Start"/> with <see cref="Placement"/>).</param>
    /// <param name="numberOfShards">The region's <see cref="ShardingSettings.NumberOfShards"/>; the same on every node.</param>
    public void Attach(string typeName, ActorRef region, int numberOfShards)
    {
        var state = new RegionState(typeName, region, new ShardAllocator(numberOfShards, _settings.MaxSimultaneousMoves, _settings.RebalanceThreshold));
        lock (_gate)
        {
            if (!_regions.TryAdd(typeName, state))
                throw new InvalidOperationException($"a region of '{typeName}' is attached already");
        }
    }

    /// <summary>
    /// Lets this node adopt the <paramref name="kind"/> state of members that are down or removed: on every tick it
    /// tries to lease <c>kind@node</c> for each of them (one node wins) and calls <paramref name="adopter"/>; when the
    /// node joins again, the adoption is released. Register before the first tick matters, right after joining.
    /// </summary>
    public void AdoptNodeState(string kind, INodeStateAdopter adopter)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(adopter);
        lock (_gate)
        {
            if (!_adopters.TryAdd(kind, adopter))
                throw new InvalidOperationException($"node state '{kind}' has an adopter already");
        }
    }

    /// <summary>
    /// Waits until no other node holds this node's <paramref name="kind"/> state (an adoption from while this node was
    /// down ends once the adopter sees it up again): call after joining, before starting what serves that state.
    /// </summary>
    /// <exception cref="TimeoutException">Another node still held it after <paramref name="timeout"/>.</exception>
    public async Task WaitForOwnNodeStateAsync(string kind, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var held = (await _store.LeasesAsync(NodeStateType(kind, _self.NodeId), cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(l => l is { Owner: { } owner, Expired: false } && owner != _self.NodeId);
            if (held is null) return;
            if (Environment.TickCount64 > deadline)
                throw new TimeoutException($"node '{held.Owner}' still serves this node's {kind} state after {timeout.TotalSeconds:0} s");
            _log.LogInformation("node {Owner} serves this node's {Kind} state while it was away: waiting for it to hand it back", held.Owner, kind);
            await Task.Delay(_tick, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string NodeStateType(string kind, string nodeId) => kind + "@" + nodeId;

    /// <summary>Operator: marks a member down (its leases can be taken at once; its writes are refused).</summary>
    public Task<bool> DownAsync(string nodeId, CancellationToken cancellationToken = default) => _store.DownAsync(nodeId, cancellationToken);

    /// <summary>Operator: moves every shard out of <paramref name="dataCentre"/> (true), or lets it take shards again (false).</summary>
    public Task<DataCentreState> SetDataCentreIsolatedAsync(string dataCentre, bool isolated, string who, CancellationToken cancellationToken = default) =>
        _store.SetDataCentreIsolatedAsync(dataCentre, isolated, who, cancellationToken);

    /// <summary>The data centres with their isolation state.</summary>
    public Task<IReadOnlyList<DataCentreState>> DataCentresAsync(CancellationToken cancellationToken = default) => _store.DataCentresAsync(cancellationToken);

    /// <summary>
    /// Operator: marks down every member whose heartbeat is older than the heartbeat timeout (the store does the same
    /// on every tick; this is for an operator who will not wait). Returns the nodes it downed.
    /// </summary>
    public Task<IReadOnlyList<string>> DownUnreachableAsync(CancellationToken cancellationToken = default) =>
        _store.DownUnreachableAsync(_settings.HeartbeatTimeout, cancellationToken);

    /// <summary>
    /// Fault injection for rehearsals: true cuts this node off from the cluster's database and from its peers, as a
    /// network partition would (it stops serving its shards before their leases can expire, and the others take them);
    /// false ends the partition, after which the node finds it was downed and stops (<see cref="WhenDowned"/>).
    /// </summary>
    public void SetPartitioned(bool partitioned)
    {
        _partitioned = partitioned;
        _transport.Sever(partitioned);
        _log.LogWarning(partitioned ? "node {Node} is cut off from the cluster (fault injection)" : "node {Node}: the injected partition ends", _self.NodeId);
    }

    /// <summary>True while <see cref="SetPartitioned"/> cuts the node off.</summary>
    public bool Partitioned => _partitioned;

    /// <summary>Every lease of <paramref name="typeName"/> (null: of every type).</summary>
    public Task<IReadOnlyList<ShardLease>> LeasesAsync(string? typeName = null, CancellationToken cancellationToken = default) =>
        _store.LeasesAsync(typeName, cancellationToken);

    /// <summary>
    /// Graceful leave: the node acquires nothing more and hands every shard off (other nodes take them), then is
    /// marked exiting and removed. Returns false when shards were still held after <paramref name="timeout"/> (their
    /// leases then expire on their own).
    /// </summary>
    public async Task<bool> LeaveAsync(TimeSpan timeout)
    {
        _leaving = true;
        await _store.LeaveAsync(_self.NodeId, Incarnation).ConfigureAwait(false);
        _log.LogInformation("node {Node} is leaving the cluster: handing its shards off", _self.NodeId);
        List<string> adoptions;
        lock (_gate)
            adoptions = _adopted.Keys.ToList();
        foreach (var type in adoptions)
            await ReleaseAdoptionAsync(type, CancellationToken.None).ConfigureAwait(false); // another node adopts them
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (OwnedCount() > 0 && Environment.TickCount64 < deadline && !_downed.Task.IsCompleted)
            await Task.Delay(50).ConfigureAwait(false);
        var handedOff = OwnedCount() == 0;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (handedOff && await _store.MarkExitingAsync(_self.NodeId, Incarnation).ConfigureAwait(false))
            await _store.RemoveAsync(_self.NodeId, Incarnation).ConfigureAwait(false);
        _log.LogInformation(handedOff ? "node {Node} left the cluster" : "node {Node} stopped with shards still held: their leases will expire", _self.NodeId);
        return handedOff;
    }

    private int OwnedCount()
    {
        lock (_gate)
            return _regions.Values.Sum(r => r.Owned.Count);
    }

    // ---- the loop ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Two loops: renewals (which are the heartbeat) on their own, so that slow planning work (a start-up acquiring
    /// a hundred shards, a slow store) never delays them past the lease deadline; and the planning loop.
    /// </summary>
    private Task RunAsync() => Task.WhenAll(
        RepeatAsync("lease renewal", _settings.LeaseRenewInterval < _settings.HeartbeatInterval ? _settings.LeaseRenewInterval : _settings.HeartbeatInterval, RenewAsync),
        RepeatAsync("cluster planning", _settings.RebalanceInterval, PlanAsync));

    private async Task RepeatAsync(string what, TimeSpan interval, Func<CancellationToken, Task> step)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            var started = Environment.TickCount64;
            try
            {
                if (!_partitioned) // cut off: nothing reaches the store, and the watchdog stops every shard in time
                    await step(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                _log.LogWarning("{What} failed: {Error}", what, error.Message);
            }
            var wait = (long)interval.TotalMilliseconds - (Environment.TickCount64 - started);
            if (wait > 0)
            {
                try
                {
                    await Task.Delay((int)wait, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task RenewAsync(CancellationToken token)
    {
        var before = Environment.TickCount64;
        LeaseRenewal renewal;
        try
        {
            renewal = await _store.RenewAllAsync(_self.NodeId, Incarnation, _settings.LeaseTtl, token).ConfigureAwait(false);
            if (!renewal.Allowed || !await _store.HeartbeatAsync(_self.NodeId, Incarnation, token).ConfigureAwait(false))
            {
                OnDowned();
                return;
            }
        }
        catch (Exception) when (!token.IsCancellationRequested)
        {
            _renewingSince = long.MaxValue;
            throw;
        }
        OnRenewed(before, renewal);
    }

    private async Task PlanAsync(CancellationToken token)
    {
        // After this node could not reach the store, every heartbeat is old: it downs others only once it has itself
        // renewed for a whole heartbeat timeout, by when the others, if alive, have stamped theirs again.
        if (Environment.TickCount64 - _renewingSince >= (long)_settings.HeartbeatTimeout.TotalMilliseconds)
        {
            foreach (var node in await _store.DownUnreachableAsync(_settings.HeartbeatTimeout, _self.NodeId, Incarnation, token).ConfigureAwait(false))
                _log.LogWarning("node {Node} stopped heartbeating for {Timeout}: marked down", node, _settings.HeartbeatTimeout);
            await DownUnreachablePeersAsync(token).ConfigureAwait(false);
        }
        await RefreshAsync(token).ConfigureAwait(false);
        await ActOnPlansAsync(token).ConfigureAwait(false);
        await AdoptNodeStatesAsync(token).ConfigureAwait(false);
    }

    /// <summary>Adopts the node state of members that are down or gone, and hands back what belongs to members that returned.</summary>
    private async Task AdoptNodeStatesAsync(CancellationToken token)
    {
        List<(string Kind, INodeStateAdopter Adopter)> adopters;
        lock (_gate)
            adopters = _adopters.Select(a => (a.Key, a.Value)).ToList();
        foreach (var member in _view.Members)
        {
            if (member.NodeId == _self.NodeId) continue;
            var gone = member.Status is MemberStatus.Down or MemberStatus.Removed;
            foreach (var (kind, adopter) in adopters)
            {
                var type = NodeStateType(kind, member.NodeId);
                bool adopted;
                lock (_gate)
                    adopted = _adopted.ContainsKey(type);
                if (gone && !adopted && !_leaving)
                {
                    var before = Environment.TickCount64;
                    var acquisition = await _store.TryAcquireAsync(type, 0, _self.NodeId, Incarnation, _settings.LeaseTtl, token).ConfigureAwait(false);
                    if (!acquisition.Acquired || acquisition.Lease is not { } lease) continue;
                    var fence = new WriteFence(type, 0, lease.Epoch, _self.NodeId);
                    lock (_gate)
                    {
                        ServeFirstLease(before, lease);
                        _adopted[type] = (kind, member.NodeId, fence);
                    }
                    _log.LogWarning("node {Node} is {Status}: this node adopts its {Kind} state (epoch {Epoch})", member.NodeId, member.Status, kind, lease.Epoch);
                    await adopter.AdoptAsync(member.NodeId, fence, token).ConfigureAwait(false);
                }
                else if (!gone && adopted)
                {
                    _log.LogInformation("node {Node} is back: handing its {Kind} state back", member.NodeId, kind);
                    await ReleaseAdoptionAsync(type, token).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task ReleaseAdoptionAsync(string type, CancellationToken token)
    {
        (string Kind, string Node, WriteFence Fence) adoption;
        INodeStateAdopter adopter;
        lock (_gate)
        {
            if (!_adopted.TryGetValue(type, out adoption)) return;
            adopter = _adopters[adoption.Kind];
        }
        await adopter.ReleaseAsync(adoption.Node, token).ConfigureAwait(false);
        lock (_gate)
            _adopted.Remove(type);
        await _store.ReleaseAsync(type, 0, _self.NodeId, adoption.Fence.Epoch, token).ConfigureAwait(false);
    }

    /// <summary>
    /// The node-to-node half of failure detection: a peer the transport cannot hear from whose store heartbeat is
    /// also late is downed now, in the store, instead of after the whole heartbeat timeout.
    /// </summary>
    private async Task DownUnreachablePeersAsync(CancellationToken token)
    {
        string[] silent;
        lock (_gate)
            silent = _unreachable.ToArray();
        foreach (var node in silent)
        {
            var member = _view.Members.FirstOrDefault(m => m.NodeId == node);
            if (member is not { Status: MemberStatus.Up or MemberStatus.Joining or MemberStatus.Leaving }
                || member.HeartbeatAge < _settings.HeartbeatInterval * 1.5)
                continue;
            if (await _store.DownAsync(node, _self.NodeId, Incarnation, _settings.HeartbeatInterval * 2, token).ConfigureAwait(false))
                _log.LogWarning("node {Node} is unreachable from here and its heartbeat is {Age} ms old: marked down",
                    node, (long)member.HeartbeatAge.TotalMilliseconds);
        }
    }

    private void OnPeerReachability(string node, bool reachable)
    {
        lock (_gate)
        {
            if (reachable) _unreachable.Remove(node);
            else _unreachable.Add(node);
        }
    }

    private void OnRenewed(long before, LeaseRenewal renewal)
    {
        if (_renewingSince == long.MaxValue) _renewingSince = before;
        lock (_gate)
        {
            var renewed = renewal.Leases.Select(l => (l.EntityType, l.ShardId, l.Epoch)).ToHashSet();
            foreach (var region in _regions.Values)
                foreach (var (shard, fence) in region.Owned.ToList())
                    if (!renewed.Contains((region.TypeName, shard, fence.Epoch)))
                        Lose(region, shard, "its lease was not renewed (taken by another node or expired)");
            // Leases the store still gives this node (same epoch: nobody held them in between) that the watchdog
            // dropped when a renewal came late: they are served again, rather than held without being served.
            foreach (var lease in renewal.Leases)
                if (_regions.TryGetValue(lease.EntityType, out var region) && !region.Owned.ContainsKey(lease.ShardId) && !region.Moving.Contains(lease.ShardId))
                    region.Owned[lease.ShardId] = lease;
            foreach (var (type, adoption) in _adopted.ToList())
                if (!renewed.Contains((type, 0, adoption.Fence.Epoch)))
                    LoseAdoption(type, "its lease was not renewed");
            _servingUntil = before + (long)(renewal.Remaining - _safetyMargin).TotalMilliseconds;
        }
    }

    private void CheckLeaseDeadline()
    {
        lock (_gate)
        {
            if (Environment.TickCount64 < _servingUntil) return;
            foreach (var region in _regions.Values)
                foreach (var shard in region.Owned.Keys.ToList())
                    Lose(region, shard, "its lease could not be renewed in time");
            foreach (var type in _adopted.Keys.ToList())
                LoseAdoption(type, "its lease could not be renewed in time");
        }
    }

    /// <summary>Under the gate: an adopted node state is no longer served here (its writes would be refused anyway).</summary>
    private void LoseAdoption(string type, string why)
    {
        if (!_adopted.Remove(type, out var adoption)) return;
        _log.LogWarning("{Kind} state of node {Node} stops here: {Why}", adoption.Kind, adoption.Node, why);
        _ = _adopters[adoption.Kind].ReleaseAsync(adoption.Node, CancellationToken.None);
    }

    private void OnDowned()
    {
        lock (_gate)
        {
            foreach (var region in _regions.Values)
                foreach (var shard in region.Owned.Keys.ToList())
                    Lose(region, shard, "this node was marked down");
            foreach (var type in _adopted.Keys.ToList())
                LoseAdoption(type, "this node was marked down");
            _servingUntil = 0;
        }
        if (_downed.TrySetResult())
            _log.LogError("node {Node} (incarnation {Incarnation}) was marked down by the cluster: it serves nothing more", _self.NodeId, Incarnation);
        _stopping.Cancel();
    }

    /// <summary>Under the gate: the shard is no longer served here; its region stops it at once.</summary>
    private void Lose(RegionState region, int shard, string why)
    {
        if (!region.Owned.Remove(shard)) return;
        _log.LogWarning("{Type} shard {Shard} stops here: {Why}", region.TypeName, shard, why);
        region.Region.Tell(new DropShard(shard));
    }

    private async Task RefreshAsync(CancellationToken token)
    {
        var members = await _store.MembersAsync(token).ConfigureAwait(false);
        var isolated = (await _store.DataCentresAsync(token).ConfigureAwait(false)).Where(d => d.Isolated).Select(d => d.DataCentre).ToList();
        var leases = new Dictionary<string, IReadOnlyList<ShardLease>>(StringComparer.Ordinal);
        foreach (var type in RegionTypes())
            leases[type] = await _store.LeasesAsync(type, token).ConfigureAwait(false);
        foreach (var member in members)
        {
            if (member.NodeId == _self.NodeId) continue;
            if (member.Status is MemberStatus.Down or MemberStatus.Removed) _transport.RemovePeer(member.NodeId);
            else if (IPEndPoint.TryParse(member.Address, out var endpoint)) _transport.SetPeer(member.NodeId, endpoint);
        }
        var view = new View(members, isolated, leases);
        TaskCompletionSource woken;
        lock (_gate)
        {
            foreach (var region in _regions.Values)
            {
                // Regions forget where they found shards whose owner changed since the last view.
                var owners = Owners(view, region);
                var changed = new List<int>();
                foreach (var (shard, owner) in owners)
                    if (region.LastOwners.TryGetValue(shard, out var before) && before != owner && !region.Owned.ContainsKey(shard))
                        changed.Add(shard);
                region.LastOwners = owners;
                if (changed.Count > 0) region.Region.Tell(new RelocateShards(changed));
            }
            _view = view;
            woken = _nextView;
            _nextView = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        woken.TrySetResult();
    }

    private IReadOnlyList<string> RegionTypes()
    {
        lock (_gate)
            return _regions.Keys.ToList();
    }

    private async Task ActOnPlansAsync(CancellationToken token)
    {
        var view = _view;
        List<(RegionState Region, ShardAllocationPlan Plan)> plans;
        lock (_gate)
            plans = _regions.Values.Select(r => (r, r.Allocator.Allocate(view.Members, view.IsolatedDataCentres, view.Leases[r.TypeName], r.Moving.ToList()))).ToList();
        foreach (var (region, plan) in plans)
        {
            if (!_leaving)
                foreach (var assignment in plan.Assignments)
                    if (assignment.NodeId == _self.NodeId && !IsOwned(region, assignment.ShardId))
                        await TryAcquireAsync(region, assignment.ShardId, token).ConfigureAwait(false);
            foreach (var move in plan.Moves)
            {
                if (move.From != _self.NodeId) continue;
                lock (_gate)
                {
                    if (!region.Owned.ContainsKey(move.ShardId) || !region.Moving.Add(move.ShardId)) continue;
                }
                _log.LogInformation("{Type} shard {Shard} moves to {Node} ({Reason}): handing it off", region.TypeName, move.ShardId, move.To, move.Reason);
                _ = HandOffAsync(region, move.ShardId);
            }
        }
    }

    private bool IsOwned(RegionState region, int shard)
    {
        lock (_gate)
            return region.Owned.ContainsKey(shard);
    }

    private async Task<WriteFence?> TryAcquireAsync(RegionState region, int shard, CancellationToken token)
    {
        var before = Environment.TickCount64;
        var acquisition = await _store.TryAcquireAsync(region.TypeName, shard, _self.NodeId, Incarnation, _settings.LeaseTtl, token).ConfigureAwait(false);
        if (!acquisition.Acquired || acquisition.Lease is not { } lease) return null;
        var fence = new WriteFence(region.TypeName, shard, lease.Epoch, _self.NodeId);
        lock (_gate)
        {
            ServeFirstLease(before, lease);
            region.Owned[shard] = fence;
            region.LastOwners[shard] = _self.NodeId;
        }
        _log.LogInformation("{Type} shard {Shard} acquired (epoch {Epoch})", region.TypeName, shard, lease.Epoch);
        return fence;
    }

    /// <summary>
    /// Under the gate, before holding a newly acquired lease: when it is the only one, no renewal has set the serving
    /// deadline for it yet, so the acquisition does (a later lease rides on the next renewal's deadline).
    /// </summary>
    private void ServeFirstLease(long before, ShardLease lease)
    {
        if (_adopted.Count == 0 && _regions.Values.All(r => r.Owned.Count == 0))
            _servingUntil = Math.Max(_servingUntil, before + (long)(lease.Remaining - _safetyMargin).TotalMilliseconds);
    }

    private async Task HandOffAsync(RegionState region, int shard)
    {
        var deadline = _settings.HandOffTimeout;
        try
        {
            await region.Region.Ask<ShardHandedOff>(new HandOffShard(shard, deadline), deadline + TimeSpan.FromSeconds(5), _system).ConfigureAwait(false);
            WriteFence? fence;
            lock (_gate)
            {
                if (region.Owned.Remove(shard, out fence))
                    region.LastOwners[shard] = null;
            }
            if (fence is not null)
                await _store.ReleaseAsync(region.TypeName, shard, _self.NodeId, fence.Epoch).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            _log.LogWarning("handing off {Type} shard {Shard} failed: {Error}; its lease will expire", region.TypeName, shard, error.Message);
        }
        finally
        {
            lock (_gate)
                region.Moving.Remove(shard);
            region.Region.Tell(new RelocateShards([shard]));
        }
    }

    // ---- placement ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Where shard <paramref name="shard"/> of <paramref name="typeName"/> lives: here under its lease, or in the region
    /// of its owner. An unowned shard is acquired when the plan gives it to this node (or when nobody took it after
    /// two views); otherwise the answer waits for the next view. Bounded by three heartbeat timeouts.
    /// </summary>
    internal async Task<ShardHome> LocateAsync(string typeName, int shard, CancellationToken cancellationToken)
    {
        var deadline = Environment.TickCount64 + (long)(_settings.HeartbeatTimeout * 3).TotalMilliseconds;
        for (var views = 0; ; views++)
        {
            RegionState? region;
            View view;
            Task next;
            lock (_gate)
            {
                region = _regions.GetValueOrDefault(typeName)
                    ?? throw new InvalidOperationException($"no region of '{typeName}' is attached to the cluster membership");
                if (region.Owned.TryGetValue(shard, out var fence) && Environment.TickCount64 < _servingUntil)
                    return ShardHome.Owned(fence);
                view = _view;
                next = _nextView.Task;
            }
            var lease = view.Leases.GetValueOrDefault(typeName)?.FirstOrDefault(l => l.ShardId == shard);
            var owner = lease is { Owner: { } o, Expired: false } && o != _self.NodeId
                ? view.Members.FirstOrDefault(m => m.NodeId == o && m.Incarnation == lease.OwnerIncarnation && m.Status is MemberStatus.Up or MemberStatus.Leaving)
                : null;
            if (owner is not null)
                return ShardHome.At(_transport.Resolve(owner.NodeId, ShardRegionPath(typeName)));
            if (!_leaving && !_partitioned && !_downed.Task.IsCompleted && (views >= 2 || PlannedHere(region, view, shard)))
            {
                if (await TryAcquireAsync(region, shard, cancellationToken).ConfigureAwait(false) is { } acquired)
                    return ShardHome.Owned(acquired);
            }
            if (Environment.TickCount64 > deadline)
                throw new TimeoutException($"{typeName} shard {shard} has no owner the cluster can reach");
            await next.WaitAsync(_tick * 3, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool PlannedHere(RegionState region, View view, int shard)
    {
        IReadOnlyList<int> moving;
        lock (_gate)
            moving = region.Moving.ToList();
        var plan = region.Allocator.Allocate(view.Members, view.IsolatedDataCentres, view.Leases.GetValueOrDefault(region.TypeName) ?? [], moving);
        return plan.Assignments.Any(a => a.ShardId == shard && a.NodeId == _self.NodeId);
    }

    /// <summary>The path of a type's region on every node (see <see cref="ShardRegion.Start"/>).</summary>
    internal static string ShardRegionPath(string typeName) => "/user/sharding-" + Uri.EscapeDataString(typeName);

    private static Dictionary<int, string?> Owners(View view, RegionState region)
    {
        var owners = new Dictionary<int, string?>();
        foreach (var lease in view.Leases.GetValueOrDefault(region.TypeName) ?? [])
            owners[lease.ShardId] = lease is { Owner: { } o, Expired: false } ? o : null;
        return owners;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Stops the loop without leaving (the node's leases expire on their own); see <see cref="LeaveAsync"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        _transport.PeerReachabilityChanged -= OnPeerReachability;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _watchdog.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private sealed class RegionState(string typeName, ActorRef region, ShardAllocator allocator)
    {
        public string TypeName { get; } = typeName;
        public ActorRef Region { get; } = region;
        public ShardAllocator Allocator { get; } = allocator;
        public Dictionary<int, WriteFence> Owned { get; } = new();
        public HashSet<int> Moving { get; } = new();
        public Dictionary<int, string?> LastOwners { get; set; } = new();
    }

    private sealed record View(IReadOnlyList<ClusterMember> Members, IReadOnlyList<string> IsolatedDataCentres, IReadOnlyDictionary<string, IReadOnlyList<ShardLease>> Leases)
    {
        public static View Empty { get; } = new([], [], new Dictionary<string, IReadOnlyList<ShardLease>>());
    }
}
