using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Switch.Runtime.Actors;
using Switch.Runtime.Serialization;

namespace Switch.Runtime.Remote;

/// <summary>
/// Carries an actor system's messages to and from other nodes over TCP, so that Tell and Ask work across processes.
/// </summary>
/// <remarks>
/// <para><b>Addressing.</b> A node's address is its <see cref="ActorSystem.Name"/> (the address part of its paths,
/// <c>switch://node-2/user/...</c>). A membership layer tells the transport where each peer listens
/// (<see cref="SetPeer"/>, <see cref="RemovePeer"/>); <see cref="Resolve"/> gives an <see cref="ActorRef"/> to an actor
/// on a peer, indistinguishable from a local one. The sender of a message travels with it, so a reply goes back
/// across; a reply needs a route back, so every node should be a peer of every other.</para>
/// <para><b>Messages</b> are serialized with the <see cref="EventSerializer"/> (by their exact type); the transport
/// encodes <see cref="Status.Failure"/> (as the exception's type name and message, arriving as
/// <see cref="RemoteException"/>) and <see cref="PoisonPill"/> itself. A message that cannot be sent (type not
/// registered, above <see cref="RemoteSettings.MaximumFrameSize"/>, send queue full, no route, peer unreachable for
/// <see cref="RemoteSettings.DisconnectedQueueTimeout"/>) goes to dead letters and its sender gets a
/// <see cref="Status.Failure"/>, as does the sender of a message the receiving node cannot read. Delivery is at most
/// once: messages written to a connection that then breaks are lost. Messages from one sender to one recipient arrive
/// in the order sent. Deserializers get the payload only for the duration of the call: copy what they keep.</para>
/// <para><b>Connections.</b> The transport dials one connection per peer, which carries every message from this node
/// to that peer, and accepts the peers' connections, which carry theirs. Each connection first proves, both ways,
/// that the other side knows the cluster secret; with a certificate configured it runs over TLS.</para>
/// <para><b>Death watch</b> of a remote actor reports it terminated only when its node is removed with
/// <see cref="RemovePeer"/> (or has no route when watched).</para>
/// </remarks>
public sealed class RemoteTransport : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Association> _associations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<InboundLink, Task> _inbound = new();
    private volatile bool _severed;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Socket _listener;
    private readonly string _ownPrefix;
    private Task _accepting = Task.CompletedTask;
    private Task _watching = Task.CompletedTask;
    private int _disposed;

    private RemoteTransport(ActorSystem system, RemoteSettings settings, EventSerializer serializer, ILogger log, Socket listener, X509Certificate2? certificate)
    {
        System = system;
        Settings = settings;
        Serializer = serializer;
        Log = log;
        _listener = listener;
        Certificate = certificate;
        Secret = Encoding.UTF8.GetBytes(settings.Secret);
        LocalEndPoint = listener.LocalEndPoint!;
        _ownPrefix = WireFormat.Scheme + system.Name;
    }

    /// <summary>
    /// Starts listening on <see cref="RemoteSettings.Host"/>:<see cref="RemoteSettings.Port"/> and attaches the
    /// transport to <paramref name="system"/> (one transport per system). The serializer is frozen from now on.
    /// </summary>
    /// <param name="system">The local actor system; its name is this node's address.</param>
    /// <param name="settings">Where to listen, the cluster secret, limits, heartbeats.</param>
    /// <param name="serializer">The registry of the message types that may cross nodes.</param>
    /// <param name="loggerFactory">Where logs go; null takes the system's.</param>
    /// <param name="cancellationToken">Cancels resolving the host name.</param>
    /// <returns>The running transport; dispose it to close every connection.</returns>
    /// <exception cref="ArgumentException">The settings are invalid (e.g. no secret).</exception>
    /// <exception cref="InvalidOperationException">The system has a transport already.</exception>
    /// <exception cref="SocketException">The address cannot be listened on.</exception>
    public static async Task<RemoteTransport> StartAsync(ActorSystem system, RemoteSettings settings, EventSerializer serializer,
        ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(serializer);
        settings.Validate();
        serializer.Freeze();
        var log = (loggerFactory ?? system.LoggerFactory).CreateLogger("Switch.Runtime.Remote");
        var certificate = settings.CertificatePath.Length == 0
            ? null
            : X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath, settings.CertificatePassword);
        var address = IPAddress.TryParse(settings.Host, out var ip)
            ? ip
            : (await Dns.GetHostAddressesAsync(settings.Host, cancellationToken).ConfigureAwait(false))[0];
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        RemoteTransport transport;
        try
        {
            listener.Bind(new IPEndPoint(address, settings.Port));
            listener.Listen(512);
            transport = new RemoteTransport(system, settings, serializer, log, listener, certificate);
            system.AttachTransport(transport);
        }
        catch
        {
            listener.Dispose();
            certificate?.Dispose();
            throw;
        }
        transport._accepting = Task.Run(transport.AcceptLoopAsync);
        transport._watching = Task.Run(transport.WatchLoopAsync);
        log.LogInformation("node {Node} listens for peers on {EndPoint}{Tls}", system.Name, transport.LocalEndPoint, certificate is null ? "" : " (TLS)");
        return transport;
    }

    /// <summary>Where the transport listens (with the actual port when the settings asked for port 0).</summary>
    public EndPoint LocalEndPoint { get; }

    /// <summary>Raised with a peer's address and whether it is now reachable: when it is first heard from, and when
    /// nothing arrived from it for <see cref="RemoteSettings.AcceptableHeartbeatPause"/>. Handlers must return quickly.</summary>
    public event Action<string, bool>? PeerReachabilityChanged;

    internal ActorSystem System { get; }

    internal RemoteSettings Settings { get; }

    internal EventSerializer Serializer { get; }

    internal ILogger Log { get; }

    internal X509Certificate2? Certificate { get; }

    internal byte[] Secret { get; }

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>
    /// Tells the transport where the node <paramref name="nodeAddress"/> listens (again when it moved); the
    /// transport connects to it and keeps heartbeating it until <see cref="RemovePeer"/>.
    /// </summary>
    /// <param name="nodeAddress">The peer's address (its actor system's name).</param>
    /// <param name="endpoint">Where its transport listens.</param>
    /// <exception cref="ArgumentException"><paramref name="nodeAddress"/> is this node's own.</exception>
    public void SetPeer(string nodeAddress, EndPoint endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeAddress);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (nodeAddress == System.Name) throw new ArgumentException($"'{nodeAddress}' is this node's own address", nameof(nodeAddress));
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (_severed) return;
        AssociationFor(nodeAddress).SetEndpoint(endpoint);
    }

    /// <summary>
    /// Fault injection for rehearsals (a network partition): while severed, every peer is forgotten (queued messages go
    /// to dead letters, senders get a failure), incoming connections are closed as they come, and
    /// <see cref="SetPeer"/> is ignored. Ending it lets the membership add the peers again.
    /// </summary>
    /// <param name="severed">True to cut this node off from its peers; false to end the partition.</param>
    public void Sever(bool severed)
    {
        _severed = severed;
        if (!severed) return;
        foreach (var peer in _associations.Keys) RemovePeer(peer);
        foreach (var link in _inbound.Keys) link.Abort();
    }

    /// <summary>
    /// Forgets where <paramref name="nodeAddress"/> listens and closes its connections: messages queued for it go to
    /// dead letters (senders get a failure), later ones too, and watchers of its actors get Terminated.
    /// </summary>
    /// <param name="nodeAddress">The peer's address.</param>
    public void RemovePeer(string nodeAddress)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeAddress);
        if (_associations.TryGetValue(nodeAddress, out var association)) association.RemoveEndpoint();
        foreach (var link in _inbound.Keys)
            if (link.Peer == nodeAddress) link.Abort();
    }

    /// <summary>
    /// A reference to the actor at <paramref name="path"/> on node <paramref name="nodeAddress"/>. For this node's own
    /// address it is the local actor (dead letters when none lives there); for a peer it is sent to over the wire,
    /// whether or not the actor exists (messages to a missing one go to the peer's dead letters).
    /// </summary>
    /// <param name="nodeAddress">The node's address (its actor system's name).</param>
    /// <param name="path">The actor's path on that node, from the root: e.g. <c>/user/sharding-account</c>.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="ArgumentException">The path does not start with '/'.</exception>
    public ActorRef Resolve(string nodeAddress, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeAddress);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path[0] != '/') throw new ArgumentException($"'{path}' is not a path from the root (e.g. /user/name)", nameof(path));
        if (nodeAddress == System.Name) return System.ResolveLocal(path) ?? System.DeadLetters;
        return AssociationFor(nodeAddress).CreateRef(path);
    }

    /// <summary>
    /// Whether something (a message or a heartbeat answer) arrived from <paramref name="nodeAddress"/> within
    /// <see cref="RemoteSettings.AcceptableHeartbeatPause"/>. False for a node never heard from.
    /// </summary>
    /// <param name="nodeAddress">The peer's address.</param>
    public bool IsReachable(string nodeAddress) => _associations.TryGetValue(nodeAddress, out var association) && association.IsReachable;

    /// <summary>Stops listening, closes every connection and sends what is still queued to dead letters.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        await _watching.ConfigureAwait(false);
        foreach (var association in _associations.Values) await association.StopAsync().ConfigureAwait(false);
        foreach (var link in _inbound.Keys) link.Abort();
        await Task.WhenAll(_inbound.Values).ConfigureAwait(false);
        System.DetachTransport(this);
        Certificate?.Dispose();
        Log.LogInformation("node {Node} stopped its transport", System.Name);
    }

    internal Association AssociationFor(string nodeAddress) =>
        _associations.TryGetValue(nodeAddress, out var association)
            ? association
            : _associations.GetOrAdd(nodeAddress, static (address, transport) => new Association(transport, address), this);

    /// <summary>How <paramref name="sender"/> travels; exposes a reference outside the hierarchy so replies find it.</summary>
    internal string WirePathOf(ActorRef sender, out bool intern)
    {
        intern = true;
        switch (sender)
        {
            case RemoteActorRef remote:
                intern = remote.Interned;
                return remote.WirePath;
            case ActorCell or DeadLetterRef:
                return sender.Path.ToString();
        }
        var path = sender.Path;
        var text = path.ToString();
        var key = string.Concat(text.AsSpan(WireFormat.Scheme.Length + path.Address.Length), "#",
            path.Uid.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
        if (sender is PromiseActorRef promise)
        {
            intern = false;
            promise.Expose(key);
        }
        else System.Expose(key, sender);
        return WireFormat.Scheme + path.Address + key;
    }

    /// <summary>The actor a path received from a peer names: local when the path is this node's, else remote.</summary>
    internal ActorRef? ResolveWirePath(string wirePath, bool interned)
    {
        if (!WireFormat.TrySplitPath(wirePath, out var address, out var localPath)) return null;
        if (address.SequenceEqual(System.Name)) return System.ResolveLocal(localPath);
        return AssociationFor(address.ToString()).CreateRef(localPath, wirePath, interned);
    }

    /// <summary>The local actor a received path names; null when the path is another node's or nothing lives there.</summary>
    internal ActorRef? ResolveLocal(string wirePath) =>
        wirePath.Length > _ownPrefix.Length && wirePath[_ownPrefix.Length] == '/' && wirePath.StartsWith(_ownPrefix, StringComparison.Ordinal)
            ? System.ResolveLocal(wirePath[_ownPrefix.Length..])
            : null;

    internal void OnReachabilityChanged(string nodeAddress, bool reachable)
    {
        try
        {
            PeerReachabilityChanged?.Invoke(nodeAddress, reachable);
        }
        catch (Exception e)
        {
            Log.LogError(e, "a reachability handler failed for node {Node}", nodeAddress);
        }
    }

    /// <summary>A peer did not deliver a message this node sent: its sender (if any) gets the failure.</summary>
    internal void OnRejected(string nodeAddress, string senderPath, string typeName, string reason)
    {
        Log.LogWarning("node {Node} did not deliver a message from {Sender}: {Reason}", nodeAddress, senderPath.Length == 0 ? "nobody" : senderPath, reason);
        if (senderPath.Length == 0) return;
        ResolveWirePath(senderPath, interned: false)?.Tell(new Status.Failure(new RemoteException(typeName, reason)));
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(Stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (Stopping.IsCancellationRequested) return;
                Log.LogWarning("accepting a connection failed: {Reason}", e.Message);
                continue;
            }
            _ = AcceptAsync(socket);
        }
    }

    private async Task AcceptAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint;
        Connection? connection = null;
        string peer;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
            timeout.CancelAfter(Settings.HandshakeTimeout);
            connection = await Connection.AcceptAsync(socket, Certificate, timeout.Token).ConfigureAwait(false);
            peer = await Handshake.AcceptAsync(connection, System.Name, Secret, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (connection is null) socket.Dispose();
            else connection.Abort();
            if (!Stopping.IsCancellationRequested)
                Log.LogWarning("refused a connection from {Remote}: {Reason}", remote,
                    e is OperationCanceledException ? $"no handshake within {Settings.HandshakeTimeout.TotalMilliseconds:0} ms" : e.Message);
            return;
        }
        if (_severed)
        {
            connection.Abort();
            return;
        }
        var link = new InboundLink(this, connection, peer);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _inbound[link] = running.Task;
        if (Stopping.IsCancellationRequested) link.Abort();
        Log.LogInformation("node {Node} connected from {Remote}", peer, remote);
        try
        {
            await link.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _inbound.TryRemove(link, out _);
            running.SetResult();
        }
    }

    private async Task WatchLoopAsync()
    {
        using var timer = new PeriodicTimer(Settings.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(Stopping).ConfigureAwait(false))
                foreach (var association in _associations.Values) association.Tick();
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
