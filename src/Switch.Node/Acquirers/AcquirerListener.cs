using System.Buffers;
using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Switch.Actors;
using Switch.Actors.Transactions;
using Switch.Node.Configuration;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Node.Acquirers;

/// <summary>
/// One acquirer listener's connection handler (Kestrel, over the connection's pipes). It reads whole frames, answers
/// network messages itself, and hands each financial request to the payment switch without waiting for the previous
/// one: answers go back as they complete, not in order. At most <see cref="AcquirerSettings.MaxInFlight"/> requests
/// per connection are open; at the limit it stops reading, so a client that floods the switch is slowed, not
/// buffered. Unreadable input is logged (masked hex), counted, and closes the connection after
/// <see cref="AcquirerSettings.MaxErrorsInARow"/> in a row; readable but invalid messages get RC 30.
/// </summary>
internal sealed class AcquirerListener(AcquirerSettings settings, PaymentSwitch payments, ILogger log)
{
    // The node's only instrument so far, so its meter lives here; a node metrics class takes both when more come.
    private static readonly Meter Meter = new("Switch.Node");
    private static readonly UpDownCounter<int> OpenConnections = Meter.CreateUpDownCounter<int>(
        "switch.acquirer.connections", "{connection}", "Open acquirer connections, by listener.");

    private readonly PaymentSwitch _payments = payments;
    private readonly ILogger _log = log;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ConnectionContext, byte> _open = new();
    private readonly KeyValuePair<string, object?> _metricsTag = new("listener", settings.Name);
    private int _connections;
    private long _unreadable, _formatErrors, _requests;
    private volatile bool _draining;

    public AcquirerSettings Settings => settings;

    /// <summary>Open connections.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Messages whose bytes could not be read at all (no MTI).</summary>
    public long Unreadable => Interlocked.Read(ref _unreadable);

    /// <summary>Messages answered RC 30.</summary>
    public long FormatErrors => Interlocked.Read(ref _formatErrors);

