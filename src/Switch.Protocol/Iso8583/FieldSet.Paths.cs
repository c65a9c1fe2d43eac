using System.Buffers;
using System.Globalization;
using System.Text;

namespace Switch.Protocol.Iso8583;

public partial class FieldSet
{
    private static readonly FieldSpec ConstructedTlv =
        new(0, "constructed data object", ContentType.B, FieldEncoding.Binary, LengthPrefix.Fixed, 0, composite: TlvSubfields.Instance);

    /// <summary>
    /// A field or subfield by path, as text (binary values as hex): <c>"4"</c>, <c>"90.2"</c> (positional),
    /// <c>"55.9F26"</c> (BER-TLV tag), <c>"127.25.2"</c> (nested bitmaps). Null when absent.
    /// </summary>
    /// <exception cref="IsoFormatException">The path names something the dialect does not define.</exception>
    public string? Get(string path)
    {
        var segments = path.Split('.');
        var n = FieldNumber(segments[0], path);
        var spec = SpecOf(n);
        return Has(n) ? Resolve(spec, Value(n), segments, 1, Path(_path, n)) : null;
    }

    /// <summary>
    /// Sets a field or subfield by path; the composite value around a subfield is rebuilt. Null removes a field,
    /// a nested bitmapped subfield or a TLV data object.
    /// </summary>
    /// <exception cref="IsoFormatException">The path or the value does not fit the dialect.</exception>
    public void Set(string path, string? value)
    {
        var segments = path.Split('.');
        var n = FieldNumber(segments[0], path);
        if (segments.Length == 1)
        {
            Set(n, value);
            return;
        }
        var spec = SpecOf(n);
        if (value is null && !Has(n)) return;
        var updated = With(spec, Has(n) ? Value(n) : default, segments, 1, value, Path(_path, n));
        if (updated is null) Remove(n);
        else Set(n, updated);
    }

    private static int FieldNumber(string segment, string path) =>
        int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new IsoFormatException(path, -1, $"'{segment}' is not a field number");

    private static string? Resolve(FieldSpec spec, ReadOnlySpan<byte> value, string[] segments, int i, string path)
    {
        if (i == segments.Length) return ToText(spec, value);
        var segment = segments[i];
        var sub = path + "." + segment;
        switch (spec.Composite)
        {
            case PositionalSubfields positional:
            {
                var index = FieldNumber(segment, sub);
                if (index < 1 || index > positional.Subfields.Count || i + 1 != segments.Length)
                    throw new IsoFormatException(sub, -1, "is not a subfield of the dialect");
                var start = positional.Offsets[index - 1];
                var length = positional.Subfields[index - 1].Length;
                if (value.Length < start + length) return null;
                return ToText(spec, value.Slice(start, length));
            }
            case TlvSubfields:
            {
                if (!Tlv.TryFind(value, ParseTag(segment, sub), out var found)) return null;
                return Resolve(ConstructedTlv, found, segments, i + 1, sub);
            }
            case BitmappedSubfields bitmapped:
            {
                var number = FieldNumber(segment, sub);
                var subSpec = bitmapped.Fields[number] ?? throw new IsoFormatException(sub, -1, "is not defined by the dialect");
                var finder = new FieldFinder(number);
                bitmapped.Fields.Walk(value, 0, 0, path, ref finder, out _);
                if (!finder.Found) return null;
                var rented = ReadNested(subSpec, value[finder.Offset..], finder.Units, finder.Offset, path, out var canonical);
                try
                {
                    return Resolve(subSpec, canonical, segments, i + 1, sub);
                }
                finally
                {
                    if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
                }
            }
            default:
                throw new IsoFormatException(sub, -1, "is not a subfield: the parent field has no subfields");
        }
    }

