using System.Buffers;

namespace Switch.Protocol.Iso8583;

/// <summary>
/// An ISO 8583 dialect as data: how the MTI is written, the bitmaps and every field's spec, the fields that pair
/// a response with its request, the fields a response echoes, and where original data elements go. Built-in
/// dialects are in <see cref="Dialects"/>; banks' own definitions load from moov-io JSON or jPOS XML.
/// </summary>
public sealed class Dialect
{
    private static readonly int[] DefaultMatchKey = [41, 11];

    private static readonly string[] DefaultEcho =
        ["2", "3", "4", "5", "6", "7", "11", "12", "13", "15", "18", "22", "25", "32", "33", "37", "41", "42", "49", "50", "51", "90", "95", "100", "102", "103"];

    /// <summary>Creates a dialect and checks that it is coherent.</summary>
    /// <param name="name">Short name used in configuration, e.g. "postilion".</param>
    /// <param name="description">One line for people.</param>
    /// <param name="mtiEncoding">How the four MTI digits are written (ASCII, EBCDIC or BCD).</param>
    /// <param name="fields">Bitmaps and field specs.</param>
    /// <param name="matchKeyFields">Fields that, with the MTI class, pair a response with its request (default 41, 11).</param>
    /// <param name="echoFields">Fields a response copies from its request, as paths ("11", "127.2"); those whose
    /// field the dialect does not define are left out.</param>
    /// <param name="originalDataField">Where a reversal records the original transaction: 90 (ISO 8583:1987, n 42) or 56 (1993, n..35).</param>
    public Dialect(string name, string description, FieldEncoding mtiEncoding, FieldSetSpec fields,
        IReadOnlyList<int>? matchKeyFields = null, IReadOnlyList<string>? echoFields = null, int originalDataField = 90)
    {
        if (mtiEncoding is FieldEncoding.Binary or FieldEncoding.HexAscii)
            throw new ArgumentException("the MTI is written in ASCII, EBCDIC or BCD", nameof(mtiEncoding));
        Name = name;
        Description = description;
        MtiEncoding = mtiEncoding;
        Fields = fields;
        MatchKeyFields = matchKeyFields ?? DefaultMatchKey;
        foreach (var f in MatchKeyFields)
        {
            var spec = fields[f] ?? throw new ArgumentException($"match key field {f} is not defined by dialect {name}");
            if (spec.Sensitivity != Sensitivity.Clear) throw new ArgumentException($"match key field {f} is sensitive and would leak into keys");
        }
        EchoFields = (echoFields ?? DefaultEcho)
            .Where(path => int.TryParse(path.Split('.')[0], out var n) && fields[n] is not null).ToArray();
        EchoNumbers = EchoFields.Where(p => !p.Contains('.')).Select(int.Parse).ToArray();
        EchoSubfields = EchoFields.Where(p => p.Contains('.')).ToArray();
        OriginalDataField = originalDataField;
    }

    /// <summary>Short name used in configuration.</summary>
    public string Name { get; }

    /// <summary>One line for people.</summary>
    public string Description { get; }

    /// <summary>How the MTI is written.</summary>
    public FieldEncoding MtiEncoding { get; }

    /// <summary>Bitmaps and field specs.</summary>
    public FieldSetSpec Fields { get; }

    /// <summary>Fields that, with the MTI class, make the <see cref="MatchKey"/>.</summary>
    public IReadOnlyList<int> MatchKeyFields { get; }

    /// <summary>Fields a response copies from its request, as paths.</summary>
    public IReadOnlyList<string> EchoFields { get; }

    internal int[] EchoNumbers { get; }

    internal string[] EchoSubfields { get; }

    /// <summary>The original data elements field (90 or 56).</summary>
    public int OriginalDataField { get; }

    internal int MtiSize => Wire.WireLength(MtiEncoding, 4);

    /// <summary>A new, empty message of this dialect.</summary>
    public IsoMessage CreateMessage(Mti mti) => new(this, mti);

    /// <summary>Decodes one whole message (without framing).</summary>
    /// <exception cref="IsoFormatException">The bytes are not a valid message of this dialect.</exception>
    public IsoMessage Decode(ReadOnlySpan<byte> bytes)
    {
        var message = new IsoMessage(this, ReadMti(bytes));
        message.Decode(bytes, MtiSize, 0, null);
        return message;
    }

    /// <summary>Decodes one whole message held in a (possibly multi-segment) sequence, e.g. a frame from a pipe.</summary>
    /// <exception cref="IsoFormatException">The bytes are not a valid message of this dialect.</exception>
    public IsoMessage Decode(in ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment) return Decode(bytes.FirstSpan);
        var length = checked((int)bytes.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            bytes.CopyTo(rented);
            return Decode(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// What can be read of a message that failed to decode: its MTI and the top-level fields in front of the bad
    /// one (so a format-error answer can carry the STAN and terminal the acquirer matches on), or null when not even
    /// the MTI is readable.
    /// </summary>
    public IsoMessage? DecodeReadable(ReadOnlySpan<byte> bytes)
    {
        if (!TryReadMti(bytes, out var mti)) return null;
        var partial = new IsoMessage(this, mti);
        try
        {
            partial.Decode(bytes, MtiSize, 0, null);
            return partial;
        }
        catch (IsoFormatException)
        {
            // keep the fields read before the failure
        }
        var readable = new IsoMessage(this, mti);
        foreach (var n in partial.FieldNumbers.ToArray())
        {
            try
            {
                if (Fields[n]?.Composite is null && partial.TryGet(n, out var value)) readable.Set(n, value);
            }
            catch (Exception e) when (e is IsoFormatException or ArgumentException or IndexOutOfRangeException)
            {
                break; // the partial state ends here
            }
        }
        return readable;
    }

    /// <summary>Reads just the MTI, e.g. to answer a message that fails to decode with a format error.</summary>
    public bool TryReadMti(ReadOnlySpan<byte> bytes, out Mti mti)
    {
        mti = default;
        Span<byte> digits = stackalloc byte[4];
        if (bytes.Length < MtiSize || Wire.Read(MtiEncoding, ContentType.N, bytes, 4, digits) >= 0) return false;
        mti = new Mti(Wire.ParseDecimal(digits));
        return true;
    }

    private Mti ReadMti(ReadOnlySpan<byte> bytes) =>
        TryReadMti(bytes, out var mti) ? mti : throw new IsoFormatException("MTI", 0, "is missing or not four digits");

    internal void WriteMti(Mti mti, Span<byte> dest)
    {
        Span<byte> digits = stackalloc byte[4];
        Wire.WriteDecimal(mti.Value, digits);
        Wire.Write(MtiEncoding, digits, dest);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
