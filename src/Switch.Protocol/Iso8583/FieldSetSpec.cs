using System.Buffers.Binary;
using System.Numerics;

namespace Switch.Protocol.Iso8583;

/// <summary>
/// A bitmap and the fields it governs: the body of a message (primary, secondary and tertiary bitmaps) or a
/// bitmapped composite field such as the Postilion DE 127. Bit 1 of a bitmap announces the next bitmap when
/// <see cref="MaxBitmaps"/> allows one; otherwise it is an ordinary field.
/// </summary>
public sealed class FieldSetSpec
{
    private readonly FieldSpec?[] _fields;

    /// <summary>Creates a field set.</summary>
    /// <param name="bitmapEncoding"><see cref="FieldEncoding.Binary"/> (8 bytes a bitmap),
    /// <see cref="FieldEncoding.HexAscii"/> (16 hex characters) or an EBCDIC code page (16 hex characters in EBCDIC).</param>
    /// <param name="maxBitmaps">1 (fields 1-64), 2 (up to 128) or 3 (up to 192).</param>
    /// <param name="fields">The field specs; numbers must be unique and fit the bitmaps.</param>
    public FieldSetSpec(FieldEncoding bitmapEncoding, int maxBitmaps, IEnumerable<FieldSpec> fields)
    {
        if (maxBitmaps is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(maxBitmaps), maxBitmaps, "1 to 3 bitmaps");
        if (Wire.IsBcd(bitmapEncoding)) throw new ArgumentException("a bitmap is binary, hex-ASCII or EBCDIC hex", nameof(bitmapEncoding));
        BitmapEncoding = bitmapEncoding;
        MaxBitmaps = maxBitmaps;
        _fields = new FieldSpec?[64 * maxBitmaps + 1];
        foreach (var f in fields)
        {
            if (f.Number < 1 || f.Number >= _fields.Length)
                throw new ArgumentException($"field {f.Number} does not fit {maxBitmaps} bitmap(s)");
            if (IsBitmapBit(f.Number)) throw new ArgumentException($"field {f.Number} is a bitmap indicator here");
            if (_fields[f.Number] is not null) throw new ArgumentException($"field {f.Number} is defined twice");
            _fields[f.Number] = f;
        }
        CanonicalFitsWire = _fields.All(f => f is null || !Wire.IsBcd(f.Encoding));
    }

    /// <summary>True when no field's canonical value is longer than its wire bytes (no packed BCD).</summary>
    internal bool CanonicalFitsWire { get; }

    /// <summary>How each bitmap is written.</summary>
    public FieldEncoding BitmapEncoding { get; }

    /// <summary>How many bitmaps may follow one another.</summary>
    public int MaxBitmaps { get; }

    /// <summary>The spec of field <paramref name="number"/>, or null when the set does not define it.</summary>
    public FieldSpec? this[int number] => (uint)number < (uint)_fields.Length ? _fields[number] : null;

    /// <summary>The defined fields in number order.</summary>
    public IEnumerable<FieldSpec> Fields => _fields.OfType<FieldSpec>();

    internal bool IsBitmapBit(int n) => (n == 1 && MaxBitmaps > 1) || (n == 65 && MaxBitmaps > 2);

    internal int BitmapSize => BitmapEncoding == FieldEncoding.Binary ? 8 : 16;

    /// <summary>
    /// Walks the bitmaps and fields of <paramref name="src"/> from <paramref name="pos"/>, checking every length
    /// against the spec and the bytes left, and hands each present field to the visitor. Returns the end position and how many bitmaps were read.
    /// </summary>
    internal int Walk<TVisitor>(ReadOnlySpan<byte> src, int pos, int origin, string? parent, ref TVisitor visitor, out int bitmapCount)
        where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        Span<ulong> bitmaps = stackalloc ulong[3];
        var count = 0;
        do
        {
            bitmaps[count] = ReadBitmap(src, ref pos, origin, parent);
            count++;
        }
        while (count < MaxBitmaps && (bitmaps[count - 1] & (1UL << 63)) != 0);
        bitmapCount = count;