    /// <summary>Financial requests taken.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Stop taking new requests: connections finish what is in flight and close.</summary>
    public void Drain()
    {
        _draining = true;
        foreach (var connection in _open.Keys)
            connection.Transport.Input.CancelPendingRead(); // wakes a reader waiting on a quiet connection
    }

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (Interlocked.Increment(ref _connections) > settings.MaxConnections || _draining)
        {
            Interlocked.Decrement(ref _connections);
            _log.LogWarning("acquirer {Listener}: connection from {Remote} refused ({Reason})", settings.Name, connection.RemoteEndPoint,
                _draining ? "the node is stopping" : $"{settings.MaxConnections} connections open");
            connection.Abort();
            return;
        }
        _log.LogInformation("acquirer {Listener}: connection {Id} from {Remote}", settings.Name, connection.ConnectionId, connection.RemoteEndPoint);
        var session = new Session(this, connection);
        _open[connection] = 0;
        OpenConnections.Add(1, _metricsTag);
        try
        {
            if (_draining)
                return;
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _open.TryRemove(connection, out _);
            Interlocked.Decrement(ref _connections);
            OpenConnections.Add(-1, _metricsTag);
            _log.LogInformation("acquirer {Listener}: connection {Id} closed ({Reason})", settings.Name, connection.ConnectionId, session.CloseReason);
        }
    }

    private sealed class Session(AcquirerListener listener, ConnectionContext connection)
    {
        private readonly SemaphoreSlim _slots = new(listener.Settings.MaxInFlight, listener.Settings.MaxInFlight);
        private readonly MessageWriter _writer = new(connection.Transport.Output, listener.Settings.Framing);
        private int _inFlight;
        private int _errorsInARow;

        public string CloseReason { get; private set; } = "closed by the acquirer";

        private AcquirerSettings Settings => listener.Settings;

        public async Task RunAsync()
        {
            var writing = _writer.RunAsync(connection.ConnectionClosed);
            try
            {
                await ReadAsync().ConfigureAwait(false);
            }
            catch (Exception error) when (error is IOException or ConnectionResetException or OperationCanceledException or ObjectDisposedException)
            {
                CloseReason = error is OperationCanceledException ? CloseReason : error.Message;
            }
            // Finish what is in flight (bounded by the switch's own authorization timeout), then close.
            for (var i = 0; i < Settings.MaxInFlight; i++)
                await _slots.WaitAsync().ConfigureAwait(false);
            _writer.Complete();
            try
            {
                await writing.ConfigureAwait(false);
            }
            catch (Exception error) when (error is IOException or ConnectionResetException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // the acquirer went away; its answers are in the journal
            }
        }

        private async Task ReadAsync()
        {
            var input = connection.Transport.Input;
            var frames = new FrameReader(Settings.Framing);
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
            while (!listener._draining)
            {
                idle.CancelAfter(Settings.IdleTimeout);
                ReadResult result;
                try
                {
                    result = await input.ReadAsync(idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!connection.ConnectionClosed.IsCancellationRequested)
                {
                    CloseReason = $"idle for {Settings.IdleTimeout}";
                    return;
                }
                var buffer = result.Buffer;
                try
                {
                    FrameReadResult read;
                    while ((read = frames.TryRead(ref buffer, out var frame)) != FrameReadResult.NeedMoreData)
                    {
                        if (read == FrameReadResult.Message && !await OnFrameAsync(frame).ConfigureAwait(false))
                            return;
                    }
                }
                catch (FramingException error)
                {
                    Interlocked.Increment(ref listener._unreadable);
                    listener._log.LogWarning("acquirer {Listener}: connection {Id}: framing error, closing: {Error}", Settings.Name, connection.ConnectionId, error.Message);
                    CloseReason = "framing error";
                    return;
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
                if (result.IsCompleted)
                    return;
            }
            CloseReason = "the node is stopping";
        }

        /// <summary>Handles one frame; false closes the connection.</summary>
        private async ValueTask<bool> OnFrameAsync(Frame frame)
        {
            var tpdu = frame.Tpdu?.Reply();
            IsoMessage request;
            try
            {
                request = Settings.Dialect.Decode(frame.Body);
            }
            catch (IsoFormatException error)
            {
                return OnBadMessage(frame.Body, tpdu, error);
            }
            _errorsInARow = 0;
            if (request.Mti.IsResponse)
                return true; // e.g. an acquirer answering our nothing: ignore
            if (request.Mti.Class == 8)
            {
                _writer.TryWrite(request.CreateResponse(ResponseCodes.Approved), tpdu);
                return true;
            }
            await _slots.WaitAsync(connection.ConnectionClosed).ConfigureAwait(false);
            Interlocked.Increment(ref listener._requests);
            Interlocked.Increment(ref _inFlight);
            _ = AuthorizeAsync(request, tpdu);
            return true;
        }

        private async Task AuthorizeAsync(IsoMessage request, Tpdu? tpdu)
        {
            try
            {
                var result = await listener._payments.AuthorizeAsync(Settings.AcquirerId, request).ConfigureAwait(false);
                var response = request.CreateResponse(result.ResponseCode);
                try
                {
                    if (result.ApprovalCode is { Length: > 0 } approval)
                        response.ApprovalCode = approval;
                    if (result.AdditionalAmounts is { Length: > 0 } amounts)
                        response.Set(54, amounts);
                }
                catch (IsoFormatException error)
                {
                    listener._log.LogWarning("acquirer {Listener}: answer field left out: {Error}", Settings.Name, error.Message);
                }
                _writer.TryWrite(response, tpdu);
            }
            catch (AccountUnreachableException error)
            {
                // Nothing was decided and nothing can be answered that the journal would hold: the acquirer sees the
                // connection drop, as if this node had died, and repeats through another node.
                listener._log.LogWarning("acquirer {Listener}: closing connection {Id}: {Error}", Settings.Name, connection.ConnectionId, error.Message);
                connection.Abort();
            }
            catch (Exception error)
            {
                listener._log.LogError(error, "acquirer {Listener}: request {Request} failed", Settings.Name, request);
                _writer.TryWrite(request.CreateResponse(ResponseCodes.SystemMalfunction), tpdu);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
                _slots.Release();
            }
        }

        private bool OnBadMessage(in ReadOnlySequence<byte> body, Tpdu? tpdu, IsoFormatException error)
        {
            var bytes = body.ToArray();
            var readable = Settings.Dialect.DecodeReadable(bytes);
            if (readable is not null && !readable.Mti.IsResponse)
            {
                Interlocked.Increment(ref listener._formatErrors);
                _errorsInARow = 0;
                listener._log.LogWarning("acquirer {Listener}: format error in {Mti} STAN {Stan}: {Error}", Settings.Name, readable.Mti, readable.Stan, error.Message);
                _writer.TryWrite(readable.CreateResponse(ResponseCodes.FormatError), tpdu);
                return true;
            }
            Interlocked.Increment(ref listener._unreadable);
            listener._log.LogWarning("acquirer {Listener}: unreadable message ({Error}): {Hex}", Settings.Name, error.Message, MaskedHex.Of(bytes));
            if (++_errorsInARow < Settings.MaxErrorsInARow)
                return true;
            CloseReason = $"{_errorsInARow} unreadable messages in a row";
            return false;
        }
    }
}
