using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;

namespace Switch.Runtime.Remote;

/// <summary>
/// Mutual proof of the cluster secret before a connection carries messages. The dialler sends Hello (version, its
/// address, the address it expects, a random nonce); the acceptor answers Challenge (version, its nonce, its proof);
/// the dialler checks it and sends its own proof; the acceptor checks that and answers Accepted. A proof is
/// HMAC-SHA256 under the secret over the role, the version, both addresses and both nonces, so it cannot be replayed
/// on another connection nor reflected to the other role. Either side refuses with a reason and closes.
/// </summary>
internal static class Handshake
{
    private const int MaxHandshakeFrame = 1024;
    private const int ProofSize = 32;

    /// <summary>Runs the dialler's side; returns when the acceptor has accepted.</summary>
    /// <exception cref="HandshakeException">The acceptor refused, or failed to prove the secret.</exception>
    public static async Task DialAsync(Connection connection, string self, string peer, byte[] secret, CancellationToken cancellationToken)
    {
        var nonce = RandomNumberGenerator.GetBytes(WireFormat.NonceSize);
        var hello = Begin(FrameKind.Hello);
        AppendVersion(hello);
        AppendString(hello, self);
        AppendString(hello, peer);
        hello.Write(nonce);
        await SendAsync(connection.Output, hello, cancellationToken).ConfigureAwait(false);

        var challenge = await ReadAsync(connection.Input, FrameKind.Challenge, cancellationToken).ConfigureAwait(false);
        var version = ReadVersion(challenge);
        if (version != WireFormat.ProtocolVersion)
            throw new HandshakeException($"node {peer} speaks protocol version {version}, this node {WireFormat.ProtocolVersion}");
        var peerNonce = ReadBytes(challenge, WireFormat.NonceSize);
        var peerProof = ReadBytes(challenge, ProofSize);
        if (!CryptographicOperations.FixedTimeEquals(peerProof, Prove(secret, "acceptor", self, peer, nonce, peerNonce)))
        {
            await RefuseAsync(connection.Output, "the acceptor's proof of the cluster secret is wrong", cancellationToken).ConfigureAwait(false);
            throw new HandshakeException($"node {peer} failed to prove the cluster secret (wrong secret?)");
        }

        var proof = Begin(FrameKind.Proof);
        proof.Write(Prove(secret, "dialler", self, peer, nonce, peerNonce));
        await SendAsync(connection.Output, proof, cancellationToken).ConfigureAwait(false);
        await ReadAsync(connection.Input, FrameKind.Accepted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the acceptor's side; returns the dialler's address once it has proved the secret.</summary>
    /// <exception cref="HandshakeException">The dialler refused, failed to prove the secret, or expected another node.</exception>
    public static async Task<string> AcceptAsync(Connection connection, string self, byte[] secret, CancellationToken cancellationToken)
    {
        var hello = await ReadAsync(connection.Input, FrameKind.Hello, cancellationToken).ConfigureAwait(false);
        var version = ReadVersion(hello);
        if (version != WireFormat.ProtocolVersion)
            await FailAsync(connection.Output, $"protocol version {version} is not this node's {WireFormat.ProtocolVersion}", cancellationToken).ConfigureAwait(false);
        var peer = ReadString(hello);
        var expected = ReadString(hello);
        var peerNonce = ReadBytes(hello, WireFormat.NonceSize);
        if (peer.Length == 0)
            await FailAsync(connection.Output, "the dialler gave no node address", cancellationToken).ConfigureAwait(false);
        if (expected != self)
            await FailAsync(connection.Output, $"this is node {self}, not {expected}", cancellationToken).ConfigureAwait(false);

        var nonce = RandomNumberGenerator.GetBytes(WireFormat.NonceSize);
        var challenge = Begin(FrameKind.Challenge);
        AppendVersion(challenge);
        challenge.Write(nonce);
        challenge.Write(Prove(secret, "acceptor", peer, self, peerNonce, nonce));
        await SendAsync(connection.Output, challenge, cancellationToken).ConfigureAwait(false);

        var proof = await ReadAsync(connection.Input, FrameKind.Proof, cancellationToken).ConfigureAwait(false);
        if (!CryptographicOperations.FixedTimeEquals(ReadBytes(proof, ProofSize), Prove(secret, "dialler", peer, self, peerNonce, nonce)))
            await FailAsync(connection.Output, $"node {peer} failed to prove the cluster secret (wrong secret?)", cancellationToken).ConfigureAwait(false);

        await SendAsync(connection.Output, Begin(FrameKind.Accepted), cancellationToken).ConfigureAwait(false);
        return peer;
    }

    private static byte[] Prove(byte[] secret, string role, string dialler, string acceptor, byte[] diallerNonce, byte[] acceptorNonce)
    {
        var label = Encoding.UTF8.GetBytes($"switch-remote/{WireFormat.ProtocolVersion}/{role}/{dialler}/{acceptor}/");
        byte[] message = [.. label, .. diallerNonce, .. acceptorNonce];
        return HMACSHA256.HashData(secret, message);
    }

    private static async Task FailAsync(PipeWriter output, string reason, CancellationToken cancellationToken)
    {
        await RefuseAsync(output, reason, cancellationToken).ConfigureAwait(false);
        throw new HandshakeException(reason);
    }

    private static async Task RefuseAsync(PipeWriter output, string reason, CancellationToken cancellationToken)
    {
        var refused = Begin(FrameKind.Refused);
        AppendString(refused, reason);
        try
        {
            await SendAsync(output, refused, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // the peer is gone already; the reason is logged on this side anyway
        }
    }

    private static ArrayBufferWriter<byte> Begin(FrameKind kind)
    {
        var body = new ArrayBufferWriter<byte>(128);
        body.Write([(byte)kind]);
        return body;
    }

    private static void AppendVersion(ArrayBufferWriter<byte> body)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(body.GetSpan(2), WireFormat.ProtocolVersion);
        body.Advance(2);
    }

    private static void AppendString(ArrayBufferWriter<byte> body, string text)
    {
        var n = WireFormat.WriteString(body.GetSpan(WireFormat.StringSize(text)), text);
        body.Advance(n);
    }

    private static async Task SendAsync(PipeWriter output, ArrayBufferWriter<byte> body, CancellationToken cancellationToken)
    {
        var prefix = output.GetSpan(WireFormat.LengthPrefixSize);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)body.WrittenCount);
        output.Advance(WireFormat.LengthPrefixSize);
        output.Write(body.WrittenSpan);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the next frame, which must be <paramref name="expected"/> (a Refused frame throws its reason).</summary>
    private static async Task<Body> ReadAsync(PipeReader input, FrameKind expected, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryTake(buffer, out var body, out var consumed))
            {
                input.AdvanceTo(consumed);
                var kind = body[0];
                var fields = new Body(body);
                if ((FrameKind)kind == expected) return fields;
                if ((FrameKind)kind == FrameKind.Refused) throw new HandshakeException("refused by the peer: " + ReadString(fields));
                throw new HandshakeException($"expected {expected} during the handshake, got frame kind {kind}");
            }
            if (result.IsCompleted) throw new HandshakeException("the peer closed the connection during the handshake");
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryTake(ReadOnlySequence<byte> buffer, out byte[] body, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        body = [];
        consumed = buffer.Start;
        if (reader.Remaining >= WireFormat.LengthPrefixSize)
        {
            Span<byte> prefix = stackalloc byte[WireFormat.LengthPrefixSize];
            reader.TryCopyTo(prefix);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
            if (length is 0 or > MaxHandshakeFrame) throw new HandshakeException($"a handshake frame of {length} bytes (not a Switch node?)");
        }
        if (!WireFormat.TryReadFrame(ref reader, out var frame, out _)) return false;
        body = frame.ToArray();
        consumed = reader.Position;
        return true;
    }

    private static ushort ReadVersion(Body body)
    {
        if (body.Bytes.Length - body.Offset < 2) throw Truncated();
        var version = BinaryPrimitives.ReadUInt16LittleEndian(body.Bytes.AsSpan(body.Offset));
        body.Offset += 2;
        return version;
    }

    private static string ReadString(Body body)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(body.Bytes, body.Offset, body.Bytes.Length - body.Offset));
        if (!WireFormat.TryReadString(ref reader, WireFormat.MaxStringBytes, out var text)) throw Truncated();
        body.Offset += (int)reader.Consumed;
        return text;
    }

    private static byte[] ReadBytes(Body body, int count)
    {
        if (body.Bytes.Length - body.Offset < count) throw Truncated();
        var bytes = body.Bytes.AsSpan(body.Offset, count).ToArray();
        body.Offset += count;
        return bytes;
    }

    private static HandshakeException Truncated() => new("a truncated handshake frame");

    /// <summary>A handshake frame's body and how far it has been read (past its kind byte to begin with).</summary>
    private sealed class Body(byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;

        public int Offset { get; set; } = 1;
    }
}
