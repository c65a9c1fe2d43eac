using System.Globalization;

namespace Switch.Protocol.Framing;

/// <summary>
/// How messages are framed on one connection: the length header, the optional TPDU and static header
/// that precede the body, and the limits the reader enforces. Immutable; derive variants with <c>with</c>,
/// e.g. <c>FrameFormat.Binary2 with { HasTpdu = true }</c>.
/// </summary>
/// <remarks>
/// On the wire a frame is: length header, then the payload the length announces, made of the TPDU
/// (if <see cref="HasTpdu"/>), the <see cref="StaticHeader"/> bytes, and the message body.
/// A frame with an empty payload is a keep-alive.
/// </remarks>
public sealed record FrameFormat
{
    /// <summary>The default <see cref="MaxFrameSize"/>.</summary>
    public const int DefaultMaxFrameSize = 8192;

    /// <summary>Creates a format with the given length header and default settings otherwise.</summary>
    public FrameFormat(LengthHeader lengthHeader) => LengthHeader = lengthHeader;

    /// <summary>2-byte binary length counting the payload only.</summary>
    public static FrameFormat Binary2 { get; } = new(LengthHeader.Binary2);

    /// <summary>2-byte binary length counting the payload and the 2 length bytes.</summary>
    public static FrameFormat Binary2Inclusive { get; } = new(LengthHeader.Binary2Inclusive);

    /// <summary>4 ASCII decimal digits.</summary>
    public static FrameFormat Ascii4 { get; } = new(LengthHeader.AsciiDigits);

    /// <summary>2-byte BCD length.</summary>
    public static FrameFormat Bcd2 { get; } = new(LengthHeader.Bcd2);

    /// <summary>4-byte binary length.</summary>
    public static FrameFormat Binary4 { get; } = new(LengthHeader.Binary4);

    /// <summary>Visa style: 2-byte binary length and 2 zero bytes.</summary>
    public static FrameFormat Visa { get; } = new(LengthHeader.Binary2Visa);

    /// <summary>How the frame length is encoded.</summary>
    public LengthHeader LengthHeader
    {
        get;
        init => field = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(LengthHeader), value, "Unknown length header.");
    }

    /// <summary>The number of digits of an <see cref="LengthHeader.AsciiDigits"/> length, 1 to 9; 4 by default.</summary>
    public int AsciiDigits
    {
        get;
        init => field = value is >= 1 and <= 9
            ? value
            : throw new ArgumentOutOfRangeException(nameof(AsciiDigits), value, "ASCII length digits must be 1 to 9.");
    } = 4;

    /// <summary>Whether a 5-byte <see cref="Tpdu"/> follows the length header.</summary>
    public bool HasTpdu { get; init; }

    /// <summary>
    /// Fixed bytes that precede every body (after the TPDU, if any): written on write, checked on read.
    /// Empty by default. The value is copied, so the format stays immutable.
    /// </summary>
    public ReadOnlyMemory<byte> StaticHeader
    {
        get;
        init => field = value.ToArray();
    }

    /// <summary>
    /// The largest frame accepted or written, in bytes, counting everything from the first length byte
    /// to the last body byte. The reader checks it against the length header before waiting for the rest.
    /// </summary>
    public int MaxFrameSize
    {
        get;
        init => field = value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxFrameSize), value, "The maximum frame size must be positive.");
    } = DefaultMaxFrameSize;

    /// <summary>Whether a keep-alive received on the connection should be answered with one.</summary>
    public bool AnswerKeepAlives { get; init; }

    /// <summary>
    /// How many keep-alives in a row the reader accepts before it raises a <see cref="FramingException"/>;
    /// a message resets the count. 0 rejects every keep-alive; <see langword="null"/> (the default) means no limit.
    /// </summary>
    public int? MaxConsecutiveKeepAlives
    {
        get;
        init => field = value is null or >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxConsecutiveKeepAlives), value, "The keep-alive limit cannot be negative.");
    }

    /// <summary>The bytes that precede the body in a message frame: length header, TPDU and static header.</summary>
    public int HeaderSize => LengthHeaderSize + (HasTpdu ? Tpdu.Size : 0) + StaticHeader.Length;

    /// <summary>The largest body a frame of this format can carry, bounded by both <see cref="MaxFrameSize"/> and the length header's range.</summary>
    public int MaxBodyLength =>
        (int)Math.Max(0, Math.Min(MaxFrameSize, LengthHeaderSize + MaxPayloadLength) - HeaderSize);

    internal int LengthHeaderSize => LengthHeader switch
    {
        LengthHeader.AsciiDigits => AsciiDigits,
        LengthHeader.Binary4 or LengthHeader.Binary2Visa => 4,
        _ => 2,
    };

    /// <summary>The largest payload the length header can express.</summary>
    internal long MaxPayloadLength => LengthHeader switch
    {
        LengthHeader.Binary2 or LengthHeader.Binary2Visa => ushort.MaxValue,
        LengthHeader.Binary2Inclusive => ushort.MaxValue - 2,
        LengthHeader.AsciiDigits => (long)Math.Pow(10, AsciiDigits) - 1,
        LengthHeader.Bcd2 => 9999,
        _ => uint.MaxValue,
    };

    /// <summary>
    /// The format a configuration names: <c>binary2</c>, <c>binary2-inclusive</c>, <c>ascii</c> followed by
    /// the digit count (<c>ascii4</c>), <c>bcd2</c>, <c>binary4</c> or <c>visa</c> (case-insensitive),
    /// with default settings otherwise.
    /// </summary>
    /// <exception cref="FormatException">The name is not one of those.</exception>
    public static FrameFormat Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim().ToLowerInvariant();
        switch (key)
        {
            case "binary2": return Binary2;
            case "binary2-inclusive": return Binary2Inclusive;
            case "bcd2": return Bcd2;
            case "binary4": return Binary4;
            case "visa": return Visa;
        }

        if (key.StartsWith("ascii", StringComparison.Ordinal)
            && key.Length == "ascii".Length + 1
            && int.TryParse(key.AsSpan("ascii".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var digits)
            && digits >= 1)
        {
            return Ascii4 with { AsciiDigits = digits };
        }

        throw new FormatException(
            $"Unknown framing '{name}'; expected binary2, binary2-inclusive, ascii1 to ascii9, bcd2, binary4 or visa.");
    }

    /// <summary>Whether both formats have the same settings, comparing <see cref="StaticHeader"/> by content.</summary>
    public bool Equals(FrameFormat? other) =>
        other is not null
        && LengthHeader == other.LengthHeader
        && AsciiDigits == other.AsciiDigits
        && HasTpdu == other.HasTpdu
        && StaticHeader.Span.SequenceEqual(other.StaticHeader.Span)
        && MaxFrameSize == other.MaxFrameSize
        && AnswerKeepAlives == other.AnswerKeepAlives
        && MaxConsecutiveKeepAlives == other.MaxConsecutiveKeepAlives;

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(LengthHeader);
        hash.Add(AsciiDigits);
        hash.Add(HasTpdu);
        hash.AddBytes(StaticHeader.Span);
        hash.Add(MaxFrameSize);
        hash.Add(AnswerKeepAlives);
        hash.Add(MaxConsecutiveKeepAlives);
        return hash.ToHashCode();
    }
}