    /// <summary>
    /// The composite value <paramref name="current"/> with the subfield at <paramref name="segments"/>[i..] set to
    /// <paramref name="value"/> (null removes it); null when nothing is left of the composite.
    /// </summary>
    private static byte[]? With(FieldSpec spec, ReadOnlySpan<byte> current, string[] segments, int i, string? value, string path)
    {
        var segment = segments[i];
        var sub = path + "." + segment;
        var last = i + 1 == segments.Length;
        switch (spec.Composite)
        {
            case PositionalSubfields positional:
            {
                var index = FieldNumber(segment, sub);
                if (index < 1 || index > positional.Subfields.Count || !last)
                    throw new IsoFormatException(sub, -1, "is not a subfield of the dialect");
                var total = positional.Offsets[^1];
                var result = new byte[Math.Max(total, current.Length)];
                result.AsSpan().Fill(spec.Padding.Char);
                current.CopyTo(result);
                var start = positional.Offsets[index - 1];
                var length = positional.Subfields[index - 1].Length;
                var bytes = FromText(spec, value ?? "", sub);
                if (bytes.Length > length) throw new IsoFormatException(sub, -1, $"length {bytes.Length} exceeds the subfield's {length}");
                if (bytes.Length < length && spec.Padding.Side == PaddingSide.None)
                    throw new IsoFormatException(sub, -1, $"value must have exactly {length} characters");
                var slot = result.AsSpan(start, length);
                slot.Fill(spec.Padding.Char);
                bytes.CopyTo(spec.Padding.Side == PaddingSide.Left ? slot[(length - bytes.Length)..] : slot);
                return result;
            }
            case TlvSubfields:
            {
                var tag = ParseTag(segment, sub);
                var present = Tlv.TryFind(current, tag, out var found);
                if (value is null && !present) return current.IsEmpty ? null : current.ToArray();
                var inner = last ? (value is null ? null : FromText(ConstructedTlv, value, sub)) : With(ConstructedTlv, found, segments, i + 1, value, sub);
                var updated = Tlv.With(current, tag, inner, path);
                return updated.Length == 0 ? null : updated;
            }
            case BitmappedSubfields bitmapped:
            {
                var set = new FieldSet(bitmapped.Fields, path);
                if (!current.IsEmpty) set.Decode(current, 0, 0, path);
                var number = FieldNumber(segment, sub);
                var subSpec = set.SpecOf(number);
                if (last)
                {
                    set.Set(number, value);
                }
                else if (value is not null || set.Has(number))
                {
                    var inner = With(subSpec, set.Has(number) ? set.Value(number) : default, segments, i + 1, value, sub);
                    if (inner is null) set.Remove(number);
                    else set.Set(number, inner);
                }
                return set.Next(0) == 0 ? null : set.EncodeToArray();
            }
            default:
                throw new IsoFormatException(sub, -1, "is not a subfield: the parent field has no subfields");
        }
    }

    private static uint ParseTag(string segment, string path)
    {
        if (segment.Length % 2 == 0 && segment.Length is >= 2 and <= 8
            && uint.TryParse(segment, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var tag)
            && Tlv.IsWellFormedTag(tag, segment.Length / 2))
            return tag;
        throw new IsoFormatException(path, -1, $"'{segment}' is not a BER-TLV tag in hex");
    }

    /// <summary>Checks the structure and content of a composite value; throws at the first fault.</summary>
    private static void ValidateComposite(FieldSpec spec, ReadOnlySpan<byte> value, int origin, string path)
    {
        switch (spec.Composite)
        {
            case TlvSubfields:
            {
                var bad = Tlv.Validate(value, out var error);
                if (bad >= 0) throw new IsoFormatException(path, origin + bad, "BER-TLV: " + error);
                return;
            }
            case BitmappedSubfields bitmapped:
            {
                var validator = new CompositeValidator(origin, path);
                var end = bitmapped.Fields.Walk(value, 0, origin, path, ref validator, out _);
                if (end != value.Length) throw new IsoFormatException(path, origin + end, $"{value.Length - end} bytes follow the last subfield");
                return;
            }
        }
    }

