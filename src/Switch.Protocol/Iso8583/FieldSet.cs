using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Switch.Protocol.Iso8583;

/// <summary>
/// Numbered fields under a bitmap: a message body, or the value of a bitmapped composite field. Values are kept
/// in canonical form (characters as ASCII/Latin-1 bytes, b fields as raw bytes) in one buffer; a decoded set
/// costs one allocation for that buffer and nothing per field.
/// </summary>
public partial class FieldSet
{
    /// <summary>Slots held inside the object; a set with more fields moves them to an array of its own.</summary>
    private const int InlineSlots = 48;

    [InlineArray(InlineSlots)]
    private struct InlineSlotArray
    {
        private long _element;
    }

    [InlineArray(3)]
    private struct Presence
    {
        private ulong _element;
    }

    // One slot (offset << 32 | length into _data) per present field, in field order: a field's slot index is the
    // number of present fields before it, so the object stays small whatever the highest field number.
    private InlineSlotArray _inline;
    private long[]? _overflow;
    private int _count;
    private Presence _present;
    private byte[] _data = [];
    private int _used;
    private int _decodedBitmaps;

    private readonly string? _path;

    internal FieldSet(FieldSetSpec spec, string? path = null)
    {
        Spec = spec;
        _path = path;
    }

    /// <summary>The bitmap and field definitions this set follows.</summary>
    public FieldSetSpec Spec { get; }

    /// <summary>True when field <paramref name="number"/> is present.</summary>
    public bool Has(int number) =>
        (uint)(number - 1) < 192 && (_present[(number - 1) >> 6] & (1UL << (63 - ((number - 1) & 63)))) != 0;

    /// <summary>The present field numbers in ascending order.</summary>
    public IEnumerable<int> FieldNumbers
    {
        get
        {
            for (var n = Next(0); n != 0; n = Next(n)) yield return n;
        }
    }

    /// <summary>The canonical value of a field without copying it; false when absent.</summary>
    public bool TryGet(int number, out ReadOnlySpan<byte> value)
    {
        if (!Has(number))
        {
            value = default;
            return false;
        }
        value = Value(number);
        return true;
    }

    /// <summary>A field as text (b fields as upper-case hex), or null when absent.</summary>
    public string? GetString(int number) => Has(number) ? ToText(Spec[number]!, Value(number)) : null;

    /// <summary>Sets a field from text (b fields from hex); null removes it. Fixed fields are padded as their spec says.</summary>
    /// <exception cref="IsoFormatException">The value does not fit the field's spec.</exception>
    public void Set(int number, string? value)
    {
        if (value is null)
        {
            Remove(number);
            return;
        }
        var spec = SpecOf(number);
        Set(number, FromText(spec, value, Path(_path, number)));
    }

    /// <summary>Sets a field from its canonical bytes (characters as ASCII/Latin-1, b fields raw).</summary>
    /// <exception cref="IsoFormatException">The value does not fit the field's spec.</exception>
    public void Set(int number, ReadOnlySpan<byte> value)
    {
        var spec = SpecOf(number);
        var path = Path(_path, number);
        if (value.Length > spec.MaxLength)
            throw new IsoFormatException(path, -1, $"length {value.Length} exceeds the maximum {spec.MaxLength}");
        var length = spec.Prefix.IsFixed ? spec.MaxLength : value.Length;
        if (length != value.Length && spec.Padding.Side == PaddingSide.None)
            throw new IsoFormatException(path, -1, $"value must have exactly {spec.MaxLength} characters");
        var dest = Append(length);
        var start = _used - length;
        var padding = length - value.Length;
        if (spec.Padding.Side == PaddingSide.Left)
        {
            dest[..padding].Fill(spec.Padding.Char);
            value.CopyTo(dest[padding..]);
        }
        else
        {
            value.CopyTo(dest);
            dest[value.Length..].Fill(spec.Padding.Char);
        }
        if (spec.Type == ContentType.Z && Wire.IsBcd(spec.Encoding))
            dest.Replace((byte)'D', (byte)'='); // packed track data has one separator nibble, read back as '='
        // Checked as it will be written, padding included, so that whatever Set accepts decodes again.
        try
        {
            var bad = Wire.Check(spec.Type, dest);
            if (bad >= 0) throw new IsoFormatException(path, -1, $"character {bad} is not valid {Describe(spec.Type)} content");
            if (spec.Composite is not null) ValidateComposite(spec, dest, 0, path);
        }
        catch (IsoFormatException e)
        {
            _used = start;
            throw new IsoFormatException(e.Field, -1, e.Reason);
        }
        Store(number, start, length);
    }

    /// <summary>Removes a field; nothing happens when it is absent.</summary>
    public void Remove(int number)
    {
        if (!Has(number)) return;
        var rank = Rank(number);
        var slots = Slots;
        slots[(rank + 1).._count].CopyTo(slots[rank..]);
        _count--;
        _present[(number - 1) >> 6] &= ~(1UL << (63 - ((number - 1) & 63)));
    }

