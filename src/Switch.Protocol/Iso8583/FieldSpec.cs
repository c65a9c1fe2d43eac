namespace Switch.Protocol.Iso8583;

/// <summary>
/// One data element of a dialect: content type × wire encoding × length prefix × padding × maximum length,
/// plus, for composite fields, how its value breaks into subfields. Specs are data, validated when built.
/// </summary>
public sealed class FieldSpec
{
    /// <summary>Builds and checks a field spec.</summary>
    /// <param name="number">Field number (0 is not a field; the MTI is the dialect's).</param>
    /// <param name="name">What the field is, for people (e.g. "Primary account number").</param>
    /// <param name="type">ISO content class.</param>
    /// <param name="encoding">How the value is written on the wire.</param>
    /// <param name="prefix">Length prefix, or <see cref="LengthPrefix.Fixed"/>.</param>
    /// <param name="maxLength">Maximum (or, when fixed, exact) length in characters, digits or bytes.</param>
    /// <param name="padding">How a fixed field shorter than its length is padded when set; null takes the ISO
    /// default (n: left with '0'; b: right with 0x00; others: right with space).</param>
    /// <param name="sensitivity">How the value may be shown.</param>
    /// <param name="composite">How the value breaks into subfields, if it does.</param>
    public FieldSpec(int number, string name, ContentType type, FieldEncoding encoding, LengthPrefix prefix, int maxLength,
        Padding? padding = null, Sensitivity sensitivity = Sensitivity.Clear, Composite? composite = null)
    {
        if (maxLength is < 0 or > MaxSupportedLength)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"field {number}: a length is 0 to {MaxSupportedLength}");
        if (Wire.IsBcd(encoding) && type is not (ContentType.N or ContentType.Z))
            throw new ArgumentException($"field {number}: BCD holds only n or z content, not {type}");
        if (encoding is FieldEncoding.Binary or FieldEncoding.HexAscii && type != ContentType.B)
            throw new ArgumentException($"field {number}: {encoding} encoding holds only b content, not {type}");
        if (!prefix.IsFixed && maxLength > prefix.MaxValue)
            throw new ArgumentException($"field {number}: maximum length {maxLength} does not fit a {prefix} prefix");
        Number = number;
        Name = name;
        Type = type;
        Encoding = encoding;
        Prefix = prefix;
        MaxLength = maxLength;
        Padding = padding ?? type switch
        {
            ContentType.N => new Padding(PaddingSide.Left, (byte)'0'),
            ContentType.B => new Padding(PaddingSide.Right, 0),
            ContentType.Z => new Padding(PaddingSide.None, 0),
            _ => new Padding(PaddingSide.Right, (byte)' '),
        };
        if (Padding.Side != PaddingSide.None && Wire.Check(type, [Padding.Char]) >= 0)
            throw new ArgumentException($"field {number}: pad character 0x{Padding.Char:X2} is not {type} content");
        if (composite is PositionalSubfields positional && positional.Offsets[^1] > maxLength)
            throw new ArgumentException($"field {number}: subfields take {positional.Offsets[^1]} characters, the field at most {maxLength}");
        if (composite is BitmappedSubfields && prefix.IsFixed)
            throw new ArgumentException($"field {number}: a field with a nested bitmap has a length prefix");
        Sensitivity = sensitivity;
        Composite = composite;
    }

    /// <summary>The longest value any field may have: what an LLLLLL prefix can announce.</summary>
    public const int MaxSupportedLength = 999_999;

    /// <summary>Field number within its message or parent field.</summary>
    public int Number { get; }

    /// <summary>What the field is.</summary>
    public string Name { get; }

    /// <summary>ISO content class.</summary>
    public ContentType Type { get; }

    /// <summary>Wire encoding of the value.</summary>
    public FieldEncoding Encoding { get; }

    /// <summary>Length prefix.</summary>
    public LengthPrefix Prefix { get; }

    /// <summary>Maximum (fixed: exact) length in characters, digits or bytes.</summary>
    public int MaxLength { get; }

    /// <summary>Padding applied when a shorter value is set into a fixed field.</summary>
    public Padding Padding { get; }

    /// <summary>How the value may be shown in logs and output.</summary>
    public Sensitivity Sensitivity { get; }

    /// <summary>Subfield structure, or null for a plain field.</summary>
    public Composite? Composite { get; }

    /// <summary>Copy of this spec under another number, with other sensitivity or composite structure.</summary>
    public FieldSpec With(int? number = null, Sensitivity? sensitivity = null, Composite? composite = null) =>
        new(number ?? Number, Name, Type, Encoding, Prefix, MaxLength, Padding, sensitivity ?? Sensitivity, composite ?? Composite);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Number} {Type.ToString().ToLowerInvariant()}{(Prefix.IsFixed ? "" : "..")}{MaxLength} {Encoding} {Prefix}";
}

/// <summary>Which side a fixed field is padded on.</summary>
public enum PaddingSide : byte
{
    /// <summary>Values must have the exact length.</summary>
    None,
    /// <summary>Pad characters go before the value (numbers).</summary>
    Left,
    /// <summary>Pad characters go after the value (text).</summary>
    Right,
}

/// <summary>Padding of a fixed-length field: the side and the canonical pad character or byte.</summary>
public readonly record struct Padding(PaddingSide Side, byte Char);
