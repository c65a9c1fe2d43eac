using System.Net;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Switch.Node.Configuration;
using Switch.Node.Logging;
using Switch.Runtime.Actors;
using Switch.Runtime.Cluster;
using Switch.Runtime.Sharding;

namespace Switch.Node.Admin;

/// <summary>
/// The cluster calls behind swctl's <c>cluster</c> and <c>dc</c> palettes, and the rehearsals' fault injection. On a
/// cluster node they read and change the membership in the cluster's database (<see cref="ClusterMembership"/>); a
/// single node reports itself as a cluster of one, its own leader, and refuses what needs other nodes with 409:
/// nothing is pretended. Every change is logged with the operator (X-Operator) and the caller's address.
/// </summary>
internal sealed class ClusterApi(NodeSettings settings, NodeHealth health, ActorSystem system, ClusterMembership? cluster, NodeLifetime lifetime, ILogger log)
{
    /// <summary>A single node's data centre.</summary>
    private const string SingleNodeDataCenter = "default";

    private static AdminJson Json => AdminJson.Readable;

    /// <summary>Adds these calls to <paramref name="routes"/>.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/cluster", context => Show(context));
        routes.MapPost("/cluster/leave", context => Leave(context));
        routes.MapPost("/cluster/down/{node}", context => Down(context));
        routes.MapPost("/cluster/down-unreachable", context => DownUnreachable(context));
        routes.MapPost("/dc/{dc}/isolate", context => SetIsolated(context, isolated: true));
        routes.MapPost("/dc/{dc}/failback", context => SetIsolated(context, isolated: false));
        routes.MapPost("/faults/partition", context => Partition(context));
    }

    private async Task Show(HttpContext context)
    {
        if (cluster is null)
        {
            await Write(context, SingleNode(context), Json.ClusterView);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        var membershipSettings = settings.Cluster!.Value.Membership;
        var late = membershipSettings.HeartbeatInterval * 2;
        var members = cluster.Members.OrderBy(m => m.NodeId, StringComparer.Ordinal).ToList();
        var unreachable = members
            .Where(m => m.NodeId != settings.NodeId && (m.Status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.Leaving) && m.HeartbeatAge > late)
            .Select(m => m.NodeId).ToList();
        var states = (await cluster.DataCentresAsync(context.RequestAborted)).ToDictionary(d => d.DataCentre, StringComparer.Ordinal);
        var dataCenters = members.Select(m => m.DataCentre).Concat(states.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(dc => states.TryGetValue(dc, out var state) ? View(state) : new DataCenterView(dc, Isolated: false, ChangedBy: null, ChangedAt: null))
            .ToList();
        var shards = new List<RegionShardsView>();
        foreach (var type in ShardRegion.TypeNames(system)) // the regions attached to the membership, not whatever else holds leases
        {
            var owners = (await cluster.LeasesAsync(type, context.RequestAborted))
                .Where(l => l is { Owner: not null, Expired: false })
                .GroupBy(l => l.Owner!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ShardOwnerView(g.Key, g.Count())).ToList();
            shards.Add(new RegionShardsView(type, owners, cluster.OwnedShards(type).Keys.Order().ToList()));
        }
        var view = new ClusterView("cluster", settings.NodeId, Leader: null, members.Select(m => View(m, now)).ToList(), unreachable, cluster.Incarnation,
            membershipSettings.DataCentre, cluster.Partitioned, dataCenters, shards);
        await Write(context, view, Json.ClusterView);
    }

    private ClusterView SingleNode(HttpContext context)
    {
        var address = new IPEndPoint(context.Connection.LocalIpAddress ?? IPAddress.None, context.Connection.LocalPort).ToString();
        var status = health.Phase switch
        {
            NodePhase.Starting => "joining",
            NodePhase.Ready => "up",
            _ => "leaving",
        };
        var self = new MemberView(settings.NodeId, address, status, [], SingleNodeDataCenter, health.StartedAt,
            (long)(DateTimeOffset.UtcNow - health.StartedAt).TotalSeconds, Incarnation: null, HeartbeatAgeMs: null);
        return new ClusterView("single-node", settings.NodeId, settings.NodeId, [self], [], Incarnation: null, SingleNodeDataCenter, Partitioned: false,
            [new DataCenterView(SingleNodeDataCenter, Isolated: false, ChangedBy: null, ChangedAt: null)], []);
    }

    /// <summary>202 first; the node's graceful stop (the one SIGTERM triggers) begins once the answer is sent.</summary>
    private async Task Leave(HttpContext context)
    {
        var membership = Clustered(context, "cluster leave", "there is no cluster to leave; stop the node with SIGTERM for a graceful stop");
        var who = Operator(context);
        Changed(context, $"asked node {settings.NodeId} (incarnation {membership.Incarnation}) to leave the cluster and stop");
        context.Response.OnCompleted(() =>
        {
            lifetime.RequestStop($"admin: {who}: cluster leave");
            return Task.CompletedTask;
        });
        var message = $"node {settings.NodeId} is leaving the cluster: it hands its shards off to the other nodes, then stops";
        await Write(context, new LeaveView(settings.NodeId, message), Json.LeaveView, StatusCodes.Status202Accepted);
    }

    private async Task Down(HttpContext context)
    {
        var node = (string)context.GetRouteValue("node")!;
        var membership = Clustered(context, $"cluster down {Echo(node)}", "there is no other node to down");
        if (node == settings.NodeId)
            throw new AdminRefusal(StatusCodes.Status409Conflict,
                $"{node} is the node answering: stop it gracefully with cluster leave, or mark it down from another node");
        if (membership.Members.All(m => m.NodeId != node))
            throw AdminRefusal.NotFound($"no member '{Echo(node)}' in the cluster");
        var downed = await membership.DownAsync(node);
        Changed(context, downed ? $"marked node {node} down" : $"cluster down {node}: it was down or removed already");
        await Write(context, new DownView(node, downed, downed
            ? $"node {node} is down: its shards move to the other nodes, and it stops if it still runs"
            : $"node {node} was down or removed already"), Json.DownView);
    }

    private async Task DownUnreachable(HttpContext context)
    {
        var membership = Clustered(context, "cluster down-unreachable", "there is no unreachable node");
        var downed = await membership.DownUnreachableAsync();
        Changed(context, downed.Count == 0 ? "cluster down-unreachable: no member was silent" : $"marked the silent nodes down: {string.Join(", ", downed)}");
        await Write(context, new DownUnreachableView(downed), Json.DownUnreachableView);
    }

    private async Task SetIsolated(HttpContext context, bool isolated)
    {
        var dc = (string)context.GetRouteValue("dc")!;
        var membership = isolated
            ? Clustered(context, $"dc isolate {Echo(dc)}", $"all shards live in this node's data centre ({SingleNodeDataCenter}), with nowhere else to move them")
            : Clustered(context, $"dc failback {Echo(dc)}", $"no data centre was isolated: all shards live in this node's data centre ({SingleNodeDataCenter})");
        if (membership.Members.All(m => m.DataCentre != dc))
            throw AdminRefusal.NotFound($"no member was ever in data centre '{Echo(dc)}'");
        var state = await membership.SetDataCentreIsolatedAsync(dc, isolated, Operator(context));
        Changed(context, isolated ? $"isolated data centre {dc}: every shard moves out of it" : $"failed back data centre {dc}: its nodes take shards again");
        await Write(context, View(state), Json.DataCenterView);
    }

    private async Task Partition(HttpContext context)
    {
        if (!settings.Admin.FaultInjection)
        {
            log.LogWarning("admin: {Operator} from {Remote}: refused faults partition: fault injection is off", Operator(context),
                context.Connection.RemoteIpAddress);
            throw new AdminRefusal(StatusCodes.Status403Forbidden,
                "fault injection is off on this node: POST /faults/partition needs switch.admin.fault-injection = true (rehearsals only, never in production)");
        }
        var membership = Clustered(context, "faults partition", "there is no cluster to cut it off from");
        var partitioned = (await AdminApi.ReadAsync(context, Json.PartitionRequest, """{"partitioned": true}""")).Partitioned;
        membership.SetPartitioned(partitioned);
        var message = partitioned
            ? $"node {settings.NodeId} is cut off from the cluster's database and its peers: it stops serving its shards before their leases expire, "
              + "and the other nodes take them"
            : $"the injected partition of node {settings.NodeId} ends: if the cluster marked it down meanwhile, it stops (exit code 3) "
              + "so that a new incarnation can join";
        log.LogWarning("admin: {Operator} from {Remote}: {Change}", Operator(context), context.Connection.RemoteIpAddress,
            partitioned ? $"cut node {settings.NodeId} off from the cluster (fault injection)" : $"ended the injected partition of node {settings.NodeId}");
        await Write(context, new PartitionView(settings.NodeId, partitioned, message), Json.PartitionView);
    }

    /// <summary>This node's membership; on a single node the call is refused (409), and logged like any operator action.</summary>
    private ClusterMembership Clustered(HttpContext context, string command, string why)
    {
        if (cluster is not null)
            return cluster;
        log.LogInformation("admin: {Operator} from {Remote}: refused {Command}: single-node mode", Operator(context), context.Connection.RemoteIpAddress, command);
        throw new AdminRefusal(StatusCodes.Status409Conflict, $"this node is not part of a cluster (single-node mode): {why}");
    }

    private void Changed(HttpContext context, string what) =>
        log.LogInformation("admin: {Operator} from {Remote}: {Change}", Operator(context), context.Connection.RemoteIpAddress, what);

    private static MemberView View(ClusterMember member, DateTimeOffset now) => new(member.NodeId, member.Address, member.Status.ToString().ToLowerInvariant(),
        member.Roles, member.DataCentre, member.JoinedAt, Math.Max(0, (long)(now - member.JoinedAt).TotalSeconds), member.Incarnation,
        (long)member.HeartbeatAge.TotalMilliseconds);

    private static DataCenterView View(DataCentreState state) => new(state.DataCentre, state.Isolated, state.ChangedBy, state.ChangedAt);

    /// <summary>Who asked: the X-Operator header, "unknown" without it.</summary>
    private static string Operator(HttpContext context) =>
        context.Request.Headers["X-Operator"].ToString().Trim() is { Length: > 0 } who ? who : "unknown";

    /// <summary>A name from the caller, fit to repeat in an answer: a card number typed by mistake comes back masked.</summary>
    private static string Echo(string text) => PanMaskingEnricher.Mask(text) ?? text;

    private static Task Write<T>(HttpContext context, T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(value, type, cancellationToken: context.RequestAborted);
    }
}