    private FieldSpec SpecOf(int number) =>
        Spec[number] ?? throw FieldSetSpec.Error(_path, number, -1, "is not defined by the dialect");

    private Span<long> Slots => _overflow is null ? _inline : _overflow;

    private ReadOnlySpan<byte> Value(int number) => SlotValue(Slots[Rank(number)]);

    private ReadOnlySpan<byte> SlotValue(long slot) => new(_data, (int)(slot >> 32), (int)slot);

    /// <summary>How many present fields come before field <paramref name="number"/>.</summary>
    private int Rank(int number)
    {
        var index = number - 1;
        var block = index >> 6;
        var rank = 0;
        for (var b = 0; b < block; b++) rank += BitOperations.PopCount(_present[b]);
        var bit = index & 63;
        return bit == 0 ? rank : rank + BitOperations.PopCount(_present[block] >> (64 - bit));
    }

    private void Store(int number, int offset, int length)
    {
        var slot = ((long)offset << 32) | (uint)length;
        var rank = Rank(number);
        if (Has(number))
        {
            Slots[rank] = slot;
            return;
        }
        if (_overflow is null && _count == InlineSlots)
        {
            _overflow = new long[192];
            ((Span<long>)_inline).CopyTo(_overflow);
        }
        var slots = Slots;
        slots[rank.._count].CopyTo(slots[(rank + 1)..]);
        slots[rank] = slot;
        _count++;
        _present[(number - 1) >> 6] |= 1UL << (63 - ((number - 1) & 63));
    }

    private Span<byte> Append(int length)
    {
        if (_data.Length - _used < length) Reallocate(length);
        var span = _data.AsSpan(_used, length);
        _used += length;
        return span;
    }

    /// <summary>Moves the live values to a buffer with room for <paramref name="extra"/> more bytes, leaving replaced values behind.</summary>
    private void Reallocate(int extra)
    {
        var slots = Slots[.._count];
        long live = 0;
        foreach (var slot in slots) live += (int)slot;
        var data = new byte[Math.Max(64, (int)Math.Min(Array.MaxLength, (live + extra) * 2))];
        var cursor = 0;
        for (var i = 0; i < slots.Length; i++)
        {
            var value = SlotValue(slots[i]);
            value.CopyTo(data.AsSpan(cursor));
            slots[i] = ((long)cursor << 32) | (uint)value.Length;
            cursor += value.Length;
        }
        _data = data;
        _used = cursor;
    }

    /// <summary>The next present field after <paramref name="after"/>, or 0.</summary>
    internal int Next(int after)
    {
        for (var n = after; n < 192;)
        {
            var block = n >> 6;
            var bits = _present[block] & (ulong.MaxValue >> (n & 63));
            if (bits != 0) return block * 64 + BitOperations.LeadingZeroCount(bits) + 1;
            n = (block + 1) * 64;
        }
        return 0;
    }

    /// <summary>Decodes the bitmaps and fields of <paramref name="src"/> from <paramref name="pos"/> to its end.</summary>
    internal void Decode(ReadOnlySpan<byte> src, int pos, int origin, string? parent)
    {
        int end;
        if (Spec.CanonicalFitsWire)
        {
            // No value grows when read, so one buffer the size of the wire bytes holds them all: one pass.
            _data = new byte[src.Length - pos];
            var reader = new DirectReader(this, origin, parent);
            end = Spec.Walk(src, pos, origin, parent, ref reader, out _decodedBitmaps);
            _used = reader.Cursor;
        }
        else
        {
            // Packed BCD doubles when read: size the buffer exactly, never beyond what the bytes hold.
            var recorder = new SlotRecorder(this);
            end = Spec.Walk(src, pos, origin, parent, ref recorder, out _decodedBitmaps);
            _data = recorder.Total == 0 ? [] : new byte[recorder.Total];
            var slots = Slots;
            var cursor = 0;
            for (int n = Next(0), i = 0; n != 0; n = Next(n), i++)
            {
                int wirePos = (int)(slots[i] >> 32), units = (int)slots[i];
                ReadValue(Spec[n]!, src, wirePos, units, cursor, origin, parent);
                slots[i] = ((long)cursor << 32) | (uint)units;
                cursor += units;
            }
            _used = cursor;
        }
        if (end != src.Length)
            throw new IsoFormatException(parent ?? "message", origin + end, $"{src.Length - end} bytes follow the last field");
    }

