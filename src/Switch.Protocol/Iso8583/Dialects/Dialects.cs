namespace Switch.Protocol.Iso8583;

/// <summary>The built-in dialects, by name.</summary>
public static class Dialects
{
    private static readonly PositionalSubfields OriginalDataElements = new(
        ("Original message type", 4), ("Original STAN", 6), ("Original transmission date and time", 10),
        ("Original acquiring institution id", 11), ("Original forwarding institution id", 11));

    /// <summary>
    /// <c>iso87ascii</c>: ISO 8583:1987, MTI and fields in ASCII, primary and secondary bitmaps as 32 hex-ASCII
    /// characters, LL/LLL prefixes as ASCII digits, b fields as hex-ASCII. Matches moov-io's spec87ascii,
    /// including DE 55 as ans..999.
    /// </summary>
    public static Dialect Iso87Ascii { get; } = Build("iso87ascii",
        "ISO 8583:1987, ASCII fields, hex-ASCII bitmap",
        FieldEncoding.Ascii, FieldEncoding.HexAscii,
        FieldTable.Parse(Iso87Table.Fields, EncodingScheme.Ascii(FieldEncoding.HexAscii)),
        originalDataField: 90);

    /// <summary>
    /// <c>iso87binary</c>: ISO 8583:1987, MTI and n/z fields in packed BCD (fixed ones left-padded, variable ones
    /// such as the PAN and track 2 right-padded with a 0 nibble), text fields in ASCII,
    /// binary bitmaps, LL/LLL prefixes in BCD, b fields raw; DE 55 is b..255 holding BER-TLV EMV data.
    /// </summary>
    public static Dialect Iso87Binary { get; } = Build("iso87binary",
        "ISO 8583:1987, BCD numerics, binary bitmap",
        FieldEncoding.Bcd, FieldEncoding.Binary,
        Replace(FieldTable.Parse(Iso87Table.Fields, new(FieldEncoding.Bcd, FieldEncoding.BcdRightPadded, FieldEncoding.Ascii, FieldEncoding.Binary, FieldEncoding.Bcd)),
            new FieldSpec(55, "Integrated circuit card system related data", ContentType.B, FieldEncoding.Binary,
                new LengthPrefix(3, FieldEncoding.Bcd), 255, composite: TlvSubfields.Instance)),
        originalDataField: 90);

    /// <summary>
    /// <c>postilion</c>: Postilion's ISO 8583:1987 variant: MTI and fields in ASCII, binary bitmaps, DE 52 and 53
    /// raw binary, MACs as hex-ASCII, and DE 127 a private field (LLLLLL) with its own bitmap and subfields
    /// 127.2 to 127.25; 127.25 (ICC data, LLLL) has a bitmap of its own again.
    /// </summary>
    public static Dialect Postilion { get; } = BuildPostilion();

    /// <summary>
    /// <c>iso93ascii</c>: ISO 8583:1993, MTI and fields in ASCII, bitmaps as hex-ASCII, b fields as hex-ASCII;
    /// DE 39 is the three-digit action code, DE 55 holds BER-TLV EMV data, DE 56 the original data elements, and
    /// DE 96 (key management data) is never shown.
    /// </summary>
    public static Dialect Iso93Ascii { get; } = Build("iso93ascii",
        "ISO 8583:1993, ASCII fields, hex-ASCII bitmap",
        FieldEncoding.Ascii, FieldEncoding.HexAscii,
        FieldTable.Parse(Iso93Table.Fields, EncodingScheme.Ascii(FieldEncoding.HexAscii))
            .Select(f => f.Number switch
            {
                55 => f.With(composite: TlvSubfields.Instance, sensitivity: Sensitivity.Clear),
                96 => f.With(sensitivity: Sensitivity.Secret),
                _ => f,
            }).ToList(),
        originalDataField: 56);

    /// <summary>All built-in dialects.</summary>
    public static IReadOnlyList<Dialect> All { get; } = [Iso87Ascii, Iso87Binary, Postilion, Iso93Ascii];

    /// <summary>A built-in dialect by name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No built-in dialect has that name.</exception>
    public static Dialect Get(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown dialect '{name}'; built-in: {string.Join(", ", All.Select(d => d.Name))}", nameof(name));

    /// <summary>A two-bitmap dialect; where DE 90 holds the 1987 original data elements, its five subfields are named.</summary>
    private static Dialect Build(string name, string description, FieldEncoding mti, FieldEncoding bitmap, List<FieldSpec> fields,
        int originalDataField, IReadOnlyList<string>? echoFields = null)
    {
        var withComposites = originalDataField == 90 ? fields.Select(f => f.Number == 90 ? f.With(composite: OriginalDataElements) : f) : fields;
        return new Dialect(name, description, mti, new FieldSetSpec(bitmap, 2, withComposites), echoFields: echoFields, originalDataField: originalDataField);
    }

    private static List<FieldSpec> Replace(List<FieldSpec> fields, params FieldSpec[] replacements)
    {
        foreach (var r in replacements) fields[fields.FindIndex(f => f.Number == r.Number)] = r;
        return fields;
    }

    private static Dialect BuildPostilion()
    {
        var ascii = EncodingScheme.Ascii(FieldEncoding.HexAscii);
        var icc = new FieldSetSpec(FieldEncoding.Binary, 1, FieldTable.Parse(PostilionTable.IccData, ascii, topLevel: false));
        var p127 = new FieldSetSpec(FieldEncoding.Binary, 1, Replace(FieldTable.Parse(PostilionTable.Private, ascii, topLevel: false),
            new FieldSpec(25, "ICC data", ContentType.B, FieldEncoding.Binary, new LengthPrefix(4, FieldEncoding.Ascii), 8000,
                composite: new BitmappedSubfields(icc))));
        var fields = Replace(FieldTable.Parse(Iso87Table.Fields, ascii),
            new FieldSpec(52, "Personal identification number data", ContentType.B, FieldEncoding.Binary, LengthPrefix.Fixed, 8, sensitivity: Sensitivity.Secret),
            new FieldSpec(53, "Security related control information", ContentType.B, FieldEncoding.Binary, LengthPrefix.Fixed, 48),
            new FieldSpec(127, "Postilion private data", ContentType.B, FieldEncoding.Binary, new LengthPrefix(6, FieldEncoding.Ascii), 999999,
                composite: new BitmappedSubfields(p127)));
        // A response echoes the switch key 127.2, never the whole of 127 (it carries CVV2 and chip data).
        string[] echo = ["2", "3", "4", "7", "11", "12", "13", "15", "18", "22", "25", "32", "33", "37", "41", "42", "49", "90", "100", "102", "103", "127.2"];
        return Build("postilion", "Postilion ISO 8583:1987, ASCII fields, binary bitmap, DE 127 sub-messages",
            FieldEncoding.Ascii, FieldEncoding.Binary, fields, originalDataField: 90, echoFields: echo);
    }
}