    private readonly struct CompositeValidator(int origin, string path) : IFieldVisitor
    {
        public void Field(FieldSpec spec, ReadOnlySpan<byte> src, int wireOffset, int units)
        {
            // Paths are built only for an error or a nested composite, so a valid decode allocates nothing here.
            var rented = ReadNested(spec, src[wireOffset..], units, origin + wireOffset, path, out var canonical);
            try
            {
                if (spec.Composite is null)
                {
                    var bad = Wire.Check(spec.Type, canonical);
                    if (bad >= 0) throw new IsoFormatException(Path(path, spec.Number), origin + wireOffset + bad, $"is not valid {Describe(spec.Type)} content");
                }
                else
                {
                    ValidateComposite(spec, canonical, origin + wireOffset, Path(path, spec.Number));
                }
            }
            finally
            {
                if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private struct FieldFinder(int number) : IFieldVisitor
    {
        public bool Found;
        public int Offset;
        public int Units;

        public void Field(FieldSpec spec, ReadOnlySpan<byte> src, int wireOffset, int units)
        {
            if (spec.Number != number) return;
            Found = true;
            Offset = wireOffset;
            Units = units;
        }
    }

    /// <summary>
    /// The fields as people may see them, in order, nested bitmapped subfields flattened to their paths: PANs
    /// masked (first 6, last 4), PIN blocks, track data, CVV and keys shown as "[secret]".
    /// </summary>
    public IReadOnlyList<MaskedField> MaskedFields()
    {
        var fields = new List<MaskedField>();
        AddMasked(fields, _path);
        return fields;
    }

    private static void AddMaskedTlv(List<MaskedField> fields, ReadOnlySpan<byte> data, string path)
    {
        var pos = 0;
        while (pos < data.Length)
        {
            var constructed = (data[pos] & 0x20) != 0;
            if (!Tlv.TryRead(data, ref pos, out var tag, out var start, out var length, out _)) break;
            var content = data.Slice(start, length);
            if (constructed)
            {
                // A template (70, 77, ...) holds data objects of its own, possibly the PAN or track 2.
                if (Tlv.Validate(content, out _) < 0)
                    AddMaskedTlv(fields, content, $"{path}.{tag:X}");
                else
                    fields.Add(new MaskedField($"{path}.{tag:X}", "EMV template", "[secret]"));
                continue;
            }
            var value = Convert.ToHexString(content);
            var shown = Tlv.SensitivityOf(tag) switch
            {
                Sensitivity.Secret => "[secret]",
                Sensitivity.Pan => PanMask.Mask(value.TrimEnd('F')),
                _ => value,
            };
            fields.Add(new MaskedField($"{path}.{tag:X}", "EMV data object", shown));
        }
    }

    private void AddMasked(List<MaskedField> fields, string? parent)
    {
        for (var n = Next(0); n != 0; n = Next(n))
        {
            var spec = Spec[n]!;
            var path = Path(parent, n);
            if (spec.Composite is BitmappedSubfields bitmapped && spec.Sensitivity == Sensitivity.Clear)
            {
                var nested = new FieldSet(bitmapped.Fields, path);
                nested.Decode(Value(n), 0, 0, path);
                nested.AddMasked(fields, path);
                continue;
            }
            if (spec.Composite is TlvSubfields && spec.Sensitivity == Sensitivity.Clear)
            {
                AddMaskedTlv(fields, Value(n), path);
                continue;
            }
            var shown = spec.Sensitivity switch
            {
                Sensitivity.Secret => "[secret]",
                Sensitivity.Pan => PanMask.Mask(ToText(spec, Value(n))),
                _ => ToText(spec, Value(n)),
            };
            fields.Add(new MaskedField(path, spec.Name, shown));
        }
    }
}

/// <summary>A field as it may be shown: its path, its name in the dialect and its value, masked as its sensitivity requires.</summary>
public sealed record MaskedField(string Path, string Name, string Value);
