using System.Buffers;
using System.Buffers.Binary;

namespace Switch.Protocol.Framing;

/// <summary>
/// Writes frames into an <see cref="IBufferWriter{T}"/> such as a <c>PipeWriter</c>, each in one contiguous
/// span with a single copy of the body.
/// </summary>
public static class FrameWriter
{
    /// <summary>Writes a message frame: length header, TPDU, static header, then <paramref name="body"/>.</summary>
    /// <param name="output">Where the frame goes.</param>
    /// <param name="format">The connection's format.</param>
    /// <param name="body">The message; 1 to <see cref="FrameFormat.MaxBodyLength"/> bytes.</param>
    /// <param name="tpdu">
    /// The TPDU, required exactly when <see cref="FrameFormat.HasTpdu"/>. For a reply, pass the request's
    /// <see cref="Tpdu.Reply"/>.
    /// </param>
    /// <exception cref="ArgumentException">
    /// The body is empty (an empty payload would be a keep-alive), or a TPDU is missing or not expected.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The body is longer than <see cref="FrameFormat.MaxBodyLength"/>.</exception>
    public static void WriteMessage(IBufferWriter<byte> output, FrameFormat format, ReadOnlySpan<byte> body, Tpdu? tpdu = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(format);
        if (body.IsEmpty)
        {
            throw new ArgumentException("A message body cannot be empty; write a keep-alive instead.", nameof(body));
        }

        if (body.Length > format.MaxBodyLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(body), body.Length, $"The body is longer than the {format.MaxBodyLength} bytes a frame of this format can carry.");
        }

        if (format.HasTpdu != tpdu.HasValue)
        {
            throw new ArgumentException(format.HasTpdu ? "The format requires a TPDU." : "The format has no TPDU.", nameof(tpdu));
        }

        var frameSize = format.HeaderSize + body.Length;
        var frame = output.GetSpan(frameSize)[..frameSize];
        var rest = WriteLengthHeader(frame, format, frameSize - format.LengthHeaderSize);
        if (tpdu is { } t)
        {
            rest[0] = t.Id;
            BinaryPrimitives.WriteUInt16BigEndian(rest[1..], t.Destination);
            BinaryPrimitives.WriteUInt16BigEndian(rest[3..], t.Source);
            rest = rest[Tpdu.Size..];
        }

        format.StaticHeader.Span.CopyTo(rest);
        body.CopyTo(rest[format.StaticHeader.Length..]);
        output.Advance(frameSize);
    }

    /// <summary>Writes a keep-alive: a length header announcing an empty payload.</summary>
    public static void WriteKeepAlive(IBufferWriter<byte> output, FrameFormat format)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(format);
        WriteLengthHeader(output.GetSpan(format.LengthHeaderSize), format, 0);
        output.Advance(format.LengthHeaderSize);
    }

    /// <summary>Writes the length header announcing <paramref name="payloadLength"/> and returns the span after it.</summary>
    private static Span<byte> WriteLengthHeader(Span<byte> destination, FrameFormat format, int payloadLength)
    {
        var header = destination[..format.LengthHeaderSize];
        switch (format.LengthHeader)
        {
            case LengthHeader.Binary2:
                BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)payloadLength);
                break;
            case LengthHeader.Binary2Inclusive:
                BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)(payloadLength + header.Length));
                break;
            case LengthHeader.AsciiDigits:
                for (var i = header.Length - 1; i >= 0; i--, payloadLength /= 10)
                {
                    header[i] = (byte)('0' + (payloadLength % 10));
                }

                break;
            case LengthHeader.Bcd2:
                header[0] = (byte)(((payloadLength / 1000) << 4) | (payloadLength / 100 % 10));
                header[1] = (byte)(((payloadLength / 10 % 10) << 4) | (payloadLength % 10));
                break;
            case LengthHeader.Binary4:
                BinaryPrimitives.WriteUInt32BigEndian(header, (uint)payloadLength);
                break;
            case LengthHeader.Binary2Visa:
                BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)payloadLength);
                header[2..].Clear();
                break;
        }

        return destination[header.Length..];
    }
}
