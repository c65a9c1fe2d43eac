using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Framing;

/// <summary>
/// The sending half of a connection: any thread queues messages, one loop encodes them into the connection's
/// <see cref="PipeWriter"/> with their frame headers and flushes once the queue is empty (or after
/// <see cref="FramesPerFlush"/> frames), so a busy connection sends many messages per system call and a slow peer holds
/// back only this loop (the pipe's backpressure).
/// </summary>
public sealed class MessageWriter
{
    /// <summary>Frames written before a flush even when more are queued, so a busy connection never buffers without bound.</summary>
    public const int FramesPerFlush = 256;

    private readonly PipeWriter _output;
    private readonly FrameFormat _format;
    private readonly Channel<Outbound> _queue = Channel.CreateUnbounded<Outbound>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Creates the writer for one connection's output.</summary>
    public MessageWriter(PipeWriter output, FrameFormat format)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(format);
        _output = output;
        _format = format;
    }

    /// <summary>Messages queued and not yet encoded.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Queues <paramref name="message"/> (a reply passes its request's <see cref="Tpdu.Reply"/>); false once completed.</summary>
    public bool TryWrite(IsoMessage message, Tpdu? tpdu = null) => _queue.Writer.TryWrite(new Outbound(message, default, tpdu, null));

    /// <summary>Queues a keep-alive (an empty frame); false once completed.</summary>
    public bool TryWriteKeepAlive() => _queue.Writer.TryWrite(default);

    /// <summary>Queues a body as it is (e.g. a test's malformed message); the task completes once it is flushed.</summary>
    /// <exception cref="IOException">The writer is completed, or the connection closed before the flush.</exception>
    public Task WriteRawAsync(ReadOnlyMemory<byte> body, Tpdu? tpdu = null)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(new Outbound(null, body, tpdu, written)) ? written.Task : Task.FromException(Closed());
    }

    /// <summary>No more messages: the loop ends after sending those queued.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>
    /// Sends until <see cref="Complete"/> and the queue is drained, the peer stops reading (the pipe completes), or
    /// <paramref name="cancellationToken"/> fires. Does not complete the pipe: its owner does. Raw writes not flushed
    /// by then fail with an <see cref="IOException"/>.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var queue = _queue.Reader;
        var awaitingFlush = new List<TaskCompletionSource>();
        try
        {
            while (await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                for (var frames = 0; frames < FramesPerFlush && queue.TryRead(out var item); frames++)
                {
                    Write(item);
                    if (item.Written is { } written) awaitingFlush.Add(written);
                }
                var flush = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
                foreach (var written in awaitingFlush) written.TrySetResult();
                awaitingFlush.Clear();
                if (flush.IsCompleted || flush.IsCanceled)
                    return;
            }
        }
        finally
        {
            _queue.Writer.TryComplete();
            foreach (var written in awaitingFlush) written.TrySetException(Closed());
            while (queue.TryRead(out var item)) item.Written?.TrySetException(Closed());
        }
    }

    private void Write(in Outbound item)
    {
        if (item.Message is { } message)
        {
            var length = message.EncodedLength;
            var body = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                message.Encode(body);
                FrameWriter.WriteMessage(_output, _format, body.AsSpan(0, length), item.Tpdu);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body);
            }
        }
        else if (!item.Raw.IsEmpty)
        {
            FrameWriter.WriteMessage(_output, _format, item.Raw.Span, item.Tpdu);
        }
        else
        {
            FrameWriter.WriteKeepAlive(_output, _format);
        }
    }

    private static IOException Closed() => new("the connection is closed");

    /// <summary>A message, a raw body, or (both empty) a keep-alive.</summary>
    private readonly record struct Outbound(IsoMessage? Message, ReadOnlyMemory<byte> Raw, Tpdu? Tpdu, TaskCompletionSource? Written);
}