    private void ReadValue(FieldSpec spec, ReadOnlySpan<byte> src, int wirePos, int units, int cursor, int origin, string? parent)
    {
        var dest = _data.AsSpan(cursor, units);
        var bad = Wire.Read(spec.Encoding, spec.Type, src[wirePos..], units, dest);
        if (bad >= 0)
            throw FieldSetSpec.Error(parent, spec.Number, origin + wirePos + bad, $"is not valid {Describe(spec.Type)} content in {spec.Encoding}");
        if (spec.Composite is not null) ValidateComposite(spec, dest, origin + wirePos, Path(parent, spec.Number));
    }

    /// <summary>Bytes the bitmaps and fields take on the wire.</summary>
    internal int EncodedFieldsSize()
    {
        var size = Spec.BitmapCount(_present, _decodedBitmaps) * Spec.BitmapSize;
        var slots = Slots;
        for (int n = Next(0), i = 0; n != 0; n = Next(n), i++)
        {
            var spec = Spec[n]!;
            size += spec.Prefix.Size + Wire.WireLength(spec.Encoding, (int)slots[i]);
        }
        return size;
    }

    /// <summary>Writes the bitmaps and fields; <paramref name="dest"/> holds at least <see cref="EncodedFieldsSize"/> bytes.</summary>
    internal int EncodeFields(Span<byte> dest)
    {
        var pos = Spec.WriteBitmaps(_present, _decodedBitmaps, dest);
        var slots = Slots;
        for (int n = Next(0), i = 0; n != 0; n = Next(n), i++)
        {
            var spec = Spec[n]!;
            var value = SlotValue(slots[i]);
            if (!spec.Prefix.IsFixed)
            {
                spec.Prefix.Write(value.Length, dest[pos..]);
                pos += spec.Prefix.Size;
            }
            pos += Wire.Write(spec.Encoding, value, dest[pos..]);
        }
        return pos;
    }

    internal byte[] EncodeToArray()
    {
        var bytes = new byte[EncodedFieldsSize()];
        EncodeFields(bytes);
        return bytes;
    }

    /// <summary>First pass of a two-pass decode: records where each value is on the wire and how long it reads.</summary>
    private struct SlotRecorder(FieldSet set) : IFieldVisitor
    {
        public int Total;

        public void Field(FieldSpec spec, ReadOnlySpan<byte> src, int wireOffset, int units)
        {
            set.Store(spec.Number, wireOffset, units);
            Total += units;
        }
    }

    /// <summary>One-pass decode: reads each value into the buffer as the walk finds it.</summary>
    private struct DirectReader(FieldSet set, int origin, string? parent) : IFieldVisitor
    {
        public int Cursor;

        public void Field(FieldSpec spec, ReadOnlySpan<byte> src, int wireOffset, int units)
        {
            set.ReadValue(spec, src, wireOffset, units, Cursor, origin, parent);
            set.Store(spec.Number, Cursor, units);
            Cursor += units;
        }
    }

    // Nested paths are few (one per defined subfield) and asked for on every decode of a nested composite: cached.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int), string> NestedPaths = new();

    internal static string Path(string? parent, int number) =>
        parent is null ? number.ToString() : NestedPaths.GetOrAdd((parent, number), static key => $"{key.Item1}.{key.Item2}");

    private static string Describe(ContentType type) => type.ToString().ToLowerInvariant();

    internal static string ToText(FieldSpec spec, ReadOnlySpan<byte> value) =>
        spec.Type == ContentType.B ? Convert.ToHexString(value) : Encoding.Latin1.GetString(value);

    internal static byte[] FromText(FieldSpec spec, string value, string path)
    {
        if (spec.Type == ContentType.B)
        {
            try
            {
                return Convert.FromHexString(value);
            }
            catch (FormatException)
            {
                throw new IsoFormatException(path, -1, "a b field is set from hexadecimal text");
            }
        }
        foreach (var c in value)
            if (c > 0xFF) throw new IsoFormatException(path, -1, "characters beyond Latin-1 cannot be encoded");
        return Encoding.Latin1.GetBytes(value);
    }

    /// <summary>
    /// The canonical form of a nested value read from its wire bytes: the wire bytes themselves when they are
    /// already canonical, else a pooled buffer that the caller returns.
    /// </summary>
    private static byte[]? ReadNested(FieldSpec spec, ReadOnlySpan<byte> wire, int units, int origin, string parent, out ReadOnlySpan<byte> canonical)
    {
        if (spec.Encoding is FieldEncoding.Binary || (spec.Encoding == FieldEncoding.Ascii && spec.Type is not (ContentType.N or ContentType.Z)))
        {
            canonical = wire[..units];
            return null;
        }
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(units, 1));
        var bad = Wire.Read(spec.Encoding, spec.Type, wire, units, rented);
        if (bad >= 0)
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw new IsoFormatException(Path(parent, spec.Number), origin + bad, $"is not valid {Describe(spec.Type)} content in {spec.Encoding}");
        }
        canonical = rented.AsSpan(0, units);
        return rented;
    }
}
