using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>
/// An acquirer's connection to the switch: any number of requests in flight at once, each answer paired with its
/// request by the dialect's <see cref="MatchKey"/>. Answers that pair with nothing (late ones, answers to
/// <see cref="SendRawAsync"/>) go to <see cref="Unmatched"/>. When the switch closes the connection, requests in
/// flight fail with an <see cref="IOException"/> and <see cref="Closed"/> completes.
/// </summary>
public sealed class AcquirerClient : IAsyncDisposable
{
    private readonly FramedConnection _connection;
    private readonly FrameFormat _framing;
    private readonly Tpdu? _tpdu;
    private readonly ConcurrentDictionary<MatchKey, TaskCompletionSource<IsoMessage>> _inFlight = new();
    private readonly Channel<IsoMessage> _unmatched;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _running;
    private volatile IOException? _closeReason;
    private IOException? _protocolError;

    private AcquirerClient(Socket socket, AcquirerClientOptions options)
    {
        Dialect = options.Dialect;
        _framing = options.Framing;
        _tpdu = options.Framing.HasTpdu ? options.Tpdu : null;
        _unmatched = Channel.CreateBounded<IsoMessage>(new BoundedChannelOptions(options.UnmatchedCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleWriter = true,
        });
        _connection = new FramedConnection(socket, options.Framing, OnFrame);
        _running = RunAsync();
    }

    /// <summary>The dialect of the messages sent and received.</summary>
    public Dialect Dialect { get; }

    /// <summary>Completes when the connection is closed, by either side.</summary>
    public Task Closed => _closed.Task;

    /// <summary>
    /// Messages received that answer no request in flight: answers to <see cref="SendRawAsync"/> (such as RC 30 to a
    /// malformed message), answers that came after their request timed out, and requests the switch sends. Completed
    /// when the connection closes.
    /// </summary>
    public ChannelReader<IsoMessage> Unmatched => _unmatched.Reader;

    /// <summary>Connects to the switch.</summary>
    /// <exception cref="SocketException">The switch cannot be reached or refused the connection.</exception>
    public static async Task<AcquirerClient> ConnectAsync(EndPoint switchEndpoint, AcquirerClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(switchEndpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Dialect, nameof(options));
        ArgumentNullException.ThrowIfNull(options.Framing, nameof(options));
        var socket = switchEndpoint is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(switchEndpoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new AcquirerClient(socket, options);
    }

    /// <summary>Sends a request or advice and waits for its answer.</summary>
    /// <exception cref="ArgumentException">The message is a response, of another dialect, or too long for a frame.</exception>
    /// <exception cref="InvalidOperationException">A request with the same match key is already waiting for its answer.</exception>
    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/>.</exception>
    /// <exception cref="IOException">The connection is closed or closed before the answer came.</exception>
    public async Task<IsoMessage> SendAsync(IsoMessage request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Mti.IsResponse) throw new ArgumentException($"{request.Mti} is a response, not a request", nameof(request));
        if (request.Dialect != Dialect) throw new ArgumentException($"the message is in {request.Dialect}, the connection speaks {Dialect}", nameof(request));
        CheckLength(request.EncodedLength, nameof(request));

        var key = request.MatchKey;
        var answer = new TaskCompletionSource<IsoMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inFlight.TryAdd(key, answer)) throw new InvalidOperationException($"a request with match key {key} is already waiting for its answer");
        // Checked after the request is registered: RunAsync fails every registered request after it sets the reason.
        if (_closeReason is not null || !_connection.Send(request, _tpdu))
        {
            _inFlight.TryRemove(KeyValuePair.Create(key, answer));
            throw ClosedError();
        }

        try
        {
            return await answer.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Lost the race to an answer (or to the close) that has already claimed the request: take its outcome.
            if (!_inFlight.TryRemove(KeyValuePair.Create(key, answer))) return await answer.Task.ConfigureAwait(false);
            throw new TimeoutException($"no answer to {request.Mti} (match key {key}) within {timeout.TotalMilliseconds:0.###} ms");
        }
        catch (OperationCanceledException)
        {
            _inFlight.TryRemove(KeyValuePair.Create(key, answer));
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="body"/> in a frame as it is, e.g. a malformed message; its answer, if any, arrives on
    /// <see cref="Unmatched"/>. Completes once the frame is written to the socket.
    /// </summary>
    /// <exception cref="ArgumentException">The body is empty or too long for a frame.</exception>
    /// <exception cref="IOException">The connection is closed.</exception>
    public Task SendRawAsync(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty) throw new ArgumentException("a message body cannot be empty", nameof(body));
        CheckLength(body.Length, nameof(body));
        return _closeReason is null ? _connection.SendRawAsync(body.ToArray(), _tpdu) : Task.FromException(ClosedError());
    }

    /// <summary>Closes the connection; requests in flight fail with an <see cref="IOException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        _connection.Close();
        await _running.ConfigureAwait(false);
    }

    private bool OnFrame(in Frame frame)
    {
        IsoMessage message;
        try
        {
            message = Dialect.Decode(frame.Body);
        }
        catch (IsoFormatException e)
        {
            // An answer that does not decode cannot be paired, and the switch has broken the protocol: give up on it.
            _protocolError = new IOException($"the switch sent a message that does not decode: {e.Message}", e);
            return false;
        }

        if (message.Mti.IsResponse && _inFlight.TryRemove(message.MatchKey, out var answer)) answer.TrySetResult(message);
        else _unmatched.Writer.TryWrite(message);
        return true;
    }

    private async Task RunAsync()
    {
        var error = await _connection.RunAsync().ConfigureAwait(false);
        _closeReason = _protocolError
            ?? (error is null
                ? new IOException("the connection to the switch is closed")
                : new IOException($"the connection to the switch failed: {error.Message}", error));
        foreach (var request in _inFlight)
            if (_inFlight.TryRemove(request)) request.Value.TrySetException(ClosedError());
        _unmatched.Writer.TryComplete();
        _closed.TrySetResult();
    }

    private IOException ClosedError()
    {
        var reason = _closeReason;
        return new IOException(reason?.Message ?? "the connection to the switch is closed", reason?.InnerException);
    }

    private void CheckLength(int length, string paramName)
    {
        if (length > _framing.MaxBodyLength)
            throw new ArgumentException($"{length} bytes do not fit a frame of at most {_framing.MaxBodyLength}", paramName);
    }
}
