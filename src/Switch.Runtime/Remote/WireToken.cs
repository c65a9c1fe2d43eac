using System.Buffers;

namespace Switch.Runtime.Remote;

/// <summary>
/// A path or manifest on the wire, as one varint tag: 0 none; 1 a string that follows and is not kept;
/// <c>2·id + 1</c> a string that follows and is kept as <c>id</c> for the rest of the connection; <c>2·id</c> the string
/// kept as <c>id</c> earlier. Ids count from 1 in the order the sender defines them.
/// </summary>
internal readonly struct WireToken(uint tag, string? text)
{
    public const uint None = 0, Literal = 1;

    public uint Tag { get; } = tag;

    /// <summary>The string when it travels with the token (a literal or a definition), else null.</summary>
    public string? Text { get; } = text;

    public bool IsReference => Tag >= 2 && (Tag & 1) == 0;

    public bool IsDefinition => Tag >= 3 && (Tag & 1) == 1;

    public int Id => (int)(Tag >> 1);

    public int Size => WireFormat.VarIntSize(Tag) + (Text is null ? 0 : WireFormat.StringSize(Text));

    public int Write(Span<byte> destination)
    {
        var n = WireFormat.WriteVarInt(destination, Tag);
        return Text is null ? n : n + WireFormat.WriteString(destination[n..], Text);
    }

    /// <summary>Reads a token without interpreting it; false when it has not fully arrived.</summary>
    public static bool TryRead(ref SequenceReader<byte> reader, out WireToken token)
    {
        token = default;
        if (!WireFormat.TryReadVarInt(ref reader, out var tag)) return false;
        if (tag == None || (tag & 1) == 0)
        {
            token = new WireToken(tag, null);
            return true;
        }
        if (!WireFormat.TryReadString(ref reader, WireFormat.MaxStringBytes, out var text)) return false;
        token = new WireToken(tag, text);
        return true;
    }
}
