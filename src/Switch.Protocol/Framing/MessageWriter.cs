using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Framing;

/// <summary>
/// The sending half of a connection: any thread queues messages, one loop encodes them into the connection's
/// <see cref="PipeWriter"/> with their frame headers and flushes once the queue is empty, so a busy connection
/// sends many messages per system call and a slow peer holds back only this loop (the pipe's backpressure).
/// </summary>
public sealed class MessageWriter
{
    private readonly PipeWriter _output;
    private readonly FrameFormat _format;
    private readonly Channel<(IsoMessage Message, Tpdu? Tpdu)> _queue =
        Channel.CreateUnbounded<(IsoMessage, Tpdu?)>(new UnboundedChannelOptions { SingleReader = true });

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
    public bool TryWrite(IsoMessage message, Tpdu? tpdu = null) => _queue.Writer.TryWrite((message, tpdu));

    /// <summary>No more messages: the loop ends after sending those queued.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>
    /// Sends until <see cref="Complete"/> and the queue is drained, the peer stops reading (the pipe completes), or
    /// <paramref name="cancellationToken"/> fires. Does not complete the pipe: its owner does.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var queue = _queue.Reader;
        while (await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (queue.TryRead(out var item))
                Write(item.Message, item.Tpdu);
            var flush = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted || flush.IsCanceled)
                return;
        }
    }

    private void Write(IsoMessage message, Tpdu? tpdu)
    {
        var length = message.EncodedLength;
        var body = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            message.Encode(body);
            FrameWriter.WriteMessage(_output, _format, body.AsSpan(0, length), tpdu);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }
}
