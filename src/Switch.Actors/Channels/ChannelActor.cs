using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switch.Actors.Metrics;
using Switch.Actors.Security;
using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Actors;

namespace Switch.Actors.Channels;

/// <summary>
/// One bank channel, always running: its connections to the bank host (sign-on at connect, periodic echo), the
/// requests in flight matched by the bank dialect's match key, per-request timeouts, the circuit breaker, and the
/// store-and-forward queue of reversal advices (a journaled child, <see cref="SafQueue"/>). A request that times out
/// or whose connection drops is answered with the configured code (91 or 68) and reversed through the queue.
/// </summary>
internal sealed class ChannelActor : Actor
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan SafRestartDelay = TimeSpan.FromSeconds(1);

    private readonly ChannelEntry _entry;
    private readonly ChannelOptions _options;
    private readonly ChannelStatus _status;
    private readonly CardDataProtector _protector;
    private readonly string? _clusterNodeId;
    private readonly ChannelBreaker _breaker;
    private readonly KeyValuePair<string, object?> _metricsTag;
    private readonly Dictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);
    private readonly Queue<InFlight> _deadlines = new();
    private readonly Dictionary<string, (ActorRef Queue, string Id)> _adviceByMatchKey = new(StringComparer.Ordinal);
    private readonly Dictionary<ActorRef, int> _safDepths = new(); // the own queue's and the adopted ones'
    private readonly Dictionary<string, ActorRef> _adopted = new(StringComparer.Ordinal); // other nodes' queues, by node id
    private readonly Dictionary<ActorRef, (string Node, ActorRef Requester)> _releasing = new();
    private readonly Dictionary<string, (BankConnection Connection, long DeadlineMs)> _control = new(StringComparer.Ordinal);
    private readonly BankConnection?[] _connections;
    private readonly List<SafQueue.Enqueue> _safBacklog = [];
    private ActorRef? _saf;
    private ILogger _log = null!;
    private int _nextConnection;

    internal ChannelActor(ChannelEntry entry, CardDataProtector protector, string? clusterNodeId = null)
    {
        _entry = entry;
        _options = entry.Options;
        _status = entry.Status;
        _protector = protector;
        _clusterNodeId = clusterNodeId;
        _breaker = new ChannelBreaker(_options.Breaker);
        _metricsTag = SwitchMetrics.ChannelTag(_options.Name);
        _connections = new BankConnection?[_options.Connections];
    }

    private static long NowMs => Environment.TickCount64;

    protected override void PreStart()
    {
        _log = Context.System.LoggerFactory.CreateLogger("Switch.Channels");
        SwitchMetrics.ObserveChannel(_status);
        StartSaf();
        for (var i = 0; i < _connections.Length; i++)
            Connect(i);
        Context.Timers.StartPeriodicTimer("tick", Tick.Instance, TickInterval);
        Context.Timers.StartPeriodicTimer("echo", Echo.Instance, _options.EchoInterval);
    }

    protected override void PostStop()
    {
        foreach (var connection in _connections)
            connection?.Abandon();
        _status.Connections = 0;
        SwitchMetrics.ForgetChannel(_status);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case BankRequest request:
                Send(request, Sender);
                break;
            case BankConnection.Received received:
                OnBankMessage(received.Connection, received.Message);
                break;
            case Tick:
                ExpireDeadlines();
                break;
            case Echo:
                SendEchoes();
                break;
            case ReverseTransaction reverse:
                QueueAdvice(new SafQueue.Enqueue(reverse.TransactionKey, reverse.SealedAdvice, reverse.Reason));
                break;
            case SafQueue.SendAdvice advice:
                SendAdvice(advice, Sender);
                break;
            case SafQueue.Depth depth:
                _safDepths[Sender] = depth.Count;
                _status.SafDepth = _safDepths.Values.Sum();
                break;
            case AdoptSaf adopt:
                AdoptQueue(adopt);
                break;
            case ReleaseSaf release:
                ReleaseQueue(release.NodeId, Sender);
                break;
            case BankConnection.Connected connected:
                OnConnected(connected.Connection);
                break;
            case BankConnection.Closed closed:
                OnClosed(closed.Connection, closed.Reason);
                break;
            case Reconnect reconnect:
                Connect(reconnect.Slot);
                break;
            case IsolateChannel isolate:
                _log.LogWarning("channel {Channel}: breaker isolated by {Operator}", _options.Name, isolate.Operator);
                _breaker.Isolate();
                Publish();
                Sender.Tell(_status.Breaker);
                break;
            case CloseBreaker close:
                _log.LogWarning("channel {Channel}: breaker closed by {Operator}", _options.Name, close.Operator);
                _breaker.Close();
                Publish();
                Sender.Tell(_status.Breaker);
                break;
            case ListSaf or RetrySaf when _saf is not null:
                _saf.Tell(message, Sender);
                break;
            case ListSaf:
                Sender.Tell(new List<SafEntryInfo>());
                break;
            case Terminated terminated when !terminated.Actor.Equals(_saf):
                OnAdoptedQueueStopped(terminated.Actor);
                break;
            case Terminated terminated when terminated.Actor.Equals(_saf):
                _safDepths.Remove(terminated.Actor);
                _log.LogError("channel {Channel}: the store-and-forward queue stopped (journal unavailable?); restarting it in {Delay}", _options.Name, SafRestartDelay);
                _saf = null;
                Context.Timers.StartSingleTimer("saf", RestartSaf.Instance, SafRestartDelay);
                break;
            case RestartSaf:
                StartSaf();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Send(BankRequest request, ActorRef requester)
    {
        var now = NowMs;
        var connection = PickConnection();
        if (connection is null || !_breaker.TryAcquire(now))
        {
            requester.Tell(new BankAnswer(request.TransactionKey, _options.Name, BankOutcome.NotSent, null, ResponseCodes.IssuerUnavailable,
                connection is null ? "no signed-on connection" : $"breaker {_breaker.State.ToString().ToLowerInvariant()}"));
            Publish();
            return;
        }
        var key = request.Request.MatchKey.Value;
        if (_inFlight.ContainsKey(key))
        {
            _breaker.Release();
            requester.Tell(new BankAnswer(request.TransactionKey, _options.Name, BankOutcome.NotSent, null, ResponseCodes.SystemMalfunction, "duplicate match key in flight"));
            return;
        }
        if (!connection.TrySend(request.Request))
        {
            _breaker.Release();
            requester.Tell(new BankAnswer(request.TransactionKey, _options.Name, BankOutcome.NotSent, null, ResponseCodes.IssuerUnavailable, "the connection is closing"));
            return;
        }
        var flight = new InFlight(key, request, requester, connection, now + (long)_options.RequestTimeout.TotalMilliseconds, Stopwatch.GetTimestamp());
        _inFlight.Add(key, flight);
        _deadlines.Enqueue(flight);
        _status.Requests++;
        SwitchMetrics.RequestSent(_metricsTag, request.Request.Mti);
        _status.InFlight = _inFlight.Count;
        Publish();
    }

    private BankConnection? PickConnection()
    {
        for (var i = 0; i < _connections.Length; i++)
        {
            var c = _connections[(_nextConnection + i) % _connections.Length];
            if (c is { SignedOn: true })
            {
                _nextConnection = (_nextConnection + i + 1) % _connections.Length;
                return c;
            }
        }
        return null;
    }

    private void OnBankMessage(BankConnection connection, IsoMessage message)
    {
        connection.LastActivityMs = NowMs;
        if (!message.Mti.IsResponse)
        {
            if (message.Mti.Class == 8)
                connection.TrySend(message.CreateResponse(ResponseCodes.Approved)); // the bank's own echo or sign-on
            else
                _log.LogWarning("channel {Channel}: unexpected request {Mti} from the bank ignored", _options.Name, message.Mti);
            return;
        }
        var key = message.MatchKey.Value;
        if (_inFlight.Remove(key, out var flight))
        {
            _status.InFlight = _inFlight.Count;
            var code = message.ResponseCode ?? ResponseCodes.SystemMalfunction;
            SwitchMetrics.Answered(_metricsTag, code, flight.SentTimestamp);
            if (ResponseCodes.IsSystemFailure(code))
                _breaker.OnFailure(NowMs);
            else
                _breaker.OnSuccess(NowMs);
            Publish();
            flight.Requester.Tell(new BankAnswer(flight.Request.TransactionKey, _options.Name, BankOutcome.Answered, message, code, "answered"));
            return;
        }
        if (_adviceByMatchKey.Remove(key, out var advice))
        {
            advice.Queue.Tell(new SafQueue.Acknowledge(advice.Id));
            return;
        }
        if (_control.Remove(key, out var control))
        {
            if (message.Mti.Class == 8 && !control.Connection.SignedOn && message.ResponseCode == ResponseCodes.Approved)
            {
                control.Connection.SignedOn = true;
                _status.Connections++;
                _log.LogInformation("channel {Channel}: connection {Connection} signed on", _options.Name, control.Connection.Id);
                Publish();
                _saf?.Tell(SafQueue.SendAll.Instance); // advices waiting for a connection go out now, not at the next retry
            }
            return;
        }
        _status.LateAnswers++;
        _log.LogWarning("channel {Channel}: late or unknown answer {Mti} RC {Code} for {Key} (a timed-out request's reversal is already queued)",
            _options.Name, message.Mti, message.ResponseCode, key);
    }

    private void ExpireDeadlines()
    {
        var now = NowMs;
        while (_deadlines.TryPeek(out var flight) && flight.DeadlineMs <= now)
        {
            _deadlines.Dequeue();
            if (_inFlight.TryGetValue(flight.Key, out var current) && ReferenceEquals(current, flight))
            {
                _inFlight.Remove(flight.Key);
                _status.Timeouts++;
                SwitchMetrics.TimedOut(_metricsTag);
                Unanswered(flight, "the bank did not answer in time");
            }
        }
        _status.InFlight = _inFlight.Count;
        foreach (var (key, control) in _control)
            if (control.DeadlineMs <= now)
            {
                _control.Remove(key);
                _log.LogWarning("channel {Channel}: connection {Connection} did not answer its {What}; closing it", _options.Name, control.Connection.Id,
                    control.Connection.SignedOn ? "echo" : "sign-on");
                control.Connection.Close();
            }
        Publish();
    }

    private void Unanswered(InFlight flight, string reason)
    {
        _breaker.OnFailure(NowMs);
        var request = flight.Request.Request;
        flight.Requester.Tell(new BankAnswer(flight.Request.TransactionKey, _options.Name, BankOutcome.Unanswered, null, _options.TimeoutResponseCode, reason));
        if (MovesMoney(request))
            QueueReversal(flight.Request.TransactionKey, request, reason);
    }

    /// <summary>Requests (not advices) that can approve money: their reversal is owed when the outcome is unknown.</summary>
    private static bool MovesMoney(IsoMessage request) =>
        request.Mti.Class is 1 or 2 && request.Mti.Function == 0 && !(request.ProcessingCode?.StartsWith("31", StringComparison.Ordinal) ?? false);

    private void QueueReversal(string transactionKey, IsoMessage bankRequest, string reason)
    {
        QueueAdvice(new SafQueue.Enqueue(transactionKey, _protector.Seal(bankRequest.CreateReversal(advice: true).Encode()), reason));
    }

    private void QueueAdvice(SafQueue.Enqueue enqueue)
    {
        if (_saf is null)
            _safBacklog.Add(enqueue);
        else
            _saf.Tell(enqueue);
    }

    private void SendAdvice(SafQueue.SendAdvice advice, ActorRef queue)
    {
        var connection = PickConnection();
        if (connection is null)
            return; // the queue's retry timer sends it again
        var message = Decode(_protector.Open(advice.SealedAdvice));
        if (advice.Attempt > 0)
            message.Mti = message.Mti.Repeat;
        _adviceByMatchKey[message.MatchKey.Value] = (queue, advice.Id);
        connection.TrySend(message);
    }

    private IsoMessage Decode(byte[] bytes) => _options.Dialect.Decode(bytes);

    private void SendEchoes()
    {
        foreach (var connection in _connections)
            if (connection is { SignedOn: true })
                SendControl(connection, "301");
    }

    private void SendControl(BankConnection connection, string networkCode)
    {
        var message = _options.Dialect.CreateMessage(new Mti(800));
        message.TransmissionDateTime = DateTime.UtcNow.ToString("MMddHHmmss");
        message.Stan = _entry.NextStan();
        message.Set(70, networkCode);
        _control[message.MatchKey.Value] = (connection, NowMs + (long)_options.SignOnTimeout.TotalMilliseconds);
        connection.TrySend(message);
    }

    private void Connect(int slot)
    {
        var connection = new BankConnection(slot, _options, Self, _log);
        _connections[slot] = connection;
        _ = connection.RunAsync();
    }

    private void OnConnected(BankConnection connection)
    {
        _log.LogInformation("channel {Channel}: connection {Connection} to {Host}:{Port} open, signing on", _options.Name, connection.Id, _options.Host, _options.Port);
        SendControl(connection, "001");
    }

    private void OnClosed(BankConnection connection, string reason)
    {
        if (!ReferenceEquals(_connections[connection.Id], connection))
            return;
        if (connection.SignedOn)
        {
            _status.Connections--;
            _log.LogWarning("channel {Channel}: connection {Connection} lost: {Reason}", _options.Name, connection.Id, reason);
        }
        else
        {
            _log.LogDebug("channel {Channel}: connection {Connection} failed: {Reason}", _options.Name, connection.Id, reason);
        }
        connection.SignedOn = false;
        _connections[connection.Id] = null;
        foreach (var flight in _inFlight.Values.Where(f => ReferenceEquals(f.Connection, connection)).ToList())
        {
            _inFlight.Remove(flight.Key);
            Unanswered(flight, "the connection to the bank dropped");
        }
        _status.InFlight = _inFlight.Count;
        Publish();
        Context.Timers.StartSingleTimer(("reconnect", connection.Id), new Reconnect(connection.Id), _options.ReconnectDelay);
    }

    private void StartSaf()
    {
        _saf = Context.ActorOf(Props.Create(() => new SafQueue(_options.Name, _options.SafRetryInterval, _clusterNodeId)), "saf");
        Context.Watch(_saf);
        foreach (var enqueue in _safBacklog)
            _saf.Tell(enqueue);
        _safBacklog.Clear();
    }

    /// <summary>Another node's queue for this channel, while that node is down: its advices go out through this node's connections.</summary>
    private void AdoptQueue(AdoptSaf adopt)
    {
        if (!_adopted.ContainsKey(adopt.NodeId))
        {
            var node = adopt.NodeId;
            var queue = Context.ActorOf(Props.Create(() => new SafQueue(_options.Name, _options.SafRetryInterval, node)) with { Fence = adopt.Fence },
                "saf@" + Uri.EscapeDataString(node));
            Context.Watch(queue);
            _adopted[node] = queue;
            _log.LogWarning("channel {Channel}: sends the reversal advices node {Node} still owed while it is away", _options.Name, node);
        }
        Sender.Tell(new SafAdoption(_options.Name, adopt.NodeId, true));
    }

    private void ReleaseQueue(string node, ActorRef requester)
    {
        if (!_adopted.Remove(node, out var queue))
        {
            requester.Tell(new SafAdoption(_options.Name, node, false));
            return;
        }
        _releasing[queue] = (node, requester);
        Context.Stop(queue);
    }

    private void OnAdoptedQueueStopped(ActorRef queue)
    {
        _safDepths.Remove(queue);
        _status.SafDepth = _safDepths.Values.Sum();
        if (_releasing.Remove(queue, out var release))
        {
            release.Requester.Tell(new SafAdoption(_options.Name, release.Node, false));
            return;
        }
        foreach (var (node, adopted) in _adopted)
        {
            if (!adopted.Equals(queue)) continue;
            _adopted.Remove(node);
            _log.LogError("channel {Channel}: the adopted queue of node {Node} stopped (its lease lost, or the journal unavailable)", _options.Name, node);
            return;
        }
    }

    private void Publish()
    {
        var state = _breaker.Peek(NowMs);
        if (state != _status.Breaker)
        {
            _log.LogWarning("channel {Channel}: breaker {From} -> {To}", _options.Name, _status.Breaker, state);
            SwitchMetrics.BreakerMoved(_metricsTag, _status.Breaker, state);
            _status.Breaker = state;
        }
    }

    private sealed class InFlight(string key, BankRequest request, ActorRef requester, BankConnection connection, long deadlineMs, long sentTimestamp)
    {
        public string Key { get; } = key;
        public BankRequest Request { get; } = request;
        public ActorRef Requester { get; } = requester;
        public BankConnection Connection { get; } = connection;
        public long DeadlineMs { get; } = deadlineMs;

        /// <summary>When it was sent (<see cref="Stopwatch.GetTimestamp"/>), for the bank latency.</summary>
        public long SentTimestamp { get; } = sentTimestamp;
    }

    private sealed class Tick
    {
        public static Tick Instance { get; } = new();
    }

    private sealed class Echo
    {
        public static Echo Instance { get; } = new();
    }

    private sealed class RestartSaf
    {
        public static RestartSaf Instance { get; } = new();
    }

    private sealed record Reconnect(int Slot);
}
