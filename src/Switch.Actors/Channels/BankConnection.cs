using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Actors;

namespace Switch.Actors.Channels;

/// <summary>
/// One TCP connection from a channel to its bank host. A read loop cuts frames, decodes them off the actor's
/// thread and tells the channel actor; a write loop encodes queued messages into the socket's pipe and flushes once
/// the queue is empty, so a busy channel writes many messages per system call.
/// </summary>
internal sealed class BankConnection
{
    private readonly ChannelOptions _options;
    private readonly ActorRef _channel;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _closed = new();
    private Socket? _socket;
    private MessageWriter? _writer;
    private volatile bool _closing;
    private volatile bool _abandoned;

    internal BankConnection(int id, ChannelOptions options, ActorRef channel, ILogger log)
    {
        Id = id;
        _options = options;
        _channel = channel;
        _log = log;
    }

    internal int Id { get; }

    /// <summary>Set by the channel actor once the bank answered the sign-on.</summary>
    internal bool SignedOn { get; set; }

    internal long LastActivityMs { get; set; }

    /// <summary>Connects and starts the loops; tells the channel <see cref="Connected"/> or <see cref="Closed"/>.</summary>
    internal async Task RunAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket = socket;
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
            connectTimeout.CancelAfter(_options.SignOnTimeout);
            await socket.ConnectAsync(_options.Host, _options.Port, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            socket.Dispose();
            if (!_abandoned)
                _channel.Tell(new Closed(this, error.Message));
            return;
        }
        var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(minimumReadSize: 16384));
        var writer = PipeWriter.Create(stream);
        _writer = new MessageWriter(writer, _options.Framing);
        if (_closing)
            _writer.Complete();
        var writing = WriteLoopAsync(writer, _writer);
        _channel.Tell(new Connected(this));
        string reason;
        try
        {
            reason = await ReadLoopAsync(reader).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason = error.Message;
        }
        Close();
        await writing.ConfigureAwait(false);
        await reader.CompleteAsync().ConfigureAwait(false);
        await stream.DisposeAsync().ConfigureAwait(false);
        if (!_abandoned)
            _channel.Tell(new Closed(this, reason));
    }

    /// <summary>Queues <paramref name="message"/> for the write loop; false once the connection is closing.</summary>
    internal bool TrySend(IsoMessage message) => _writer?.TryWrite(message) ?? false;

    /// <summary>Closes the connection; the read loop ends and the channel hears <see cref="Closed"/>.</summary>
    /// <summary>Closes the connection for good, without telling the channel (which is stopping).</summary>
    internal void Abandon()
    {
        _abandoned = true;
        Close();
    }

    internal void Close()
    {
        _closing = true;
        _writer?.Complete();
        if (!_closed.IsCancellationRequested)
            _closed.Cancel();
        try
        {
            _socket?.Shutdown(SocketShutdown.Both);
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            // already gone
        }
    }

    private async Task<string> ReadLoopAsync(PipeReader reader)
    {
        var frames = new FrameReader(_options.Framing);
        while (true)
        {
            var result = await reader.ReadAsync(_closed.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                FrameReadResult read;
                while ((read = frames.TryRead(ref buffer, out var frame)) != FrameReadResult.NeedMoreData)
                {
                    if (read != FrameReadResult.Message)
                        continue;
                    IsoMessage message;
                    try
                    {
                        message = _options.Dialect.Decode(frame.Body);
                    }
                    catch (IsoFormatException error)
                    {
                        _log.LogWarning("channel {Channel}: undecodable message from the bank ignored: {Error}", _options.Name, error.Message);
                        continue;
                    }
                    _channel.Tell(new Received(this, message));
                }
            }
            catch (FramingException error)
            {
                return "framing error from the bank: " + error.Message;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
                return "the bank host closed the connection";
        }
    }

    private async Task WriteLoopAsync(PipeWriter output, MessageWriter writer)
    {
        try
        {
            await writer.RunAsync(_closed.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // the read loop reports the close
        }
        Close();
        await output.CompleteAsync().ConfigureAwait(false);
    }

    internal sealed record Connected(BankConnection Connection);

    internal sealed record Closed(BankConnection Connection, string Reason);

    internal sealed record Received(BankConnection Connection, IsoMessage Message);
}
