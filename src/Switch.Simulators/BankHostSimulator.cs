using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switch.Simulators;

/// <summary>
/// An issuer bank host over ISO 8583/TCP: accepts any number of connections, requires each to sign on (0800 with
/// DE 70 = 001) before it answers card messages, and answers every message as soon as its latency allows, so answers
/// on one connection go out as they complete, not in arrival order. Its <see cref="Behaviour"/> and
/// <see cref="Outage"/> can be changed while it runs; <see cref="Statistics"/> records what it received.
/// </summary>
/// <remarks>
/// Answers: 0100 → 0110, 0200 → 0210 (purchase, refund 20xxxx, balance inquiry 31xxxx with the balance in DE 54),
/// 0220 → 0230, 0400/0401 → 0410, 0420/0421 → 0430, 0800 → 0810; approvals carry DE 38. Card messages before
/// sign-on get RC 91; a message with a readable MTI that does not decode gets RC 30; a frame without a readable
/// request MTI, or bytes that break the framing, close the connection.
/// </remarks>
public sealed class BankHostSimulator : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly ulong _seedHash;
    private readonly ConcurrentDictionary<BankHostConnection, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();

    // Guards the listener, the connection set against admission races, and outage changes; never taken per message.
    private readonly Lock _lifecycle = new();
    private volatile BankHostBehaviour _behaviour;
    private volatile OutageMode _outage;
    private long _outageChanges;
    private long _sequence;
    private long _connectionIds;
    private State _state;
    private IPEndPoint? _endpoint;
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;

    /// <summary>Creates a host; it listens from <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">The dialect does not follow ISO 8583:1987 numbering.</exception>
    public BankHostSimulator(BankHostOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Iso87.Require(options.Dialect, nameof(options));
        ArgumentNullException.ThrowIfNull(options.Framing, nameof(options));
        ArgumentNullException.ThrowIfNull(options.Endpoint, nameof(options));
        Options = options;
        _behaviour = options.Behaviour ?? throw new ArgumentNullException(nameof(options), "the behaviour is null");
        _seedHash = SeededDraws.HashSeed(options.Seed);
        _logger = logger ?? NullLogger.Instance;
    }

    private enum State
    {
        Created,
        Running,
        Stopped,
    }

    /// <summary>The options the host was created with.</summary>
    public BankHostOptions Options { get; }

    /// <summary>Where the host listens, with the port it was given when the options asked for port 0.</summary>
    /// <exception cref="InvalidOperationException">The host has not started.</exception>
    public IPEndPoint Endpoint => _endpoint ?? throw new InvalidOperationException("the bank host has not started");

    /// <summary>How the host answers; assign a new behaviour to change it while the host runs.</summary>
    public BankHostBehaviour Behaviour
    {
        get => _behaviour;
        set => _behaviour = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The outage in force, <see cref="OutageMode.None"/> when the host is up.</summary>
    public OutageMode Outage => _outage;

    /// <summary>What the host received and how it answered.</summary>
    public BankHostStatistics Statistics { get; } = new();

    /// <summary>Connections open now.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>Binds the endpoint and starts accepting connections.</summary>
    /// <exception cref="InvalidOperationException">The host was already started.</exception>
    /// <exception cref="SocketException">The endpoint cannot be bound.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lifecycle)
        {
            if (_state != State.Created) throw new InvalidOperationException("a bank host starts once");
            _endpoint = Options.Endpoint;
            Listen();
            _state = State.Running;
            if (_outage == OutageMode.Down) StopListening();
        }

        Log.Listening(_logger, Endpoint, Options.Dialect.Name);
        return Task.CompletedTask;
    }

    /// <summary>Starts or ends an outage now; it lasts until the next change.</summary>
    /// <remarks><see cref="OutageMode.Down"/> closes the listener and drops every connection; ending it listens again on the same port.</remarks>
    /// <exception cref="SocketException">Ending a <see cref="OutageMode.Down"/> outage, the port could not be bound again.</exception>
    public void SetOutage(OutageMode mode)
    {
        CheckMode(mode);
        lock (_lifecycle)
        {
            _outageChanges++;
            ApplyOutage(mode);
        }
    }

    /// <summary>Schedules an outage from <paramref name="startsIn"/> from now, lasting <paramref name="lasts"/>.</summary>
    /// <remarks>A later <see cref="SetOutage"/> or schedule overrides it: a scheduled outage ends only if nothing changed the outage since it began.</remarks>
    public void ScheduleOutage(OutageMode mode, TimeSpan startsIn, TimeSpan lasts)
    {
        CheckMode(mode);
        if (mode == OutageMode.None) throw new ArgumentException("schedule an outage, not its end", nameof(mode));
        ArgumentOutOfRangeException.ThrowIfLessThan(startsIn, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(lasts, TimeSpan.Zero);
        _ = RunScheduledOutageAsync(mode, startsIn, lasts);
    }

    /// <summary>Stops listening and closes every connection; answers still waiting out their latency are dropped.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        BankHostConnection[] open;
        Task accepting;
        lock (_lifecycle)
        {
            if (_state == State.Stopped) return;
            _state = State.Stopped;
            StopListening();
            open = [.. _connections.Keys];
            accepting = _accepting;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var connection in open) connection.Close();
        await Task.WhenAll(open.Select(c => c.Completion).Append(accepting)).WaitAsync(cancellationToken).ConfigureAwait(false);
        Log.Stopped(_logger);
    }

    /// <summary>Stops the host.</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    internal SeededDraws NextDraws() => new(_seedHash, Interlocked.Increment(ref _sequence));

    internal void Forget(BankHostConnection connection) => _connections.TryRemove(connection, out _);

    private void Listen()
    {
        var listener = new Socket(_endpoint!.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Listening again after a Down outage takes the same port while its old connections sit in TIME_WAIT.
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(_endpoint);
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _endpoint = (IPEndPoint)listener.LocalEndPoint!;
        _listener = listener;
        _accepting = AcceptLoopAsync(listener);
    }

    private void StopListening()
    {
        _listener?.Dispose();
        _listener = null;
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            Admit(socket);
        }
    }

    private void Admit(Socket socket)
    {
        lock (_lifecycle)
        {
            if (_state != State.Running || _outage == OutageMode.Down)
            {
                socket.Dispose();
                return;
            }

            BankHostConnection connection;
            try
            {
                connection = new BankHostConnection(this, socket, ++_connectionIds, _logger);
            }
            catch (SocketException)
            {
                // Reset by the peer before it could be set up.
                socket.Dispose();
                return;
            }

            Statistics.CountConnectionAccepted();
            _connections.TryAdd(connection, 0);
            connection.Start();
        }
    }

    /// <summary>Changes the outage; called under <see cref="_lifecycle"/>.</summary>
    private void ApplyOutage(OutageMode mode)
    {
        var previous = _outage;
        if (previous == mode) return;
        _outage = mode;
        Log.Outage(_logger, mode, previous);
        if (_state != State.Running) return;
        if (mode == OutageMode.Down)
        {
            StopListening();
            foreach (var connection in _connections.Keys) connection.Close();
        }
        else if (previous == OutageMode.Down)
        {
            Listen();
        }
    }

    private async Task RunScheduledOutageAsync(OutageMode mode, TimeSpan startsIn, TimeSpan lasts)
    {
        try
        {
            await Task.Delay(startsIn, _stopping.Token).ConfigureAwait(false);
            long change;
            lock (_lifecycle)
            {
                change = ++_outageChanges;
                ApplyOutage(mode);
            }

            await Task.Delay(lasts, _stopping.Token).ConfigureAwait(false);
            lock (_lifecycle)
            {
                if (_outageChanges != change) return;
                _outageChanges++;
                ApplyOutage(OutageMode.None);
            }
        }
        catch (OperationCanceledException)
        {
            // The host stopped.
        }
        catch (SocketException e)
        {
            Log.OutageFailed(_logger, mode, e);
        }
    }

    private static void CheckMode(OutageMode mode)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown outage mode");
    }
}
