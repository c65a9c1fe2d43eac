using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;

namespace Switch.Protocol.Framing;

/// <summary>
/// Cuts one connection's inbound bytes into frames. It consumes whole frames only and allocates nothing:
/// a message body is returned as a slice of the input. It keeps per-connection state (the keep-alive count
/// and the stream offset used in error messages), so use one reader per connection.
/// </summary>
/// <remarks>
/// A pipe's <c>PipeOptions.PauseWriterThreshold</c> must be at least <see cref="FrameFormat.MaxFrameSize"/>:
/// below that, the writer can pause while the reader waits for the rest of a frame, and neither moves.
/// </remarks>
/// <example>
/// <code>
/// var buffer = result.Buffer;
/// FrameReadResult read;
/// while ((read = frameReader.TryRead(ref buffer, out var frame)) != FrameReadResult.NeedMoreData)
/// {
///     // handle the message or keep-alive; frame.Body is valid until AdvanceTo
/// }
/// pipeReader.AdvanceTo(buffer.Start, buffer.End);
/// </code>
/// </example>
public sealed class FrameReader
{
    private const int MaxLengthHeaderSize = 9;

    private readonly int _lengthHeaderSize;
    private readonly int _prefixSize;
    private long _streamOffset;

    /// <summary>Creates a reader for a connection framed as <paramref name="format"/>.</summary>
    public FrameReader(FrameFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        Format = format;
        _lengthHeaderSize = format.LengthHeaderSize;
        _prefixSize = format.HeaderSize - _lengthHeaderSize;
    }

    /// <summary>The format this reader expects.</summary>
    public FrameFormat Format { get; }

    internal int ConsecutiveKeepAlives { get; private set; }

    /// <summary>
    /// Reads the frame at the start of <paramref name="buffer"/>. Unless the result is
    /// <see cref="FrameReadResult.NeedMoreData"/>, <paramref name="buffer"/> is advanced past exactly that frame;
    /// otherwise it is left as it was. <paramref name="frame"/> is set for <see cref="FrameReadResult.Message"/> only.
    /// </summary>
    /// <exception cref="FramingException">
    /// The length header is malformed or announces a frame over <see cref="FrameFormat.MaxFrameSize"/> (raised as soon
    /// as the length header is in, without waiting for the rest), the static header does not match, or a keep-alive
    /// exceeds <see cref="FrameFormat.MaxConsecutiveKeepAlives"/>. Nothing is consumed.
    /// </exception>
    public FrameReadResult TryRead(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        frame = default;
        var reader = new SequenceReader<byte>(buffer);
        if (!TryReadPayloadLength(ref reader, out var payloadLength) || reader.Remaining < payloadLength)
        {
            return FrameReadResult.NeedMoreData;
        }

        if (payloadLength == 0)
        {
            if (Format.MaxConsecutiveKeepAlives is { } limit && ConsecutiveKeepAlives >= limit)
            {
                throw Error($"Keep-alive {ConsecutiveKeepAlives + 1} in a row exceeds the limit of {limit}", 0);
            }

            ConsecutiveKeepAlives++;
            Consume(ref buffer, reader.Position, _lengthHeaderSize);
            return FrameReadResult.KeepAlive;
        }

        Tpdu? tpdu = null;
        if (Format.HasTpdu)
        {
            reader.TryRead(out byte id);
            reader.TryReadBigEndian(out short destination);
            reader.TryReadBigEndian(out short source);
            tpdu = new Tpdu(id, (ushort)destination, (ushort)source);
        }

        foreach (var expected in Format.StaticHeader.Span)
        {
            reader.TryRead(out byte actual);
            if (actual != expected)
            {
                throw Error($"Static header byte is 0x{actual:X2}, expected 0x{expected:X2}", (int)reader.Consumed - 1);
            }
        }

        var body = buffer.Slice(reader.Position, payloadLength - _prefixSize);
        frame = new Frame(body, tpdu);
        ConsecutiveKeepAlives = 0;
        Consume(ref buffer, body.End, _lengthHeaderSize + payloadLength);
        return FrameReadResult.Message;
    }

    /// <summary>
    /// Reads and checks the length header, including every check that needs only the announced length,
    /// so a bad or oversize frame fails before its payload is waited for.
    /// </summary>
    private bool TryReadPayloadLength(ref SequenceReader<byte> reader, out int payloadLength)
    {
        payloadLength = 0;
        Span<byte> header = stackalloc byte[MaxLengthHeaderSize];
        header = header[.._lengthHeaderSize];
        if (!reader.TryCopyTo(header))
        {
            return false;
        }

        reader.Advance(_lengthHeaderSize);
        long announced = Format.LengthHeader switch
        {
            LengthHeader.Binary2 => BinaryPrimitives.ReadUInt16BigEndian(header),
            LengthHeader.Binary2Inclusive => ParseInclusive(header),
            LengthHeader.AsciiDigits => ParseAscii(header),
            LengthHeader.Bcd2 => ParseBcd(header),
            LengthHeader.Binary4 => BinaryPrimitives.ReadUInt32BigEndian(header),
            LengthHeader.Binary2Visa => ParseVisa(header),
            _ => throw new UnreachableException(),
        };

        var frameSize = _lengthHeaderSize + announced;
        if (frameSize > Format.MaxFrameSize)
        {
            throw Error($"Length header announces a {frameSize}-byte frame, over the {Format.MaxFrameSize}-byte maximum", 0);
        }

        if (announced != 0 && announced <= _prefixSize)
        {
            throw Error(
                $"Length header announces a {announced}-byte payload, which leaves no body after the {_prefixSize} bytes of TPDU and static header",
                0);
        }

        payloadLength = (int)announced;
        return true;
    }

    private int ParseInclusive(ReadOnlySpan<byte> header)
    {
        int value = BinaryPrimitives.ReadUInt16BigEndian(header);
        return value >= header.Length
            ? value - header.Length
            : throw Error($"Inclusive length {value} is smaller than the {header.Length}-byte length header itself", 0);
    }

    private int ParseAscii(ReadOnlySpan<byte> header)
    {
        var value = 0;
        for (var i = 0; i < header.Length; i++)
        {
            var digit = header[i] - (byte)'0';
            if ((uint)digit > 9)
            {
                throw Error($"Length byte 0x{header[i]:X2} is not an ASCII decimal digit", i);
            }

            value = (value * 10) + digit;
        }

        return value;
    }

    private int ParseBcd(ReadOnlySpan<byte> header)
    {
        var value = 0;
        for (var i = 0; i < header.Length; i++)
        {
            int high = header[i] >> 4, low = header[i] & 0x0F;
            if (high > 9 || low > 9)
            {
                throw Error($"Length byte 0x{header[i]:X2} is not packed BCD", i);
            }

            value = (value * 100) + (high * 10) + low;
        }

        return value;
    }

    private int ParseVisa(ReadOnlySpan<byte> header)
    {
        for (var i = 2; i < 4; i++)
        {
            if (header[i] != 0)
            {
                throw Error($"Visa header filler byte is 0x{header[i]:X2}, expected 0x00", i);
            }
        }

        return BinaryPrimitives.ReadUInt16BigEndian(header);
    }

    private void Consume(ref ReadOnlySequence<byte> buffer, SequencePosition frameEnd, int frameSize)
    {
        buffer = buffer.Slice(frameEnd);
        _streamOffset += frameSize;
    }

    private FramingException Error(string reason, int frameOffset) => new(reason, _streamOffset, frameOffset);
}
