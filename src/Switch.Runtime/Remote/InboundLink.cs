using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Switch.Runtime.Actors;

namespace Switch.Runtime.Remote;

/// <summary>
/// A connection a peer dialled to this node, after its handshake: one loop reads whole frames, delivers each message
/// to its local recipient, and answers heartbeats and undeliverable frames on the same connection.
/// </summary>
internal sealed class InboundLink(RemoteTransport transport, Connection connection, string peer)
{
    private readonly ActorSystem _system = transport.System;
    private readonly Association _association = transport.AssociationFor(peer);
    private readonly InboundTable<PathEntry> _paths = new();
    private readonly InboundTable<string> _manifests = new();
    private readonly int _maximumFrameSize = transport.Settings.MaximumFrameSize;
    private byte[] _scratch = [];
    private long _skipping;
    private bool _answered;

    public string Peer => peer;

    public void Abort() => connection.Abort();

    public async Task RunAsync()
    {
        var input = connection.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = Process(buffer);
                input.AdvanceTo(consumed, buffer.End);
                if (!buffer.IsEmpty) _association.Heard();
                if (_answered)
                {
                    _answered = false;
                    await connection.Output.FlushAsync().ConfigureAwait(false);
                }
                if (result.IsCompleted) break;
            }
        }
        catch (RemoteProtocolException e)
        {
            transport.Log.LogWarning("node {Node} broke the protocol ({Reason}); closing its connection", peer, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the peer closed the connection, or this transport stops
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
            connection.Abort();
            await connection.Output.CompleteAsync(Connection.Closed).ConfigureAwait(false);
        }
    }

    /// <summary>Handles every whole frame in <paramref name="buffer"/>; returns where the first incomplete one starts.</summary>
    private SequencePosition Process(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (_skipping > 0)
        {
            var skip = Math.Min(_skipping, reader.Remaining);
            reader.Advance(skip);
            _skipping -= skip;
        }
        Span<byte> prefix = stackalloc byte[WireFormat.LengthPrefixSize];
        while (_skipping == 0 && reader.TryCopyTo(prefix))
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
            if (length > (uint)_maximumFrameSize)
            {
                if (!TrySkipOversized(ref reader, length)) break;
                continue;
            }
            if (!WireFormat.TryReadFrame(ref reader, out var body, out _)) break;
            Handle(body);
        }
        return reader.Position;
    }

    private void Handle(ReadOnlySequence<byte> body)
    {
        var reader = new SequenceReader<byte>(body);
        if (!reader.TryRead(out var kind)) throw new RemoteProtocolException("an empty frame");
        switch ((FrameKind)kind)
        {
            case FrameKind.Message or FrameKind.Failure or FrameKind.PoisonPill:
                if (!WireToken.TryRead(ref reader, out var recipient) || !WireToken.TryRead(ref reader, out var sender) || !WireToken.TryRead(ref reader, out var manifest))
                    throw new RemoteProtocolException("a truncated message frame");
                Deliver((FrameKind)kind, Path(recipient), Path(sender), Manifest(manifest), body.Slice(reader.Position));
                break;
            case FrameKind.Heartbeat:
                WireFormat.WriteEmptyFrame(connection.Output, FrameKind.HeartbeatAck);
                _answered = true;
                break;
            default:
                throw new RemoteProtocolException($"frame kind {kind} on an accepted connection");
        }
    }

    private void Deliver(FrameKind kind, PathEntry? recipient, PathEntry? sender, string? manifest, ReadOnlySequence<byte> payload)
    {
        if (recipient is null) throw new RemoteProtocolException("a message without a recipient");
        object message;
        switch (kind)
        {
            case FrameKind.Failure:
                message = new Status.Failure(new RemoteException(manifest ?? "", Encoding.UTF8.GetString(payload)));
                break;
            case FrameKind.PoisonPill:
                message = PoisonPill.Instance;
                break;
            default:
                if (manifest is null) throw new RemoteProtocolException("a message without a manifest");
                try
                {
                    message = transport.Serializer.Deserialize(manifest, Contiguous(payload));
                }
                catch (Exception e)
                {
                    var reason = $"node {_system.Name} could not read a message of manifest '{manifest}': {e.Message}";
                    _system.DeadLetter(new UnreadableRemoteMessage(manifest, (int)payload.Length, e.Message), SenderOf(sender), _system.DeadLetters, reason);
                    Reject(sender, e.GetType().FullName ?? e.GetType().Name, reason);
                    return;
                }
                break;
        }
        var target = RecipientOf(recipient);
        if (target is null) _system.DeadLetter(message, SenderOf(sender), _system.DeadLetters, $"no actor at {recipient.WirePath}");
        else target.Tell(message, SenderOf(sender));
    }

    /// <summary>
    /// A frame above this node's limit: its head (kind and tokens, which may define strings that later frames use) is
    /// read as usual, the rest is skipped as it arrives without being buffered, and the sender is told.
    /// </summary>
    private bool TrySkipOversized(ref SequenceReader<byte> reader, uint length)
    {
        var arrived = Math.Min(reader.Remaining - WireFormat.LengthPrefixSize, length);
        var head = new SequenceReader<byte>(reader.Sequence.Slice(reader.Position).Slice(WireFormat.LengthPrefixSize, arrived));
        if (!head.TryRead(out var kind)) return false;
        if ((FrameKind)kind is not (FrameKind.Message or FrameKind.Failure or FrameKind.PoisonPill))
            throw new RemoteProtocolException($"a frame of kind {kind} and {length} bytes");
        if (!WireToken.TryRead(ref head, out var recipientToken) || !WireToken.TryRead(ref head, out var senderToken) || !WireToken.TryRead(ref head, out var manifestToken))
        {
            if (arrived >= WireFormat.MaxEnvelopeHeadBytes || arrived == length) throw new RemoteProtocolException("an oversized frame with a malformed head");
            return false;
        }
        var recipient = Path(recipientToken);
        var sender = Path(senderToken);
        var manifest = Manifest(manifestToken);
        reader.Advance(WireFormat.LengthPrefixSize + arrived);
        _skipping = length - arrived;
        var reason = $"a frame of {length} bytes for {recipient?.WirePath} exceeds the maximum frame size of node {_system.Name} ({_maximumFrameSize} bytes)";
        transport.Log.LogWarning("skipped a {Manifest} frame of {Length} bytes from {Sender} for {Recipient}: above the maximum frame size ({Maximum} bytes)",
            manifest ?? ((FrameKind)kind).ToString(), length, sender?.WirePath ?? "nobody", recipient?.WirePath, _maximumFrameSize);
        Reject(sender, typeof(RemoteDeliveryException).FullName!, reason);
        return true;
    }

    /// <summary>Tells the dialling node that a message was not delivered, for its sender.</summary>
    private void Reject(PathEntry? sender, string typeName, string reason)
    {
        if (reason.Length > 1000) reason = reason[..1000];
        var senderPath = sender?.WirePath ?? "";
        var body = 1 + WireFormat.StringSize(senderPath) + WireFormat.StringSize(typeName) + WireFormat.StringSize(reason);
        var output = connection.Output;
        var span = output.GetSpan(WireFormat.LengthPrefixSize + body);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)body);
        span[WireFormat.LengthPrefixSize] = (byte)FrameKind.Rejected;
        var n = WireFormat.LengthPrefixSize + 1;
        n += WireFormat.WriteString(span[n..], senderPath);
        n += WireFormat.WriteString(span[n..], typeName);
        n += WireFormat.WriteString(span[n..], reason);
        output.Advance(n);
        _answered = true;
    }

    private ActorRef? RecipientOf(PathEntry entry)
    {
        var target = entry.Reference;
        if (target is null or ActorCell { IsStopped: true })
        {
            target = transport.ResolveLocal(entry.WirePath);
            if (entry.Interned) entry.Reference = target;
        }
        return target;
    }

    private ActorRef? SenderOf(PathEntry? entry)
    {
        if (entry is null) return null;
        var sender = entry.Reference;
        if (sender is null or ActorCell { IsStopped: true })
        {
            sender = transport.ResolveWirePath(entry.WirePath, entry.Interned);
            entry.Reference = sender;
        }
        return sender;
    }

    private PathEntry? Path(WireToken token)
    {
        if (token.Tag == WireToken.None) return null;
        if (token.IsReference) return _paths.Get(token.Id);
        return token.IsDefinition ? _paths.Define(token.Id, new PathEntry(token.Text!, true)) : new PathEntry(token.Text!, false);
    }

    private string? Manifest(WireToken token)
    {
        if (token.Tag == WireToken.None) return null;
        if (token.IsReference) return _manifests.Get(token.Id);
        return token.IsDefinition ? _manifests.Define(token.Id, token.Text!) : token.Text;
    }

    /// <summary>The payload as one block: in place when it is, else copied into a buffer reused by the next one.</summary>
    private ReadOnlyMemory<byte> Contiguous(ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment) return payload.First;
        var length = (int)payload.Length;
        if (_scratch.Length < length) _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        payload.CopyTo(_scratch);
        return _scratch.AsMemory(0, length);
    }
}
