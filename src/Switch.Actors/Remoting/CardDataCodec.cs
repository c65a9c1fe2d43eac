using System.Buffers;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Switch.Actors.Security;
using Switch.Protocol.Iso8583;

namespace Switch.Actors.Remoting;

/// <summary>
/// The card data side of the messages between nodes: seals the payloads that hold ISO 8583 messages with the
/// card data key every node shares, and writes and reads those ISO messages with the dialects the nodes know.
/// </summary>
/// <remarks>
/// A sealed payload is <see cref="CardDataProtector.Seal"/> of the manifest (one length byte, then ASCII) followed
/// by the protobuf message. The manifest inside the seal means that a payload sealed for one manifest (or a
/// journaled reversal advice, sealed with the same key) fails to open as another, instead of parsing as garbage.
/// </remarks>
internal sealed class CardDataCodec
{
    private readonly CardDataProtector _protector;
    private readonly Dictionary<string, Dialect> _dialects = new(StringComparer.Ordinal);

    /// <summary>Creates the codec.</summary>
    /// <exception cref="ArgumentException">Two dialects have the same name.</exception>
    public CardDataCodec(CardDataProtector protector, IEnumerable<Dialect> dialects)
    {
        _protector = protector;
        foreach (var dialect in dialects)
            if (!_dialects.TryAdd(dialect.Name, dialect))
                throw new ArgumentException($"two dialects are named '{dialect.Name}': a message names its dialect on the wire", nameof(dialects));
    }

    /// <summary>Seals <paramref name="message"/> for <paramref name="manifest"/>.</summary>
    public byte[] Seal(string manifest, IMessage message)
    {
        var size = 1 + manifest.Length + message.CalculateSize();
        var plain = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            plain[0] = checked((byte)manifest.Length);
            Encoding.ASCII.GetBytes(manifest, plain.AsSpan(1));
            message.WriteTo(plain.AsSpan(1 + manifest.Length, size - 1 - manifest.Length));
            return _protector.Seal(plain.AsSpan(0, size));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, size)); // card data must not linger in a shared pool
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    /// <summary>Opens what <see cref="Seal"/> produced for <paramref name="manifest"/>.</summary>
    /// <exception cref="InvalidDataException">The payload was altered, sealed under another key or for another manifest.</exception>
    public T Open<T>(string manifest, MessageParser<T> parser, ReadOnlyMemory<byte> payload) where T : IMessage<T>
    {
        byte[] plain;
        try
        {
            plain = _protector.Open(payload.Span);
        }
        catch (CryptographicException error)
        {
            throw new InvalidDataException("the sealed payload failed authentication: altered, or sealed under another card data key", error);
        }
        try
        {
            if (plain.Length == 0 || plain.Length < 1 + plain[0] || !Ascii.Equals(plain.AsSpan(1, plain[0]), manifest))
                throw new InvalidDataException("the sealed payload was sealed for another manifest");
            return parser.ParseFrom(plain.AsSpan(1 + plain[0]));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>The wire form of <paramref name="message"/>: its dialect's name and its encoded bytes.</summary>
    /// <exception cref="SerializationException">The message's dialect is not one the codec knows (no node could read it back).</exception>
    public Wire.IsoBytes ToWire(IsoMessage message)
    {
        if (!_dialects.TryGetValue(message.Dialect.Name, out var known) || !ReferenceEquals(known, message.Dialect))
            throw new SerializationException(
                $"an ISO 8583 message of dialect '{message.Dialect.Name}' cannot cross nodes: that dialect is not the one registered with the message serializer under its name");
        return new Wire.IsoBytes { Dialect = known.Name, Encoded = UnsafeByteOperations.UnsafeWrap(message.Encode()) };
    }

    /// <summary>Decodes <paramref name="wire"/> with this node's dialect of the same name.</summary>
    /// <param name="wire">The wire form.</param>
    /// <param name="field">What the message is, for the error.</param>
    /// <exception cref="InvalidDataException">It is missing, or its dialect is unknown here.</exception>
    /// <exception cref="IsoFormatException">Its bytes are not a message of its dialect.</exception>
    public IsoMessage FromWire(Wire.IsoBytes? wire, string field)
    {
        if (wire is null)
            throw new InvalidDataException($"{field} is missing");
        if (!_dialects.TryGetValue(wire.Dialect, out var dialect))
            throw new InvalidDataException($"{field} is of dialect '{wire.Dialect}', which this node does not know ({string.Join(", ", _dialects.Keys)})");
        return dialect.Decode(wire.Encoded.Span);
    }
}