        for (var b = 0; b < count; b++)
        {
            var bits = bitmaps[b];
            while (bits != 0)
            {
                var bit = BitOperations.LeadingZeroCount(bits);
                bits &= ~(1UL << (63 - bit));
                var n = b * 64 + bit + 1;
                if (IsBitmapBit(n)) continue;
                var spec = _fields[n] ?? throw Error(parent, n, origin + pos, "is present in the bitmap but not defined by the dialect");
                int units;
                if (spec.Prefix.IsFixed)
                {
                    units = spec.MaxLength;
                }
                else
                {
                    var size = spec.Prefix.Size;
                    if (src.Length - pos < size)
                        throw Error(parent, n, origin + pos, $"length prefix needs {size} bytes, {src.Length - pos} remain");
                    units = spec.Prefix.Read(src.Slice(pos, size));
                    if (units < 0) throw Error(parent, n, origin + pos, "length prefix is not a number");
                    if (units > spec.MaxLength)
                        throw Error(parent, n, origin + pos, $"length {units} exceeds the maximum {spec.MaxLength}");
                    pos += size;
                }
                var wire = Wire.WireLength(spec.Encoding, units);
                if (src.Length - pos < wire)
                    throw Error(parent, n, origin + pos, $"value needs {wire} bytes, {src.Length - pos} remain");
                visitor.Field(spec, src, pos, units);
                pos += wire;
            }
        }
        return pos;
    }

    private ulong ReadBitmap(ReadOnlySpan<byte> src, ref int pos, int origin, string? parent)
    {
        var size = BitmapSize;
        if (src.Length - pos < size)
            throw new IsoFormatException(parent is null ? "bitmap" : parent + " bitmap", origin + pos, $"bitmap needs {size} bytes, {src.Length - pos} remain");
        ulong value;
        if (BitmapEncoding == FieldEncoding.Binary)
        {
            value = BinaryPrimitives.ReadUInt64BigEndian(src.Slice(pos, 8));
        }
        else
        {
            Span<byte> raw = stackalloc byte[8];
            Span<byte> hex = stackalloc byte[16];
            scoped ReadOnlySpan<byte> chars = src.Slice(pos, 16);
            if (BitmapEncoding != FieldEncoding.HexAscii)
            {
                Wire.Read(BitmapEncoding, ContentType.Ans, chars, 16, hex);
                chars = hex;
            }
            var bad = Wire.Read(FieldEncoding.HexAscii, ContentType.B, chars, 8, raw);
            if (bad >= 0) throw new IsoFormatException(parent is null ? "bitmap" : parent + " bitmap", origin + pos + bad, "bitmap is not hexadecimal");
            value = BinaryPrimitives.ReadUInt64BigEndian(raw);
        }
        pos += size;
        return value;
    }

    /// <summary>
    /// Writes the bitmaps for the fields present in <paramref name="present"/>, at least <paramref name="minCount"/>
    /// of them (a decoded message may carry an empty secondary bitmap); returns bytes written.
    /// </summary>
    internal int WriteBitmaps(ReadOnlySpan<ulong> present, int minCount, Span<byte> dest)
    {
        var count = BitmapCount(present, minCount);
        Span<byte> raw = stackalloc byte[8];
        Span<byte> hex = stackalloc byte[16];
        var pos = 0;
        for (var b = 0; b < count; b++)
        {
            var bits = present[b];
            if (b + 1 < count) bits |= 1UL << 63;
            if (BitmapEncoding == FieldEncoding.Binary)
            {
                BinaryPrimitives.WriteUInt64BigEndian(dest[pos..], bits);
            }
            else
            {
                BinaryPrimitives.WriteUInt64BigEndian(raw, bits);
                if (BitmapEncoding == FieldEncoding.HexAscii)
                {
                    Wire.Write(FieldEncoding.HexAscii, raw, dest[pos..]);
                }
                else
                {
                    Wire.Write(FieldEncoding.HexAscii, raw, hex);
                    Wire.Write(BitmapEncoding, hex, dest[pos..]);
                }
            }
            pos += BitmapSize;
        }
        return pos;
    }

    internal int BitmapCount(ReadOnlySpan<ulong> present, int minCount)
    {
        var count = Math.Max(1, minCount);
        for (var b = 1; b < MaxBitmaps; b++)
            if (present[b] != 0) count = b + 1;
        return count;
    }

    internal static IsoFormatException Error(string? parent, int field, int offset, string reason) =>
        new(parent is null ? field.ToString() : $"{parent}.{field}", offset, reason);
}

/// <summary>Receives the fields found by <see cref="FieldSetSpec.Walk{TVisitor}"/>.</summary>
internal interface IFieldVisitor
{
    /// <summary>A present field whose value starts at <paramref name="wireOffset"/> and holds <paramref name="units"/> characters, digits or bytes.</summary>
    void Field(FieldSpec spec, ReadOnlySpan<byte> src, int wireOffset, int units);
}
