using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>Handles one message frame while its bytes are still in the pipe; returns false to close the connection.</summary>
internal delegate bool FrameHandler(in Frame frame);

/// <summary>
/// One TCP connection carrying framed ISO 8583 messages. A read loop hands each frame to a handler; the protocol
/// library's <see cref="MessageWriter"/> sends, so any thread can send without a lock and frames queued together leave
/// in one flush.
/// </summary>
internal sealed class FramedConnection
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly FrameFormat _format;
    private readonly FrameHandler _onFrame;
    private readonly PipeWriter _output;
    private readonly MessageWriter _writer;
    private readonly CancellationTokenSource _closing = new();
    private Exception? _writeError;
    private int _closed;

    public FramedConnection(Socket socket, FrameFormat format, FrameHandler onFrame)
    {
        socket.NoDelay = true;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _format = format;
        _onFrame = onFrame;
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _writer = new MessageWriter(_output, format);
    }

    /// <summary>Cancelled when the connection closes, for work that should end with it.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Queues a message; false when the connection is closed.</summary>
    public bool Send(IsoMessage message, Tpdu? tpdu) => _writer.TryWrite(message, tpdu);

    /// <summary>Queues a body as it is; the task completes once it is flushed to the socket.</summary>
    public Task SendRawAsync(ReadOnlyMemory<byte> body, Tpdu? tpdu) => _writer.WriteRawAsync(body, tpdu);

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
        _writer.Complete();
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
                _writer.TryWriteKeepAlive();
            }
        }

        return true;
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await _writer.RunAsync(_closing.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (Volatile.Read(ref _closed) == 0) _writeError = e;
        }
        finally
        {
            Close();
            try
            {
                await _output.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // Completing flushes what is left over a socket that is already closed.
            }
        }
    }
}
