using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>Handles one message frame while its bytes are still in the pipe; returns false to close the connection.</summary>
internal delegate bool FrameHandler(in Frame frame);

/// <summary>
/// One TCP connection carrying framed ISO 8583 messages. A read loop hands each frame to a handler; a single write
/// loop drains a queue of outbound frames, so any thread can send without a lock and frames queued together leave in
/// one flush.
/// </summary>
internal sealed class FramedConnection
{
    private const int FramesPerFlush = 256;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly FrameFormat _format;
    private readonly FrameHandler _onFrame;
    private readonly Channel<Outbound> _outbound =
        Channel.CreateUnbounded<Outbound>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly byte[] _body;
    private Exception? _writeError;
    private int _closed;

    public FramedConnection(Socket socket, FrameFormat format, FrameHandler onFrame)
    {
        socket.NoDelay = true;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _format = format;
        _onFrame = onFrame;
        _body = new byte[format.MaxBodyLength];
    }

    /// <summary>Cancelled when the connection closes, for work that should end with it.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Queues a message; false when the connection is closed.</summary>
    public bool Send(IsoMessage message, Tpdu? tpdu) => _outbound.Writer.TryWrite(new Outbound(message, default, tpdu, null));

    /// <summary>Queues a body as it is; the task completes once it is flushed to the socket.</summary>
    public Task SendRawAsync(ReadOnlyMemory<byte> body, Tpdu? tpdu)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _outbound.Writer.TryWrite(new Outbound(null, body, tpdu, written)) ? written.Task : Task.FromException(Closed());
    }

    /// <summary>
    /// Runs the connection until either side closes it. Returns why it ended: null when the peer closed it or
    /// <see cref="Close"/> was called, else the error (a <see cref="FramingException"/> for bytes that break framing).
    /// </summary>
    public async Task<Exception?> RunAsync()
    {
        var writing = WriteLoopAsync();
        Exception? error = null;
        try
        {
            await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Whatever a handler or the socket throws ends this connection only.
            if (Volatile.Read(ref _closed) == 0) error = e;
        }
        finally
        {
            Close();
        }

        await writing.ConfigureAwait(false);
        return error ?? _writeError;
    }

    /// <summary>Closes the socket at once; queued frames not yet written are dropped.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _outbound.Writer.TryComplete();
        _closing.Cancel();
        _socket.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 2048, leaveOpen: true));
        var frames = new FrameReader(_format);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var open = ReadFrames(frames, ref buffer);
                input.AdvanceTo(buffer.Start, buffer.End);
                if (!open || result.IsCompleted) return;
            }
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private bool ReadFrames(FrameReader frames, ref ReadOnlySequence<byte> buffer)
    {
        FrameReadResult read;
        while ((read = frames.TryRead(ref buffer, out var frame)) != FrameReadResult.NeedMoreData)
        {
            if (read == FrameReadResult.Message)
            {
                if (!_onFrame(in frame)) return false;
            }
            else if (_format.AnswerKeepAlives)
            {
                _outbound.Writer.TryWrite(default);
            }
        }

        return true;
    }

    private async Task WriteLoopAsync()
    {
        var output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        var queue = _outbound.Reader;
        var awaitingFlush = new List<TaskCompletionSource>();
        try
        {
            while (await queue.WaitToReadAsync().ConfigureAwait(false))
            {
                var unflushed = 0;
                while (unflushed < FramesPerFlush && queue.TryRead(out var item))
                {
                    Write(output, item);
                    if (item.Written is { } written) awaitingFlush.Add(written);
                    unflushed++;
                }

                await output.FlushAsync(_closing.Token).ConfigureAwait(false);
                foreach (var written in awaitingFlush) written.TrySetResult();
                awaitingFlush.Clear();
            }
        }
        catch (Exception e)
        {
            if (Volatile.Read(ref _closed) == 0) _writeError = e;
        }
        finally
        {
            Close();
            foreach (var written in awaitingFlush) written.TrySetException(Closed());
            while (queue.TryRead(out var item)) item.Written?.TrySetException(Closed());
            try
            {
                await output.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // Completing flushes what is left over a socket that is already closed.
            }
        }
    }

    private void Write(PipeWriter output, in Outbound item)
    {
        if (item.Message is { } message)
        {
            var length = message.Encode(_body);
            FrameWriter.WriteMessage(output, _format, _body.AsSpan(0, length), item.Tpdu);
        }
        else if (!item.Raw.IsEmpty)
        {
            FrameWriter.WriteMessage(output, _format, item.Raw.Span, item.Tpdu);
        }
        else
        {
            FrameWriter.WriteKeepAlive(output, _format);
        }
    }

    private static IOException Closed() => new("the connection is closed");

    /// <summary>A message, a raw body, or (both empty) a keep-alive.</summary>
    private readonly record struct Outbound(IsoMessage? Message, ReadOnlyMemory<byte> Raw, Tpdu? Tpdu, TaskCompletionSource? Written);
}
