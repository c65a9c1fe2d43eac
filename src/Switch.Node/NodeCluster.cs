using System.Net;
using Microsoft.Extensions.Logging;
using Switch.Runtime.Actors;
using Switch.Runtime.Cluster;
using Switch.Runtime.Remote;
using Switch.Runtime.Serialization;

namespace Switch.Node;

/// <summary>
/// A cluster node's membership with what it stands on: the cluster store (the journal's PostgreSQL) and the
/// node-to-node transport. A node the cluster declares down stops at once (exit code 3), so that whatever
/// supervises it starts a new incarnation that joins again.
/// </summary>
internal sealed class NodeCluster : IAsyncDisposable
{
    private readonly ClusterStore _store;
    private readonly RemoteTransport _transport;

    private NodeCluster(ClusterStore store, RemoteTransport transport, ClusterMembership membership)
    {
        _store = store;
        _transport = transport;
        Membership = membership;
    }

    public ClusterMembership Membership { get; }

    public static async Task<NodeCluster> JoinAsync(ActorSystem system, EventSerializer serializer, ClusterSettings settings, RemoteSettings transportSettings,
        ILoggerFactory loggerFactory)
    {
        var log = loggerFactory.CreateLogger("Switch.Cluster");
        var store = await ClusterStore.OpenAsync(settings).ConfigureAwait(false);
        var transport = await RemoteTransport.StartAsync(system, transportSettings, serializer, loggerFactory).ConfigureAwait(false);
        var endpoint = (IPEndPoint)transport.LocalEndPoint;
        var self = new ClusterNode(system.Name, endpoint.ToString(), settings.DataCentre, settings.Roles);
        var membership = await ClusterMembership.JoinAsync(system, store, settings, self, transport).ConfigureAwait(false);
        _ = membership.WhenDowned.ContinueWith(_ =>
        {
            log.LogCritical("node {Node} was declared down by the cluster: exiting so that a new incarnation can join", system.Name);
            Environment.Exit(3);
        }, TaskScheduler.Default);
        return new NodeCluster(store, transport, membership);
    }

    /// <summary>Hands every shard to the other nodes and leaves the members table.</summary>
    public Task<bool> LeaveAsync(TimeSpan timeout) => Membership.LeaveAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await Membership.DisposeAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
    }
}
