using FsCheck;
using FsCheck.Fluent;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583.Properties;

/// <summary>How large generated messages get: how many fields, how long variable values run, whether variable
/// fields are sometimes filled to their maximum length.</summary>
public sealed record Profile(int MaxFields, int LengthCap, bool Boundaries)
{
    /// <summary>Any number of fields, values up to a few hundred units, maxima up to 999.</summary>
    public static Profile Full { get; } = new(128, 300, true);

    /// <summary>A dozen short fields: small encodings, so that mutations hit structure rather than long values.</summary>
    public static Profile Small { get; } = new(12, 24, false);
}

/// <summary>One assignment made through <see cref="FieldSet.Set(string, string?)"/>: a path and its text (b fields as hex).</summary>
public sealed record FieldValue(string Path, string Value)
{
    public override string ToString() => $"{Path}={Value}";
}

/// <summary>A generated message as data: dialect, MTI and the assignments that build it, printed readably when a property fails.</summary>
public sealed class MessageCase(Dialect dialect, int mti, IReadOnlyList<FieldValue> fields)
{
    public Dialect Dialect { get; } = dialect;

    public int Mti { get; } = mti;

    public IReadOnlyList<FieldValue> Fields { get; } = fields;

    /// <summary>The message, built by setting every assignment in order.</summary>
    public IsoMessage Build()
    {
        var message = Dialect.CreateMessage(new Mti(Mti));
        foreach (var f in Fields) message.Set(f.Path, f.Value);
        return message;
    }

    public override string ToString() => $"{Dialect.Name} {Mti:D4} [{string.Join(", ", Fields)}]";
}

/// <summary>FsCheck generators of values and messages valid for a dialect's field specs.</summary>
public static class IsoGen
{
    private const string DigitChars = "0123456789";
    private const string LetterChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly char[] Printable = Enumerable.Range(0x20, 0x7F - 0x20).Select(i => (char)i).ToArray();

    /// <summary>Tags seen in real EMV data (DE 55), as their BER bytes.</summary>
    private static readonly byte[][] KnownTags =
    [
        [0x4F], [0x50], [0x57], [0x5A], [0x82], [0x84], [0x8A], [0x95], [0x9A], [0x9C],
        [0x5F, 0x20], [0x5F, 0x24], [0x5F, 0x2A], [0x5F, 0x34],
        [0x9F, 0x02], [0x9F, 0x03], [0x9F, 0x09], [0x9F, 0x10], [0x9F, 0x1A], [0x9F, 0x1E], [0x9F, 0x26],
        [0x9F, 0x27], [0x9F, 0x33], [0x9F, 0x34], [0x9F, 0x35], [0x9F, 0x36], [0x9F, 0x37], [0x9F, 0x41],
        [0x71], [0x72], [0x91], [0xBF, 0x0C], [0xDF, 0x81, 0x01], [0xDF, 0x81, 0x81, 0x01],
    ];

    public static Gen<byte> Byte { get; } = Gen.Choose(0, 255).Select(i => (byte)i);

    public static Gen<byte[]> Bytes(int length) => Gen.ArrayOf(Byte, length);

    public static Gen<byte[]> Bytes(int minLength, int maxLength) => Gen.Choose(minLength, maxLength).SelectMany(Bytes);

    public static Gen<string> Digits(int length) => Chars(DigitChars, length);

