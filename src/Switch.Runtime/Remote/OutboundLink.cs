using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Switch.Runtime.Remote;

/// <summary>
/// The connection this node dialled to a peer: the association's writer loop writes messages into it, and a reader
/// takes the peer's answers (heartbeat acknowledgements, rejected messages).
/// </summary>
internal sealed class OutboundLink
{
    private readonly Association _association;
    private readonly Connection _connection;
    private readonly OutboundStringTable _paths = new();
    private readonly OutboundStringTable _manifests = new();
    private int _broken;

    public OutboundLink(Association association, Connection connection)
    {
        _association = association;
        _connection = connection;
        _ = Task.Run(ReadAsync);
    }

    public PipeWriter Output => _connection.Output;

    public bool IsBroken => Volatile.Read(ref _broken) == 1 || _connection.IsAborted;

    public void Abort() => _connection.Abort();

    /// <summary>Closes the connection; only the writer loop calls it, after its last write.</summary>
    public void Close()
    {
        _connection.Abort();
        // With an error, completing returns the pipe's buffers without writing what is left to the closed stream.
        _connection.Output.Complete(Connection.Closed);
    }

    /// <summary>Writes one message frame (not flushed); returns its size.</summary>
    public int Write(in OutboundMessage message)
    {
        var recipient = _paths.Encode(message.Recipient.WirePath, message.Recipient.Interned);
        var sender = _paths.Encode(message.SenderPath, message.InternSender);
        var manifest = _manifests.Encode(message.Manifest, intern: true);
        var body = 1 + recipient.Size + sender.Size + manifest.Size + message.Payload.Length;
        var size = WireFormat.LengthPrefixSize + body;
        var span = Output.GetSpan(size);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)body);
        span[WireFormat.LengthPrefixSize] = (byte)message.Kind;
        var n = WireFormat.LengthPrefixSize + 1;
        n += recipient.Write(span[n..]);
        n += sender.Write(span[n..]);
        n += manifest.Write(span[n..]);
        message.Payload.CopyTo(span[n..]);
        Output.Advance(size);
        return size;
    }

    public void WriteHeartbeat() => WireFormat.WriteEmptyFrame(Output, FrameKind.Heartbeat);

    private async Task ReadAsync()
    {
        var input = _connection.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                var consumed = Process(result.Buffer);
                input.AdvanceTo(consumed, result.Buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (RemoteProtocolException e)
        {
            _association.Log.LogWarning("node {Node} broke the protocol ({Reason}); closing the connection", _association.Address, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the connection closed; the writer loop reconnects when it has something to send
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
            Volatile.Write(ref _broken, 1);
            _association.OnLinkBroken();
        }
    }

    private SequencePosition Process(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        var heard = false;
        while (true)
        {
            var complete = WireFormat.TryReadFrame(ref reader, out var body, out var length);
            if (length > WireFormat.MaxEnvelopeHeadBytes) throw new RemoteProtocolException($"an answer frame of {length} bytes");
            if (!complete) break;
            var frame = new SequenceReader<byte>(body);
            frame.TryRead(out var kind);
            heard = true;
            switch ((FrameKind)kind)
            {
                case FrameKind.HeartbeatAck:
                    break;
                case FrameKind.Rejected:
                    if (!WireFormat.TryReadString(ref frame, WireFormat.MaxStringBytes, out var senderPath)
                        || !WireFormat.TryReadString(ref frame, WireFormat.MaxStringBytes, out var typeName)
                        || !WireFormat.TryReadString(ref frame, WireFormat.MaxStringBytes, out var reason))
                        throw new RemoteProtocolException("a truncated rejection");
                    _association.OnRejected(senderPath, typeName, reason);
                    break;
                default:
                    throw new RemoteProtocolException($"frame kind {kind} on a dialled connection");
            }
        }
        if (heard) _association.Heard();
        return reader.Position;
    }
}
