using System.Collections.Concurrent;
using System.Net;
using System.Runtime.Serialization;
using System.Text;
using Microsoft.Extensions.Logging;
using Switch.Runtime.Actors;

namespace Switch.Runtime.Remote;

/// <summary>
/// Everything this node sends to one peer: the bounded send queue, the one connection it dials (reconnected when
/// lost, with a back-off), the writer loop that drains the queue into it and flushes once per batch, heartbeats,
/// and the peer's reachability. Lives as long as the transport; <see cref="RemoveEndpoint"/> takes its route away.
/// </summary>
internal sealed class Association
{
    private const int MaxBatchBytes = 256 * 1024;

    private readonly RemoteTransport _transport;
    private readonly SendQueue _queue;
    private readonly object _gate = new();
    private readonly HashSet<(ActorRef Watchee, ActorRef Watcher)> _watches = [];
    private readonly ConcurrentDictionary<PromiseActorRef, byte> _asks = new(); // unanswered Asks sent to this node
    private readonly Task _writing;
    private EndPoint? _endpoint;
    private OutboundLink? _link;
    private long _lastHeard;
    private bool _reachable;
    private int _heartbeatDue;
    private long _disconnectedSince;
    private int _failedAttempts;
    private volatile bool _stopping;

    public Association(RemoteTransport transport, string address)
    {
        _transport = transport;
        Address = address;
        Log = transport.Log;
        _queue = new SendQueue(transport.Settings.SendQueueSize);
        _writing = Task.Run(WriteLoopAsync);
    }

    public string Address { get; }

    public ILogger Log { get; }

    public bool IsReachable
    {
        get
        {
            lock (_gate) return _reachable;
        }
    }

    /// <summary>A reference to <paramref name="localPath"/> on this peer (<c>/user/a</c>, or <c>/temp#12</c>).</summary>
    public RemoteActorRef CreateRef(string localPath, string? wirePath = null, bool interned = true)
    {
        var uid = 0L;
        var names = localPath;
        var hash = localPath.IndexOf('#');
        if (hash >= 0)
        {
            if (!long.TryParse(localPath.AsSpan(hash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uid))
                throw new ArgumentException($"'{localPath}' is not an actor path", nameof(localPath));
            names = localPath[..hash];
        }
        var path = ActorPath.Root(Address);
        var segments = names.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++) path = path.Child(segments[i], i == segments.Length - 1 ? uid : 0);
        return new RemoteActorRef(this, path, wirePath ?? WireFormat.Scheme + Address + localPath, interned && hash < 0);
    }

    // ---- sending (any thread) -----------------------------------------------------------------------------