    private static Gen<string> Chars(string alphabet, int length) =>
        Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), length).Select(chars => new string(chars));

    /// <summary>Text of <paramref name="length"/> units valid for <paramref name="type"/> (b: hex of that many bytes).</summary>
    public static Gen<string> Content(ContentType type, int length) => type switch
    {
        ContentType.N => Digits(length),
        ContentType.A => Chars(LetterChars + " ", length),
        ContentType.An => Chars(LetterChars + DigitChars + " ", length),
        ContentType.Ans => Gen.ArrayOf(Gen.Elements(Printable), length).Select(chars => new string(chars)),
        ContentType.Z => Gen.ArrayOf(Gen.Frequency((9, Gen.Elements(DigitChars.ToCharArray())), (1, Gen.Constant('='))), length)
            .Select(chars => new string(chars)),
        ContentType.B => Bytes(length).Select(Convert.ToHexString),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>A length for a value of <paramref name="spec"/>: fixed fields mostly full (shorter ones are padded by Set),
    /// variable ones mostly short, sometimes empty or at their maximum.</summary>
    public static Gen<int> Length(FieldSpec spec, Profile profile)
    {
        var max = spec.MaxLength;
        if (spec.Prefix.IsFixed)
            return Gen.Frequency((4, Gen.Constant(max)), (1, Gen.Choose(0, max)));
        var capped = Math.Min(max, profile.LengthCap);
        var options = new List<(int, Gen<int>)>
        {
            (6, Gen.Choose(0, Math.Min(capped, 16))),
            (3, Gen.Choose(0, capped)),
            (1, Gen.Constant(0)),
        };
        if (profile.Boundaries && max <= 999) options.Add((1, Gen.Constant(max)));
        return Gen.Frequency(options);
    }

    /// <summary>A value for a plain (or positional) field.</summary>
    public static Gen<string> Value(FieldSpec spec, Profile profile) =>
        Length(spec, profile).SelectMany(length => Content(spec.Type, length));

    /// <summary>A BER tag: a known EMV tag, a random one-byte tag or a random well-formed multi-byte tag.</summary>
    public static Gen<byte[]> Tag { get; } = Gen.Frequency(
        (5, Gen.Elements(KnownTags)),
        (2, Byte.Where(b => (b & 0x1F) != 0x1F).Select(b => new[] { b })),
        (2, from first in Byte
            from more in Gen.Choose(1, 3)
            from rest in Bytes(more)
            select new[] { (byte)(first | 0x1F) }
                .Concat(rest.Select((b, i) => i < more - 1 ? (byte)(b | 0x80) : (byte)(b & 0x7F)))
                .ToArray()));

    /// <summary>One BER-TLV data object; lengths in short form, long form, and now and then a non-minimal long form.</summary>
    public static Gen<byte[]> DataObject(int maxValue) =>
        from tag in Tag
        from length in Gen.Frequency((8, Gen.Choose(0, Math.Min(maxValue, 40))), (1, Gen.Choose(0, maxValue)))
        from value in Bytes(length)
        from nonMinimal in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        select tag.Concat(BerLength(length, nonMinimal)).Concat(value).ToArray();

    private static byte[] BerLength(int length, bool nonMinimal)
    {
        if (length < 0x80 && !nonMinimal) return [(byte)length];
        if (length <= 0xFF) return nonMinimal && length < 0x80 ? [0x82, 0, (byte)length] : [0x81, (byte)length];
        return [0x82, (byte)(length >> 8), (byte)length];
    }

    /// <summary>Well-formed BER-TLV of at most <paramref name="maxLength"/> bytes.</summary>
    public static Gen<byte[]> TlvBytes(int maxLength) =>
        Gen.Choose(0, 6).SelectMany(count => Gen.ArrayOf(DataObject(200), count)).Select(objects =>
        {
            var result = new List<byte>();
            foreach (var o in objects)
                if (result.Count + o.Length <= maxLength) result.AddRange(o);
            return result.ToArray();
        });

    /// <summary>The assignments that give a field a valid value: composites are built correctly, whole or by subfield path.</summary>
    public static Gen<FieldValue[]> Assignments(FieldSpec spec, Profile profile)
    {
        var path = spec.Number.ToString();
        switch (spec.Composite)
        {
            case TlvSubfields:
                return Gen.Frequency(
                    (1, TlvBytes(spec.MaxLength).Select(bytes => new[] { new FieldValue(path, Convert.ToHexString(bytes)) })),
                    (1, Gen.Choose(1, 3).SelectMany(count => Gen.ArrayOf(
                        from tag in Tag
                        from value in Bytes(0, 40)
                        select new FieldValue($"{path}.{Convert.ToHexString(tag)}", Convert.ToHexString(value)), count))));
            case BitmappedSubfields bitmapped:
                return Bitmapped(path, bitmapped, profile).Select(values =>
                    values.Length > 0 ? values : [new FieldValue(path + "." + bitmapped.Fields.Fields.First(f => f.Composite is null).Number, "")]);
            default:
                return Value(spec, profile).Select(value => new[] { new FieldValue(path, value) });
        }
    }

    /// <summary>Subfields of a nested bitmap (e.g. Postilion DE 127 and 127.25), each set by its path.</summary>
    private static Gen<FieldValue[]> Bitmapped(string path, BitmappedSubfields bitmapped, Profile profile) =>
        WithComposites(bitmapped.Fields, Math.Max(profile.MaxFields, 6)).SelectMany(specs =>
            Gen.CollectToArray(specs.Select(spec => spec.Composite is BitmappedSubfields inner
                ? Bitmapped($"{path}.{spec.Number}", inner, profile)
                : Value(spec, profile).Select(value => new[] { new FieldValue($"{path}.{spec.Number}", value) })))
            .Select(groups => groups.SelectMany(g => g).ToArray()));

    /// <summary>A random subset of <paramref name="items"/> in their original order; usually small.</summary>
    public static Gen<T[]> Subset<T>(T[] items, int maxCount)
    {
        var most = Math.Min(maxCount, items.Length);
        return Gen.Frequency((3, Gen.Choose(0, Math.Min(most, 20))), (1, Gen.Choose(0, most)))
            .SelectMany(count => Gen.Shuffle(items).Select(shuffled =>
            {
                var chosen = new HashSet<T>(shuffled.Take(count));
                return items.Where(chosen.Contains).ToArray();
            }));
    }

    /// <summary>A random subset of the fields of <paramref name="set"/> that, half the time, includes every composite field,
    /// so that subfields get exercised often.</summary>
    private static Gen<FieldSpec[]> WithComposites(FieldSetSpec set, int maxCount)
    {
        var all = set.Fields.ToArray();
        return from subset in Subset(all, maxCount)
               from force in Gen.Elements(false, true)
               select force ? all.Where(f => f.Composite is not null || subset.Contains(f)).ToArray() : subset;
    }

    /// <summary>A random valid message of <paramref name="dialect"/>: random MTI, random defined fields with valid values.</summary>
    public static Gen<MessageCase> Message(Dialect dialect, Profile profile) =>
        from mti in Gen.Choose(0, 9999)
        from specs in WithComposites(dialect.Fields, profile.MaxFields)
        from groups in Gen.CollectToArray(specs.Select(spec => Assignments(spec, profile)))
        select new MessageCase(dialect, mti, groups.SelectMany(g => g).ToArray());
}
