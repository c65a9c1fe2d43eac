using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Switch.Runtime.Remote;

/// <summary>
/// The frame layout both sides share. A frame is a 4-byte little-endian body length, then the body: a
/// <see cref="FrameKind"/> byte and the kind's fields. Integers are unsigned LEB128 varints; strings are a varint
/// byte count and UTF-8. Paths and manifests travel as tokens (see <see cref="WireToken"/>), so that one repeated
/// on a connection costs a byte or two after its first use.
/// </summary>
internal static class WireFormat
{
    public const ushort ProtocolVersion = 1;
    public const int LengthPrefixSize = 4;
    public const int NonceSize = 32;

    /// <summary>Strings a connection interns per direction (paths and manifests each); later ones travel in full.</summary>
    public const int MaxInternedStrings = 16_384;

    /// <summary>Longest path or manifest accepted: a longer one is a protocol error, not a large message.</summary>
    public const int MaxStringBytes = 4096;

    /// <summary>Bytes that always suffice for an envelope frame's kind and tokens (what an oversized frame is read for).</summary>
    public const int MaxEnvelopeHeadBytes = 1 + 3 * (5 + 5 + MaxStringBytes);

    public const string Scheme = "switch://";

    public static int VarIntSize(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    public static int WriteVarInt(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }

    public static bool TryReadVarInt(ref SequenceReader<byte> reader, out uint value)
    {
        value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (!reader.TryRead(out var b)) return false;
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return true;
        }
        throw new RemoteProtocolException("a varint is longer than 5 bytes");
    }

    public static int StringSize(string text)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        return VarIntSize((uint)bytes) + bytes;
    }

    public static int WriteString(Span<byte> destination, string text)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        var n = WriteVarInt(destination, (uint)bytes);
        return n + Encoding.UTF8.GetBytes(text, destination[n..]);
    }

    /// <summary>Reads a string of at most <paramref name="maxBytes"/>; false when its bytes have not all arrived.</summary>
    public static bool TryReadString(ref SequenceReader<byte> reader, int maxBytes, out string text)
    {
        text = "";
        if (!TryReadVarInt(ref reader, out var length)) return false;
        if (length > (uint)maxBytes) throw new RemoteProtocolException($"a string of {length} bytes exceeds the limit of {maxBytes}");
        if (reader.Remaining < length) return false;
        var bytes = (int)length;
        if (reader.UnreadSpan.Length >= bytes) text = Encoding.UTF8.GetString(reader.UnreadSpan[..bytes]);
        else
        {
            Span<byte> copy = stackalloc byte[bytes];
            reader.TryCopyTo(copy);
            text = Encoding.UTF8.GetString(copy);
        }
        reader.Advance(bytes);
        return true;
    }

    /// <summary>
    /// Takes one whole frame's body off <paramref name="reader"/>; false (and nothing taken) when the frame has not
    /// fully arrived. <paramref name="length"/> is the announced body length either way, once its prefix is there.
    /// </summary>
    public static bool TryReadFrame(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> body, out uint length)
    {
        body = default;
        length = 0;
        if (reader.Remaining < LengthPrefixSize) return false;
        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        reader.TryCopyTo(prefix);
        length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (reader.Remaining - LengthPrefixSize < length) return false;
        reader.Advance(LengthPrefixSize);
        body = reader.Sequence.Slice(reader.Position, length);
        reader.Advance(length);
        return true;
    }

    /// <summary>Writes a frame of <paramref name="kind"/> with no fields.</summary>
    public static void WriteEmptyFrame(System.IO.Pipelines.PipeWriter output, FrameKind kind)
    {
        var span = output.GetSpan(LengthPrefixSize + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span, 1);
        span[LengthPrefixSize] = (byte)kind;
        output.Advance(LengthPrefixSize + 1);
    }

    /// <summary>Splits <c>switch://address/local/path</c>; false when the text is not an actor path.</summary>
    public static bool TrySplitPath(string wirePath, out ReadOnlySpan<char> address, out string localPath)
    {
        address = default;
        localPath = "";
        if (!wirePath.StartsWith(Scheme, StringComparison.Ordinal)) return false;
        var slash = wirePath.IndexOf('/', Scheme.Length);
        if (slash <= Scheme.Length) return false;
        address = wirePath.AsSpan(Scheme.Length, slash - Scheme.Length);
        localPath = wirePath[slash..];
        return true;
    }
}