    public void Send(RemoteActorRef recipient, object message, ActorRef? sender)
    {
        if (Volatile.Read(ref _endpoint) is null)
        {
            Refuse(message, sender, recipient, $"no route to node {Address}");
            return;
        }
        FrameKind kind;
        string? manifest;
        byte[] payload;
        switch (message)
        {
            case Status.Failure failure:
                kind = FrameKind.Failure;
                manifest = RemoteException.TypeNameOf(failure.Cause);
                payload = Encoding.UTF8.GetBytes(failure.Cause.Message);
                break;
            case PoisonPill:
                kind = FrameKind.PoisonPill;
                manifest = null;
                payload = [];
                break;
            default:
                try
                {
                    (manifest, payload) = _transport.Serializer.Serialize(message);
                    kind = FrameKind.Message;
                }
                catch (Exception e)
                {
                    var cause = e as SerializationException ?? new SerializationException($"serializing {message.GetType().Name} failed: {e.Message}", e);
                    Refuse(message, sender, recipient, cause);
                    return;
                }
                break;
        }
        string? senderPath = null;
        var internSender = false;
        if (sender is not null) senderPath = _transport.WirePathOf(sender, out internSender);
        // An upper bound of the frame (a UTF-8 char takes at most 3 bytes); exact enough to refuse before queueing.
        var frame = 32L + payload.Length + 3L * (recipient.WirePath.Length + (senderPath?.Length ?? 0) + (manifest?.Length ?? 0));
        if (frame > _transport.Settings.MaximumFrameSize)
        {
            Refuse(message, sender, recipient, $"a {message.GetType().Name} of {payload.Length} bytes exceeds the maximum frame size of {_transport.Settings.MaximumFrameSize} bytes");
            return;
        }
        if (!_queue.TryEnqueue(new OutboundMessage(kind, recipient, message, sender, senderPath, internSender, manifest, payload)))
        {
            Refuse(message, sender, recipient, $"the send queue to node {Address} is full ({_transport.Settings.SendQueueSize} messages)");
            return;
        }
        if (sender is PromiseActorRef ask && _asks.TryAdd(ask, 0))
            ask.Task.ContinueWith(static (answered, state) =>
            {
                var (asks, ask) = ((ConcurrentDictionary<PromiseActorRef, byte>, PromiseActorRef))state!;
                asks.TryRemove(ask, out var unused);
            }, (_asks, ask), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void OnSystemMessage(RemoteActorRef watchee, SystemMessage message)
    {
        switch (message)
        {
            case Watch watch:
                bool routed;
                lock (_gate)
                {
                    routed = _endpoint is not null;
                    if (routed) _watches.Add((watchee, watch.Watcher));
                }
                if (!routed) watch.Watcher.SendSystemMessage(new DeathWatchNotification(watchee));
                break;
            case Unwatch unwatch:
                lock (_gate) _watches.Remove((watchee, unwatch.Watcher));
                break;
            default:
                Log.LogWarning("{Message} for {Actor} on node {Node} is not sent across nodes (send PoisonPill to stop it)", message.GetType().Name, watchee.Path, Address);
                break;
        }
    }

    private void Refuse(object message, ActorRef? sender, ActorRef recipient, string reason) =>
        Refuse(message, sender, recipient, new RemoteDeliveryException(reason));

    private void Refuse(object message, ActorRef? sender, ActorRef recipient, Exception cause)
    {
        _transport.System.DeadLetter(message, sender, recipient, cause.Message);
        // Never answer a failure with a failure: two nodes could bounce them for ever.
        if (sender is not null && message is not Status.Failure) sender.Tell(new Status.Failure(cause), recipient);
    }

    private void FailQueued(string reason)
    {
        var cause = new RemoteDeliveryException(reason);
        while (_queue.TryDequeue(out var queued)) Refuse(queued.Message, queued.Sender, queued.Recipient, cause);
    }

    // ---- membership and reachability ----------------------------------------------------------------------

    public void SetEndpoint(EndPoint endpoint)
    {
        OutboundLink? stale;
        lock (_gate)
        {
            if (endpoint.Equals(_endpoint)) return;
            stale = _endpoint is null ? null : _link;
            _endpoint = endpoint;
        }
        stale?.Abort();
        RequestHeartbeat();
    }

    public void RemoveEndpoint()
    {
        List<(ActorRef Watchee, ActorRef Watcher)> watches;
        OutboundLink? link;
        lock (_gate)
        {
            if (_endpoint is null) return;
            _endpoint = null;
            link = _link;
            watches = [.. _watches];
            _watches.Clear();
            _lastHeard = 0;
        }
        link?.Abort();
        _queue.Signal();
        FailQueued($"node {Address} left");
        // Asks it never answered will not be answered: they end now instead of at their timeouts.
        var lost = new RemoteNodeLostException(Address);
        foreach (var ask in _asks.Keys)
            ask.Tell(new Status.Failure(lost));
        foreach (var (watchee, watcher) in watches) watcher.SendSystemMessage(new DeathWatchNotification(watchee));
        Evaluate();
    }

    /// <summary>Something arrived from the peer (on any connection).</summary>
    public void Heard()
    {
        Volatile.Write(ref _lastHeard, Environment.TickCount64);
        if (!Volatile.Read(ref _reachable)) Evaluate();
    }

    /// <summary>Every heartbeat interval: a heartbeat is due, and the failure detector looks at the last arrival.</summary>
    public void Tick()
    {
        RequestHeartbeat();
        Evaluate();
    }

    private void RequestHeartbeat()
    {
        if (Volatile.Read(ref _endpoint) is null) return;
        Interlocked.Exchange(ref _heartbeatDue, 1);
        _queue.Signal();
    }

    private void Evaluate()
    {
        OutboundLink? unreachableLink = null;
        lock (_gate)
        {
            var heard = Volatile.Read(ref _lastHeard);
            var reachable = heard != 0 && Environment.TickCount64 - heard <= (long)_transport.Settings.AcceptableHeartbeatPause.TotalMilliseconds;
            if (reachable == _reachable) return;
            _reachable = reachable;
            if (!reachable) unreachableLink = _link;
            if (reachable) Log.LogInformation("node {Node} is reachable", Address);
            else Log.LogWarning("node {Node} is unreachable: nothing heard from it for {Pause} ms", Address, _transport.Settings.AcceptableHeartbeatPause.TotalMilliseconds);
            _transport.OnReachabilityChanged(Address, reachable);
        }
        // A connection the peer stopped answering on may be half-open: drop it so that the next attempt dials afresh.
        unreachableLink?.Abort();
    }

    public void OnLinkBroken() => _queue.Signal();

    public void OnRejected(string senderPath, string typeName, string reason) => _transport.OnRejected(Address, senderPath, typeName, reason);

    // ---- the writer loop ----------------------------------------------------------------------------------

    public async Task StopAsync()
    {
        _stopping = true;
        _queue.Signal();
        lock (_gate) _link?.Abort();
        await _writing.ConfigureAwait(false);
        FailQueued($"the transport of node {_transport.System.Name} stopped");
    }

    private async Task WriteLoopAsync()
    {
        OutboundLink? link = null;
        while (true)
        {
            await _queue.WaitAsync().ConfigureAwait(false);
            if (_stopping) break;
            if (link is { IsBroken: true })
            {
                Drop(link);
                link = null;
            }
            if (link is null)
            {
                var endpoint = Volatile.Read(ref _endpoint);
                if (endpoint is null)
                {
                    FailQueued($"no route to node {Address}");
                    continue;
                }
                if (_queue.IsEmpty && Volatile.Read(ref _heartbeatDue) == 0) continue;
                link = await ConnectAsync(endpoint).ConfigureAwait(false);
                if (link is null) continue;
            }
            // Let the producers that run now queue more before this batch goes: woken by the first message, the loop
            // would otherwise send most messages one per system call.
            await Task.Yield();
            try
            {
                var flushed = await WriteBatch(link).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled) link.Abort();
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
            {
                link.Abort();
            }
            // Come round again even when no producer signals: there may be more than one batch queued.
            if (!_queue.IsEmpty || link.IsBroken) _queue.Signal();
        }
        if (link is not null) Drop(link);
    }

    private ValueTask<System.IO.Pipelines.FlushResult> WriteBatch(OutboundLink link)
    {
        var written = 0;
        if (Interlocked.Exchange(ref _heartbeatDue, 0) == 1)
        {
            link.WriteHeartbeat();
            written++;
        }
        while (written < MaxBatchBytes && _queue.TryDequeue(out var message)) written += link.Write(message);
        return link.Output.FlushAsync();
    }

    private void Drop(OutboundLink link)
    {
        lock (_gate)
            if (_link == link) _link = null;
        link.Close();
        Interlocked.CompareExchange(ref _disconnectedSince, Environment.TickCount64, 0);
        if (!_stopping) Log.LogInformation("connection to node {Node} lost", Address);
    }

    private async Task<OutboundLink?> ConnectAsync(EndPoint endpoint)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_transport.Stopping);
        timeout.CancelAfter(_transport.Settings.HandshakeTimeout);
        Connection? connection = null;
        try
        {
            connection = await Connection.ConnectAsync(endpoint, _transport.Certificate, timeout.Token).ConfigureAwait(false);
            await Handshake.DialAsync(connection, _transport.System.Name, Address, _transport.Secret, timeout.Token).ConfigureAwait(false);
            var link = new OutboundLink(this, connection);
            lock (_gate)
            {
                // The peer moved (or left) while we dialled: nothing may be written to where it was.
                if (_stopping || !endpoint.Equals(_endpoint))
                {
                    link.Close();
                    return null;
                }
                _link = link;
            }
            Log.LogInformation("connected to node {Node} at {Endpoint}", Address, endpoint);
            Interlocked.Exchange(ref _disconnectedSince, 0);
            _failedAttempts = 0;
            Heard();
            return link;
        }
        catch (Exception e) when (!_stopping)
        {
            connection?.Abort();
            var reason = e switch
            {
                OperationCanceledException => $"no handshake within {_transport.Settings.HandshakeTimeout.TotalMilliseconds:0} ms",
                _ => e.Message,
            };
            // The first failure of a series is a warning (a wrong secret shows here); the repeats only debug.
            if (_failedAttempts++ == 0) Log.LogWarning("connecting to node {Node} at {Endpoint} failed: {Reason}", Address, endpoint, reason);
            else Log.LogDebug("connecting to node {Node} at {Endpoint} failed again ({Attempts}): {Reason}", Address, endpoint, _failedAttempts, reason);
            var now = Environment.TickCount64;
            var since = Interlocked.CompareExchange(ref _disconnectedSince, now, 0);
            if (since != 0 && now - since > _transport.Settings.DisconnectedQueueTimeout.TotalMilliseconds && !_queue.IsEmpty)
                FailQueued($"node {Address} could not be reached for {now - since} ms: {reason}");
            try
            {
                await Task.Delay(_transport.Settings.ReconnectBackoff, _transport.Stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
            return null;
        }
        catch
        {
            connection?.Abort();
            return null;
        }
    }
}
