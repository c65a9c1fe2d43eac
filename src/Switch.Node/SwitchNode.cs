using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switch.Actors;
using Switch.Actors.Channels;
using Switch.Actors.Remoting;
using Switch.Actors.Security;
using Switch.Node.Acquirers;
using Switch.Node.Admin;
using Switch.Node.Configuration;
using Switch.Runtime.Actors;
using Switch.Runtime.Cluster;
using Switch.Runtime.Metrics;
using Switch.Runtime.Persistence;
using Switch.Runtime.Sharding;
using Switch.Simulators;

namespace Switch.Node;

/// <summary>
/// One running node: the journal, the actor system with the payment switch, the admin endpoint, the acquirer
/// listeners (Kestrel), and in demo mode the bank host simulator. <see cref="StopAsync"/> is the graceful stop that
/// SIGTERM triggers: stop taking requests, finish those in flight (bounded), flush the journal. The node runs it by
/// itself when its <see cref="NodeLifetime"/> is asked to stop (a signal, or an operator's <c>cluster leave</c>).
/// </summary>
internal sealed class SwitchNode : IAsyncDisposable
{
    private readonly NodeSettings _settings;
    private readonly ILogger _log;
    private readonly EventJournal _journal;
    private readonly SnapshotStore _snapshots;
    private readonly ActorSystem _system;
    private readonly BankHostSimulator? _demoBank;
    private readonly WebApplication? _server;
    private readonly List<(AcquirerListener Listener, ListenOptions Endpoint)> _listeners;
    private readonly NodeHealth _health;
    private readonly AdminServer? _admin;
    private readonly NodeCluster? _cluster;
    private readonly Lazy<Task> _stop;

    private SwitchNode(NodeSettings settings, ILogger log, EventJournal journal, SnapshotStore snapshots, ActorSystem system,
        BankHostSimulator? demoBank, PaymentSwitch payments, WebApplication? server, List<(AcquirerListener, ListenOptions)> listeners,
        NodeHealth health, AdminServer? admin, NodeCluster? cluster)
    {
        _settings = settings;
        _log = log;
        _journal = journal;
        _snapshots = snapshots;
        _system = system;
        _demoBank = demoBank;
        Payments = payments;
        _server = server;
        _listeners = listeners;
        _health = health;
        _admin = admin;
        _cluster = cluster;
        _stop = new Lazy<Task>(StopOnceAsync);
    }

    /// <summary>The payment switch.</summary>
    public PaymentSwitch Payments { get; }

    /// <summary>The demo bank simulator, when enabled.</summary>
    public BankHostSimulator? DemoBank => _demoBank;

    /// <summary>The acquirer listeners and the endpoints they are bound to (port 0 in the settings becomes the real one).</summary>
    public IReadOnlyList<(AcquirerListener Listener, IPEndPoint Endpoint)> Acquirers =>
        _listeners.Select(l => (l.Listener, (IPEndPoint)l.Endpoint.EndPoint)).ToList();

    /// <summary>This node's cluster membership; null on a single node.</summary>
    public ClusterMembership? Cluster => _cluster?.Membership;

    /// <summary>The admin endpoint's bound address (port 0 in the settings becomes the real one); null when it is disabled.</summary>
    public IPEndPoint? AdminEndpoint => _admin?.Endpoint;

