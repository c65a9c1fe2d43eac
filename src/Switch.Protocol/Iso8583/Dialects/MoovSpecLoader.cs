using System.Globalization;
using System.Text.Json;

namespace Switch.Protocol.Iso8583;

/// <summary>
/// Loads a <see cref="Dialect"/> from a moov-io/iso8583 JSON message spec, so a bank's existing moov definition
/// is reused as it is. Both spec generations are read: field keys <c>"0"</c>..<c>"192"</c> or
/// <c>"Field000"</c>..; encodings <c>ASCII</c>, <c>EBCDIC</c>, <c>EBCDIC1047</c>, <c>BCD</c>, <c>LBCD</c>,
/// <c>Binary</c>, <c>HexToASCII</c>, <c>ASCIIToHex</c> or their old names (<c>asciiEncoder</c>,
/// <c>hexEncoder</c>...); prefixes <c>ASCII</c>, <c>EBCDIC</c>, <c>EBCDIC1047</c>, <c>BCD</c>, <c>Hex</c>,
/// <c>Binary</c>, <c>None</c> with <c>Fixed</c> or <c>L</c> to <c>LLLLLL</c>; paddings
/// <c>{"type":"Left","pad":"0"}</c> or <c>{"type":"leftPadder","pad":48}</c>.
/// </summary>
/// <remarks>
/// <para>Field 0 gives the MTI encoding and field 1 (type <c>Bitmap</c>) the bitmap encoding: hex-ASCII or binary,
/// 8 bytes a bitmap (a hex bitmap of length 16 counts hex characters), secondary and tertiary bitmaps unless
/// <c>disableAutoExpand</c>. <c>Numeric</c> fields are n, <c>String</c> ans, <c>Binary</c> and <c>Hex</c> b,
/// <c>Track2</c> z; a field encoded <c>HexToASCII</c> holds b content written as hex-ASCII, its length in bytes.
/// <c>EBCDIC</c> is moov's own table, which is code page 500 for every printable ASCII character but '|'.
/// <c>Hex.LL</c> prefixes are the length as 2 bytes written in 4 hex-ASCII digits (L bytes, 2L digits).</para>
/// <para>A <c>Composite</c> field maps to <see cref="BitmappedSubfields"/> when it has a <c>bitmap</c>, to
/// <see cref="TlvSubfields"/> when its <c>tag.enc</c> is <c>BerTLVTag</c>, and to <see cref="PositionalSubfields"/>
/// when it has neither and every subfield is fixed-length in one character (or binary) encoding; anything else is
/// refused. Subfield paddings are not kept: a positional subfield pads as its parent does.</para>
/// <para>As for the built-in dialects, DE 2 is masked and DE 35, 36, 45, 52 hidden; responses pair with requests
/// on DE 41 and 11 when the spec defines them.</para>
/// </remarks>
public static class MoovSpecLoader
{
    private const string Format = "moov-io spec";

    private enum Enc { Ascii, Ebcdic, Ebcdic1047, Bcd, Lbcd, Binary, HexToAscii, AsciiToHex, BerTlvTag }

    private static readonly Dictionary<string, Enc> Encodings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ASCII"] = Enc.Ascii, ["asciiEncoder"] = Enc.Ascii,
        ["EBCDIC"] = Enc.Ebcdic, ["ebcdicEncoder"] = Enc.Ebcdic,
        ["EBCDIC1047"] = Enc.Ebcdic1047, ["ebcdic1047Encoder"] = Enc.Ebcdic1047,
        ["BCD"] = Enc.Bcd, ["bcdEncoder"] = Enc.Bcd,
        ["LBCD"] = Enc.Lbcd, ["lBCDEncoder"] = Enc.Lbcd,
        ["Binary"] = Enc.Binary, ["binaryEncoder"] = Enc.Binary,
        ["HexToASCII"] = Enc.HexToAscii, ["hexToASCIIEncoder"] = Enc.HexToAscii, ["hexEncoder"] = Enc.HexToAscii,
        ["BytesToASCIIHex"] = Enc.HexToAscii,
        ["ASCIIToHex"] = Enc.AsciiToHex, ["asciiToHexEncoder"] = Enc.AsciiToHex, ["ASCIIHexToBytes"] = Enc.AsciiToHex,
        ["BerTLVTag"] = Enc.BerTlvTag, ["berTLVEncoderTag"] = Enc.BerTlvTag,
    };

    /// <summary>Loads a dialect from the text of a moov-io JSON spec.</summary>
    /// <param name="json">The spec: <c>{"name": ..., "fields": {...}}</c>.</param>
    /// <param name="name">The dialect's name; by default the spec's <c>name</c>, else "moov".</param>
    /// <exception cref="FormatException">The text is not JSON, or a field is missing, unknown or not expressible;
    /// the message names the field and the fault.</exception>
    public static Dialect Load(string json, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw LoaderSupport.Error(Format, null, $"not valid JSON ({e.Message})");
        }
        using (document) return Build(document.RootElement, name);
    }

    /// <summary>Loads a dialect from a moov-io JSON spec file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">The dialect's name; by default the file name without its extension.</param>
    /// <exception cref="FormatException">The spec has a fault; the message names the field and the fault.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Dialect LoadFile(string path, string? name = null) =>
        Load(File.ReadAllText(path), name ?? Path.GetFileNameWithoutExtension(path));

    private static Dialect Build(JsonElement root, string? name)
    {
        if (root.ValueKind != JsonValueKind.Object) throw LoaderSupport.Error(Format, null, "the spec is not a JSON object");
        var specName = OptionalString(root, "name", null);
        if (!TryGet(root, "fields", out var fieldsElement) || fieldsElement.ValueKind != JsonValueKind.Object)
            throw LoaderSupport.Error(Format, null, "the spec has no \"fields\" object");

        var definitions = new SortedDictionary<int, JsonElement>();
        foreach (var property in fieldsElement.EnumerateObject())
        {
            var number = FieldKey(property.Name);
            if (number < 0) throw LoaderSupport.Error(Format, property.Name, "is not a field number (\"0\" to \"192\", or \"Field000\")");
            if (!definitions.TryAdd(number, property.Value)) throw LoaderSupport.Error(Format, Key(number), "is defined twice");
            if (property.Value.ValueKind != JsonValueKind.Object) throw LoaderSupport.Error(Format, Key(number), "is not a JSON object");
        }
        if (!definitions.TryGetValue(0, out var mtiElement)) throw LoaderSupport.Error(Format, "0", "the MTI (field 0) is missing");
        if (!definitions.TryGetValue(1, out var bitmapElement)) throw LoaderSupport.Error(Format, "1", "the bitmap (field 1) is missing");

        var mtiEncoding = ReadMti(mtiElement);
        var (bitmapEncoding, autoExpand) = ReadBitmap(bitmapElement, "1");
        var specs = definitions.Where(d => d.Key >= 2).Select(d => ReadField(d.Value, d.Key, Key(d.Key), topLevel: true)).ToList();
        var maxBitmaps = !autoExpand ? 1 : definitions.Keys.Max() > 128 ? 3 : 2;
        var fields = LoaderSupport.NewFieldSet(Format, null, bitmapEncoding, maxBitmaps, specs);
        var description = specName is null ? "Loaded from a moov-io JSON spec" : $"{specName} (moov-io JSON spec)";
        return LoaderSupport.BuildDialect(Format, name ?? specName ?? "moov", description, mtiEncoding, fields);
    }

    private static string Key(int number) => number.ToString(CultureInfo.InvariantCulture);

    /// <summary>"12", "Field012" → 12; -1 when the key is not a field number.</summary>
    private static int FieldKey(string key)
    {
        var digits = key.StartsWith("Field", StringComparison.OrdinalIgnoreCase) ? key[5..] : key;
        return digits.Length is > 0 and <= 4 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 192 ? n : -1;
    }

    private static FieldEncoding ReadMti(JsonElement element)
    {
        const string path = "0";
        var type = RequiredString(element, "type", path);
        if (!type.Equals("String", StringComparison.OrdinalIgnoreCase) && !type.Equals("Numeric", StringComparison.OrdinalIgnoreCase))
            throw LoaderSupport.Error(Format, path, $"the MTI must be a String or Numeric field, not {type}");
        var length = ReadLength(element, path, allowZero: true);
        if (length is not (0 or 4)) throw LoaderSupport.Error(Format, path, $"the MTI has 4 digits, not {length}");
        if (!ReadPrefix(element, path).IsFixed) throw LoaderSupport.Error(Format, path, "the MTI has a fixed length");
        var (_, encoding) = Content(type, ReadEncoding(element, path), path);
        return LoaderSupport.MtiEncoding(encoding)
            ?? throw LoaderSupport.Error(Format, path, $"an MTI written as {OptionalString(element, "enc", path)} is not supported (ASCII, EBCDIC or BCD)");
    }

    /// <summary>A Bitmap field's encoding and whether further bitmaps follow when bit 1 is set.</summary>
    private static (FieldEncoding Encoding, bool AutoExpand) ReadBitmap(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object) throw LoaderSupport.Error(Format, path, "the bitmap is not a JSON object");
        var type = OptionalString(element, "type", path);
        if (type is not null && !type.Equals("Bitmap", StringComparison.OrdinalIgnoreCase))
            throw LoaderSupport.Error(Format, path, $"must be of type Bitmap, not {type}");
        var length = ReadLength(element, path, allowZero: true);
        var enc = ReadEncoding(element, path);
        if (!ReadPrefix(element, path).IsFixed) throw LoaderSupport.Error(Format, path, "a bitmap has a fixed length");
        var encoding = enc switch
        {
            // 8 bytes a bitmap; old specs count the 16 hex characters instead.
            Enc.HexToAscii when length is 0 or 8 or 16 => FieldEncoding.HexAscii,
            Enc.Binary when length is 0 or 8 => FieldEncoding.Binary,
            Enc.HexToAscii or Enc.Binary => throw LoaderSupport.Error(Format, path, $"a bitmap of length {length} is not supported (8 bytes a bitmap)"),
            _ => throw LoaderSupport.Error(Format, path, $"a bitmap encoded {OptionalString(element, "enc", path)} is not supported (HexToASCII or Binary)"),
        };
        var autoExpand = true;
        if (TryGet(element, "disableAutoExpand", out var disable) && disable.ValueKind != JsonValueKind.Null)
        {
            if (disable.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                throw LoaderSupport.Error(Format, path, "disableAutoExpand must be true or false");
            autoExpand = disable.ValueKind == JsonValueKind.False;
        }
        return (encoding, autoExpand);
    }

    private static FieldSpec ReadField(JsonElement element, int number, string path, bool topLevel)
    {
        if (element.ValueKind != JsonValueKind.Object) throw LoaderSupport.Error(Format, path, "is not a JSON object");
        var type = RequiredString(element, "type", path);
        var name = OptionalString(element, "description", path) ?? $"Field {path}";
        var sensitivity = IsoSensitivity.Of(number, name, topLevel);
        if (type.Equals("Composite", StringComparison.OrdinalIgnoreCase))
            return ReadComposite(element, number, path, name, sensitivity);
        if (type.Equals("Bitmap", StringComparison.OrdinalIgnoreCase))
            throw LoaderSupport.Error(Format, path, "a Bitmap is only field 1 or a composite's \"bitmap\"");
        if (TryGet(element, "subfields", out var subfields) && subfields.ValueKind != JsonValueKind.Null)
            throw LoaderSupport.Error(Format, path, $"a {type} field has no subfields (use type Composite)");

        var length = ReadLength(element, path, allowZero: false);
        var prefix = ReadPrefix(element, path);
        var (content, encoding) = Content(type, ReadEncoding(element, path), path);
        if (topLevel) content = LoaderSupport.IsoContent(number, content);
        var padding = ReadPadding(element, content, path);
        var maxLength = prefix.IsFixed ? length : Math.Min(length, prefix.MaxValue);
        return LoaderSupport.NewField(Format, path, number, name, content, encoding, prefix, maxLength, padding, sensitivity, null);
    }

    /// <summary>The content type and wire encoding of a moov field type written with a moov encoding.</summary>
    private static (ContentType Type, FieldEncoding Encoding) Content(string type, Enc enc, string path)
    {
        var kind = type.ToUpperInvariant() switch
        {
            "STRING" or "TRACK1" or "TRACK3" => ContentType.Ans,
            "NUMERIC" => ContentType.N,
            "TRACK2" => ContentType.Z,
            "BINARY" or "HEX" => ContentType.B,
            _ => throw LoaderSupport.Error(Format, path, $"unknown field type '{type}' (String, Numeric, Binary, Hex, Track1/2/3, Bitmap, Composite)"),
        };
        return enc switch
        {
            // moov's ASCII and Binary encoders both copy bytes: the canonical value is the wire.
            Enc.Ascii or Enc.Binary => (kind, kind == ContentType.B ? FieldEncoding.Binary : FieldEncoding.Ascii),
            Enc.Ebcdic => (kind, FieldEncoding.Ebcdic500),
            Enc.Ebcdic1047 => (kind, FieldEncoding.Ebcdic1047),
            // BCD holds digits (and the track 2 separator): a String in BCD is a number, text and bytes cannot be.
            Enc.Bcd or Enc.Lbcd => (Packed(type, kind, path), enc == Enc.Bcd ? FieldEncoding.Bcd : FieldEncoding.BcdRightPadded),
            Enc.HexToAscii => (ContentType.B, FieldEncoding.HexAscii),
            Enc.AsciiToHex => (ContentType.B, FieldEncoding.Binary),
            _ => throw LoaderSupport.Error(Format, path, "BerTLVTag encodes the tags of a composite, not a field"),
        };
    }

    private static ContentType Packed(string type, ContentType kind, string path) => kind switch
    {
        ContentType.N or ContentType.Z => kind,
        ContentType.Ans when type.Equals("String", StringComparison.OrdinalIgnoreCase) => ContentType.N,
        _ => throw LoaderSupport.Error(Format, path, $"a {type} field cannot be BCD (digits only)"),
    };

    private static FieldSpec ReadComposite(JsonElement element, int number, string path, string name, Sensitivity sensitivity)
    {
        var length = ReadLength(element, path, allowZero: false);
        var prefix = ReadPrefix(element, path);
        var maxLength = prefix.IsFixed ? length : Math.Min(length, prefix.MaxValue);
        if (!TryGet(element, "subfields", out var subfields) || subfields.ValueKind != JsonValueKind.Object || !subfields.EnumerateObject().Any())
            throw LoaderSupport.Error(Format, path, "a Composite field needs \"subfields\"");

        if (TryGet(element, "bitmap", out var bitmap) && bitmap.ValueKind != JsonValueKind.Null)
        {
            var (bitmapEncoding, autoExpand) = ReadBitmap(bitmap, path + ".bitmap");
            var specs = new List<FieldSpec>();
            var highest = 0;
            foreach (var sub in subfields.EnumerateObject())
            {
                var subPath = $"{path}.{sub.Name}";
                if (!int.TryParse(sub.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 192)
                    throw LoaderSupport.Error(Format, subPath, "a bitmapped subfield is numbered 1 to 192");
                highest = Math.Max(highest, n);
                specs.Add(ReadField(sub.Value, n, subPath, topLevel: false));
            }
            var maxBitmaps = !autoExpand ? 1 : highest > 128 ? 3 : 2;
            var nested = LoaderSupport.NewFieldSet(Format, path, bitmapEncoding, maxBitmaps, specs);
            return LoaderSupport.NewField(Format, path, number, name, ContentType.B, FieldEncoding.Binary, prefix, maxLength, null, sensitivity,
                new BitmappedSubfields(nested));
        }

        var hasTag = TryGet(element, "tag", out var tag) && tag.ValueKind == JsonValueKind.Object;
        var tagEncoding = hasTag ? OptionalString(tag, "enc", path + ".tag") : null;
        if (tagEncoding is not null)
        {
            if (!Encodings.TryGetValue(tagEncoding, out var enc) || enc != Enc.BerTlvTag)
                throw LoaderSupport.Error(Format, path, $"subfields with {tagEncoding} tags are not supported (BER-TLV tags, a bitmap, or fixed positional subfields)");
            foreach (var sub in subfields.EnumerateObject())
                if (sub.Name.Length is < 2 or > 8 || !uint.TryParse(sub.Name, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _))
                    throw LoaderSupport.Error(Format, $"{path}.{sub.Name}", "a BER-TLV subfield is keyed by its tag in hex, e.g. \"9F26\"");
            return LoaderSupport.NewField(Format, path, number, name, ContentType.B, FieldEncoding.Binary, prefix, maxLength, null, sensitivity,
                TlvSubfields.Instance);
        }

        return ReadPositional(subfields, hasTag ? OptionalString(tag, "sort", path + ".tag") : null, number, path, name, prefix, length, sensitivity);
    }

    /// <summary>Subfields packed one after another without tags: fixed lengths, one encoding, sliced from the value.</summary>
    private static FieldSpec ReadPositional(JsonElement subfields, string? sort, int number, string path, string name,
        LengthPrefix prefix, int length, Sensitivity sensitivity)
    {
        var byHex = string.Equals(sort, "StringsByHex", StringComparison.OrdinalIgnoreCase);
        var ordered = new List<(long Key, string Name, JsonElement Value)>();
        foreach (var sub in subfields.EnumerateObject())
        {
            var ok = byHex
                ? long.TryParse(sub.Name, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var key)
                : long.TryParse(sub.Name, NumberStyles.None, CultureInfo.InvariantCulture, out key);
            if (!ok) throw LoaderSupport.Error(Format, $"{path}.{sub.Name}", $"a positional subfield is keyed by its position ({(byHex ? "hex" : "a number")})");
            ordered.Add((key, sub.Name, sub.Value));
        }
        ordered.Sort((a, b) => a.Key.CompareTo(b.Key));

        var layout = new List<(string Name, int Length)>();
        FieldEncoding? common = null;
        var allNumeric = true;
        foreach (var (_, key, value) in ordered)
        {
            var subPath = $"{path}.{key}";
            if (value.ValueKind != JsonValueKind.Object) throw LoaderSupport.Error(Format, subPath, "is not a JSON object");
            var type = RequiredString(value, "type", subPath);
            if (type.Equals("Composite", StringComparison.OrdinalIgnoreCase) || type.Equals("Bitmap", StringComparison.OrdinalIgnoreCase))
                throw LoaderSupport.Error(Format, subPath, $"a {type} inside a composite without tags or bitmap is not supported");
            if (!ReadPrefix(value, subPath).IsFixed)
                throw LoaderSupport.Error(Format, subPath, "a composite without tags or bitmap is supported only when every subfield is fixed-length");
            var subLength = ReadLength(value, subPath, allowZero: false);
            var (content, encoding) = Content(type, ReadEncoding(value, subPath), subPath);
            if (!Wire.IsCharacter(encoding) && encoding != FieldEncoding.Binary)
                throw LoaderSupport.Error(Format, subPath, $"positional subfields in {encoding} are not supported (character encodings or raw binary)");
            if (common is not null && common != encoding)
                throw LoaderSupport.Error(Format, subPath, $"positional subfields mix {common} and {encoding}; one encoding is supported");
            common = encoding;
            allNumeric &= content == ContentType.N;
            layout.Add((OptionalString(value, "description", subPath) ?? $"Subfield {key}", subLength));
        }

        var total = layout.Sum(s => s.Length);
        var maxLength = prefix.IsFixed ? length : Math.Min(length, prefix.MaxValue);
        if (prefix.IsFixed && total != length)
            throw LoaderSupport.Error(Format, path, $"the subfields add up to {total}, the fixed field has {length}");
        if (total > maxLength)
            throw LoaderSupport.Error(Format, path, $"the subfields add up to {total}, more than the field's maximum {maxLength}");
        var parentType = common == FieldEncoding.Binary ? ContentType.B : allNumeric ? ContentType.N : ContentType.Ans;
        return LoaderSupport.NewField(Format, path, number, name, parentType, common!.Value,
            prefix, maxLength, null, sensitivity, new PositionalSubfields([.. layout]));
    }

    private static Enc ReadEncoding(JsonElement element, string path)
    {
        var text = RequiredString(element, "enc", path);
        return Encodings.TryGetValue(text, out var enc)
            ? enc
            : throw LoaderSupport.Error(Format, path, $"unknown encoding '{text}' (ASCII, EBCDIC, EBCDIC1047, BCD, LBCD, Binary, HexToASCII, ASCIIToHex)");
    }

    /// <summary>"ASCII.LL", "BCD.Fixed", "Hex.LL"... Hex and Binary lengths are L bytes: binary, or 2L hex-ASCII digits.</summary>
    private static LengthPrefix ReadPrefix(JsonElement element, string path)
    {
        var text = RequiredString(element, "prefix", path);
        var dot = text.LastIndexOf('.');
        if (dot <= 0)
        {
            if (text.Equals("BerTLV", StringComparison.OrdinalIgnoreCase))
                throw LoaderSupport.Error(Format, path, "the BerTLV prefix belongs to the subfields of a BER-TLV composite");
            throw UnknownPrefix(text, path);
        }
        var kind = text[..dot];
        var size = text[(dot + 1)..];
        int digits;
        if (size.Equals("Fixed", StringComparison.OrdinalIgnoreCase)) digits = 0;
        else if (size.Length is >= 1 and <= 6 && size.All(c => c == 'L')) digits = size.Length;
        else throw UnknownPrefix(text, path);

        FieldEncoding encoding;
        switch (kind.ToUpperInvariant())
        {
            case "ASCII": encoding = FieldEncoding.Ascii; break;
            case "BCD": encoding = FieldEncoding.Bcd; break;
            case "EBCDIC": encoding = FieldEncoding.Ebcdic500; break;
            case "EBCDIC1047": encoding = FieldEncoding.Ebcdic1047; break;
            case "HEX":
            case "BINARY":
                if (digits > 3) throw LoaderSupport.Error(Format, path, $"a {text} prefix ({digits}-byte length) is not supported (up to 3 bytes)");
                encoding = kind.Equals("Hex", StringComparison.OrdinalIgnoreCase) ? FieldEncoding.HexAscii : FieldEncoding.Binary;
                digits *= 2;
                break;
            case "NONE" when digits == 0: encoding = FieldEncoding.Ascii; break;
            default: throw UnknownPrefix(text, path);
        }
        return digits == 0 ? LengthPrefix.Fixed : new LengthPrefix(digits, encoding);
    }

    private static FormatException UnknownPrefix(string text, string path) =>
        LoaderSupport.Error(Format, path, $"unknown prefix '{text}' (ASCII, BCD, EBCDIC, EBCDIC1047, Hex or Binary, then .Fixed or .L to .LLLLLL)");

    private static Padding? ReadPadding(JsonElement element, ContentType content, string path)
    {
        if (!TryGet(element, "padding", out var padding) || padding.ValueKind == JsonValueKind.Null) return null;
        if (padding.ValueKind != JsonValueKind.Object) throw LoaderSupport.Error(Format, path, "padding is not a JSON object");
        var type = RequiredString(padding, "type", path + ".padding");
        var side = type.ToUpperInvariant() switch
        {
            "LEFT" or "LEFTPADDER" => PaddingSide.Left,
            "RIGHT" or "RIGHTPADDER" => PaddingSide.Right,
            "NONE" or "NONEPADDER" => PaddingSide.None,
            _ => throw LoaderSupport.Error(Format, path, $"unknown padding type '{type}' (Left, Right, None)"),
        };
        if (side == PaddingSide.None) return new Padding(PaddingSide.None, 0);
        if (!TryGet(padding, "pad", out var pad) || pad.ValueKind == JsonValueKind.Null)
            throw LoaderSupport.Error(Format, path, "padding has no \"pad\" character");
        int c;
        if (pad.ValueKind == JsonValueKind.Number && pad.TryGetInt32(out var code)) c = code;
        else if (pad.ValueKind == JsonValueKind.String && pad.GetString() is { Length: 1 } s) c = s[0];
        else throw LoaderSupport.Error(Format, path, "the pad is one character (\"0\") or its code (48)");
        if (c is < 0 or > 0xFF) throw LoaderSupport.Error(Format, path, $"the pad character U+{c:X4} is not Latin-1");
        if (content is ContentType.N && c is < '0' or > '9')
            throw LoaderSupport.Error(Format, path, $"numeric content cannot be padded with '{(char)c}'");
        return new Padding(side, (byte)c);
    }

    private static int ReadLength(JsonElement element, string path, bool allowZero)
    {
        if (!TryGet(element, "length", out var length) || length.ValueKind == JsonValueKind.Null)
        {
            if (allowZero) return 0;
            throw LoaderSupport.Error(Format, path, "has no \"length\"");
        }
        if (length.ValueKind != JsonValueKind.Number || !length.TryGetInt32(out var value) || value < 0)
            throw LoaderSupport.Error(Format, path, "\"length\" is not a non-negative integer");
        if (value == 0 && !allowZero) throw LoaderSupport.Error(Format, path, "\"length\" is 0");
        return value;
    }

    private static string RequiredString(JsonElement element, string property, string path) =>
        OptionalString(element, property, path) ?? throw LoaderSupport.Error(Format, path, $"has no \"{property}\"");

    private static string? OptionalString(JsonElement element, string property, string? path)
    {
        if (!TryGet(element, property, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw LoaderSupport.Error(Format, path, $"\"{property}\" is not a string");
        var text = value.GetString();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>A property by name, ignoring case as moov's Go decoder does.</summary>
    private static bool TryGet(JsonElement element, string property, out JsonElement value)
    {
        if (element.TryGetProperty(property, out value)) return true;
        foreach (var candidate in element.EnumerateObject())
        {
            if (!string.Equals(candidate.Name, property, StringComparison.OrdinalIgnoreCase)) continue;
            value = candidate.Value;
            return true;
        }
        value = default;
        return false;
    }
}