    /// <summary>Starts the node; it stops by itself when <paramref name="lifetime"/> (by default its own) is asked to.</summary>
    public static async Task<SwitchNode> StartAsync(NodeSettings settings, ILoggerFactory loggerFactory, NodeLifetime? lifetime = null)
    {
        lifetime ??= new NodeLifetime();
        var log = loggerFactory.CreateLogger("Switch.Node");
        // Counting starts when the collector listens: before the journal and the actors exist.
        var metrics = settings.Admin.Enabled ? new MetricsCollector() : null;
        var (journal, snapshots) = await OpenJournalAsync(settings.Journal, loggerFactory).ConfigureAwait(false);
        var system = ActorSystem.Create(settings.NodeId, loggerFactory);
        var serializer = PaymentSwitch.Serializer();
        if (settings.Cluster is not null)
            SwitchMessages.Register(serializer, CardDataProtector.FromHex(settings.Payments.CardDataKeyHex));
        system.UsePersistence(journal, snapshots, serializer);
        var cluster = settings.Cluster is { } clusterSettings
            ? await NodeCluster.JoinAsync(system, serializer, clusterSettings.Membership, clusterSettings.Transport, loggerFactory).ConfigureAwait(false)
            : null;
        BankHostSimulator? demoBank = null;
        var payments = settings.Payments;
        if (settings.DemoBank.Enabled)
        {
            var demo = settings.DemoBank;
            var behaviour = new BankHostBehaviour
            {
                Latency = demo.Latency > TimeSpan.Zero ? Latency.Fixed(demo.Latency) : Latency.None,
                Declines = demo.DeclineRatio > 0 ? [new Decline("05", demo.DeclineRatio)] : [],
            };
            demoBank = new BankHostSimulator(new BankHostOptions(demo.Dialect, demo.Framing)
            {
                Endpoint = new IPEndPoint(IPAddress.Loopback, demo.Port),
                Behaviour = behaviour,
            }, loggerFactory.CreateLogger("Switch.DemoBank"));
            await demoBank.StartAsync().ConfigureAwait(false);
            log.LogInformation("demo bank simulator listening on {Endpoint} (not for production)", demoBank.Endpoint);
            var port = demoBank.Endpoint.Port;
            payments = payments with
            {
                Channels = payments.Channels.Select(c => settings.DemoBankChannels.Contains(c.Name)
                    ? c with { Host = "127.0.0.1", Port = port, Dialect = demo.Dialect, Framing = demo.Framing }
                    : c).ToList(),
            };
        }
        if (cluster is not null)
        {
            payments = payments with { AccountPlacement = cluster.Membership.Placement, ClusterNodeId = settings.NodeId };
            // Adopted while this node was away: its channels' queues start once the adopter has handed them back.
            await cluster.Membership.WaitForOwnNodeStateAsync(StoreAndForwardAdoption.Kind, settings.Cluster!.Value.Membership.HandOffTimeout * 2).ConfigureAwait(false);
        }
        var paymentSwitch = PaymentSwitch.Start(system, payments);
        if (cluster is not null)
        {
            cluster.Membership.Attach(PaymentSwitch.AccountType, ShardRegion.Find(system, PaymentSwitch.AccountType)!, payments.AccountShards);
            cluster.Membership.AdoptNodeState(StoreAndForwardAdoption.Kind,
                new StoreAndForwardAdoption(system, paymentSwitch.Channels, settings.Cluster!.Value.Membership.HandOffTimeout));
        }
        var health = new NodeHealth();
        AdminServer? admin = null;
        if (settings.Admin.Enabled)
        {
            admin = await AdminServer.StartAsync(settings, paymentSwitch, health, metrics!, system, journal, cluster?.Membership, lifetime, loggerFactory)
                .ConfigureAwait(false);
            log.LogInformation("admin endpoint listening on {Endpoint}", admin.Endpoint);
            if (settings.Admin.Token.Length == 0)
                log.LogWarning("no admin token is configured (switch.admin.token or SWITCH_ADMIN_TOKEN): the admin endpoint refuses every call but the health checks");
        }
        await paymentSwitch.WhenControlsRecoveredAsync(settings.Journal.ReadTimeout).ConfigureAwait(false); // no request routed without them
        var listeners = settings.Acquirers.Select(a => new AcquirerListener(a, paymentSwitch, loggerFactory.CreateLogger("Switch.Acquirers"))).ToList();
        var bound = new List<(AcquirerListener, ListenOptions)>();
        var acquirers = new List<AcquirerView>();
        WebApplication? server = null;
        if (listeners.Count > 0)
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.Services.AddSingleton(loggerFactory);
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                foreach (var listener in listeners)
                {
                    var address = IPAddress.Parse(listener.Settings.Host);
                    kestrel.Listen(address, listener.Settings.Port, endpoint =>
                    {
                        endpoint.Use(_ => connection => listener.OnConnectedAsync(connection));
                        bound.Add((listener, endpoint));
                    });
                }
            });
            server = builder.Build();
            await server.StartAsync().ConfigureAwait(false);
            foreach (var (listener, endpoint) in bound)
            {
                log.LogInformation("acquirer {Listener} (acquirer id {AcquirerId}, {Dialect}, {Framing}) listening on {Endpoint}",
                    listener.Settings.Name, listener.Settings.AcquirerId, listener.Settings.Dialect.Name, listener.Settings.Framing.LengthHeader, endpoint.EndPoint);
                acquirers.Add(new AcquirerView(listener.Settings.Name, listener.Settings.AcquirerId, endpoint.EndPoint.ToString()!,
                    listener.Settings.Dialect.Name, listener.Settings.Framing.LengthHeader.ToString()));
            }
        }
        health.MarkReady(acquirers);
        if (!await paymentSwitch.WaitForChannelsAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false))
            log.LogWarning("not every bank channel is signed on yet; the router skips those until they are");
        var unfinished = await paymentSwitch.ReverseUnfinishedAsync(journal).ConfigureAwait(false);
        if (unfinished > 0)
            log.LogWarning("{Accounts} accounts had transactions in flight at the last stop: they are answered 91 and reversed", unfinished);
        log.LogInformation("node {Node} started", settings.NodeId);
        var node = new SwitchNode(settings, log, journal, snapshots, system, demoBank, paymentSwitch, server, bound, health, admin, cluster);
        _ = node.StopWhenRequestedAsync(lifetime);
        return node;
    }

    private async Task StopWhenRequestedAsync(NodeLifetime lifetime)
    {
        var reason = await lifetime.StopRequested.ConfigureAwait(false);
        _log.LogInformation("node {Node}: stop requested ({Reason})", _settings.NodeId, reason);
        await StopAsync().ConfigureAwait(false);
    }

    private static async Task<(EventJournal, SnapshotStore)> OpenJournalAsync(PersistenceOptions options, ILoggerFactory loggerFactory) => options switch
    {
        SqlitePersistenceOptions sqlite => (await SqliteJournal.OpenAsync(sqlite, loggerFactory).ConfigureAwait(false),
            await SqliteSnapshotStore.OpenAsync(sqlite, loggerFactory).ConfigureAwait(false)),
        PostgresPersistenceOptions postgres => (await PostgresJournal.OpenAsync(postgres, loggerFactory).ConfigureAwait(false),
            await PostgresSnapshotStore.OpenAsync(postgres, loggerFactory).ConfigureAwait(false)),
        _ => throw new ArgumentException("unknown journal backend"),
    };

    /// <summary>
    /// Graceful stop: no new requests, in-flight ones finish (up to the shutdown timeout), the journal is flushed. Runs
    /// once: every call returns that one stop, so a caller also waits for a stop already under way.
    /// </summary>
    public Task StopAsync() => _stop.Value;

    private async Task StopOnceAsync()
    {
        _health.MarkStopping();
        _log.LogInformation("node {Node} stopping: finishing in-flight transactions (at most {Timeout})", _settings.NodeId, _settings.ShutdownTimeout);
        foreach (var (listener, _) in _listeners)
            listener.Drain();
        if (_server is not null)
        {
            using var deadline = new CancellationTokenSource(_settings.ShutdownTimeout);
            try
            {
                await _server.StopAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _log.LogWarning("connections still open after {Timeout}: closed", _settings.ShutdownTimeout);
            }
            await _server.DisposeAsync().ConfigureAwait(false);
        }
        if (_cluster is not null) // the other nodes take this node's shards before its actors stop
            await _cluster.LeaveAsync(_settings.ShutdownTimeout).ConfigureAwait(false);
        if (_admin is not null) // after the acquirers' traffic, before the actors it asks
            await _admin.StopAsync(_settings.ShutdownTimeout).ConfigureAwait(false);
        await _system.TerminateAsync().ConfigureAwait(false);
        if (_cluster is not null)
            await _cluster.DisposeAsync().ConfigureAwait(false);
        await _journal.DisposeAsync().ConfigureAwait(false);
        await _snapshots.DisposeAsync().ConfigureAwait(false);
        if (_demoBank is not null)
            await _demoBank.DisposeAsync().ConfigureAwait(false);
        _log.LogInformation("node {Node} stopped", _settings.NodeId);
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
