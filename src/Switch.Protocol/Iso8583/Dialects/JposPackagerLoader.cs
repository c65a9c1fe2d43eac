using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Switch.Protocol.Iso8583;

/// <summary>
/// Loads a <see cref="Dialect"/> from a jPOS GenericPackager XML definition (<c>&lt;isopackager&gt;</c> with
/// <c>&lt;isofield id length name class pad/&gt;</c> and nested <c>&lt;isofieldpackager&gt;</c>), so a bank's
/// existing jPOS packager is reused as it is. The DOCTYPE is ignored, never fetched.
/// </summary>
/// <remarks>
/// <para>Field 0 is the MTI (<c>IFA_NUMERIC</c>, <c>IFB_NUMERIC</c>, <c>IFE_NUMERIC</c> or a CHAR class of length
/// 4) and field 1 the bitmap: <c>IFA_BITMAP</c> hex-ASCII, <c>IFB_BITMAP</c> binary, <c>IFE_BITMAP</c> EBCDIC hex;
/// its length 8, 16 or 24 bytes allows one, two or three bitmaps.</para>
/// <para>Field classes map to content, encoding and length prefix: <c>IFA_</c> ASCII with ASCII length digits
/// (<c>IFA_BINARY</c> hex-ASCII, <c>IFA_LL..BINARY</c> raw bytes), <c>IFB_</c> BCD numerics (<c>pad="true"</c>
/// left-padded, else right-padded) and BCD length digits (<c>H</c> classes a binary length of one or two bytes),
/// <c>IFE_</c> EBCDIC (code page 1047, as jPOS). Two classes do not fit a single value of the model and are kept
/// as raw b bytes, exact on the wire: <c>IFB_AMOUNT</c> (a sign byte then BCD digits) and <c>IFEB_LLNUM</c> /
/// <c>IFEB_LLLNUM</c> (BCD padded with F, the EBCDIC length counting bytes), whose text is the BCD in hex.</para>
/// <para>An <c>isofieldpackager</c> becomes <see cref="BitmappedSubfields"/> when it emits a bitmap (the default),
/// with subfield 1 its bitmap and subfield 0 a placeholder; with <c>emitBitmap="false"</c> it becomes
/// <see cref="PositionalSubfields"/> (path segment = position from 1) when every subfield from
/// <c>firstField</c> is fixed and read from the parent's value as it is (ASCII classes in a character field,
/// <c>IFB_BINARY</c> in a binary one). Anything else is refused with the field and the reason.</para>
/// <para>As for the built-in dialects, DE 2 is masked, DE 35, 36, 45, 52 hidden and DE 35 numeric classes are
/// track 2 (z) content; responses pair with requests on DE 41 and 11 when defined.</para>
/// </remarks>
public static class JposPackagerLoader
{
    private const string Format = "jPOS packager";

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        MaxCharactersInDocument = 16 * 1024 * 1024,
    };

    /// <summary>How a packing variant departs from a plain (content, encoding, prefix) field.</summary>
    private enum Variant : byte
    {
        Plain,
        /// <summary>BCD whose odd-length nibble padding follows the pad attribute.</summary>
        Bcd,
        /// <summary>x+n amount: the sign and digits have an exact length.</summary>
        Amount,
        /// <summary>IFB_AMOUNT: a sign byte and BCD digits, kept as raw bytes.</summary>
        BcdAmount,
        /// <summary>IFEB_LL(L)NUM: F-padded BCD whose EBCDIC length counts bytes, kept as raw bytes.</summary>
        BcdByteLength,
    }

    private readonly record struct ClassMap(ContentType Type, FieldEncoding Encoding, int Digits, FieldEncoding PrefixEncoding, Variant Variant = Variant.Plain);

    private static readonly Dictionary<string, ClassMap> Classes = BuildClasses();

    private static readonly Dictionary<string, FieldEncoding> Bitmaps = new(StringComparer.Ordinal)
    {
        ["IFA_BITMAP"] = FieldEncoding.HexAscii,
        ["IFB_BITMAP"] = FieldEncoding.Binary,
        ["IFE_BITMAP"] = FieldEncoding.Ebcdic1047,
    };

    private static Dictionary<string, ClassMap> BuildClasses()
    {
        const FieldEncoding ascii = FieldEncoding.Ascii, ebcdic = FieldEncoding.Ebcdic1047, bcd = FieldEncoding.Bcd, binary = FieldEncoding.Binary;
        var map = new Dictionary<string, ClassMap>(StringComparer.Ordinal)
        {
            // ASCII text and numbers, ASCII length digits.
            ["IF_CHAR"] = new(ContentType.Ans, ascii, 0, default),
            ["IFA_NUMERIC"] = new(ContentType.N, ascii, 0, default),
            ["IFA_AMOUNT"] = new(ContentType.Ans, ascii, 0, default, Variant.Amount),
            ["IFA_LLNUM"] = new(ContentType.N, ascii, 2, ascii),
            ["IFA_LLLNUM"] = new(ContentType.N, ascii, 3, ascii),
            // Binary: fixed as hex-ASCII, variable as raw bytes behind ASCII length digits.
            ["IFA_BINARY"] = new(ContentType.B, FieldEncoding.HexAscii, 0, default),
            // BCD numbers (pad="true": left-padded), BCD length digits or a binary length (H).
            ["IFB_NUMERIC"] = new(ContentType.N, bcd, 0, default, Variant.Bcd),
            ["IFB_LLNUM"] = new(ContentType.N, bcd, 2, bcd, Variant.Bcd),
            ["IFB_LLLNUM"] = new(ContentType.N, bcd, 3, bcd, Variant.Bcd),
            ["IFB_LLHNUM"] = new(ContentType.N, bcd, 2, binary, Variant.Bcd),
            ["IFB_LLLHNUM"] = new(ContentType.N, bcd, 4, binary, Variant.Bcd),
            ["IFB_AMOUNT"] = new(ContentType.B, binary, 0, default, Variant.BcdAmount),
            ["IFB_BINARY"] = new(ContentType.B, binary, 0, default),
            ["IFB_LLHBINARY"] = new(ContentType.B, binary, 2, binary),
            ["IFB_LLLHBINARY"] = new(ContentType.B, binary, 4, binary),
            ["IFB_LLHCHAR"] = new(ContentType.Ans, ascii, 2, binary),
            ["IFB_LLLHCHAR"] = new(ContentType.Ans, ascii, 4, binary),
            ["IFB_LLHECHAR"] = new(ContentType.Ans, ebcdic, 2, binary),
            // EBCDIC (jPOS writes code page 1047).
            ["IFE_CHAR"] = new(ContentType.Ans, ebcdic, 0, default),
            ["IFE_NUMERIC"] = new(ContentType.N, ebcdic, 0, default),
            ["IFE_AMOUNT"] = new(ContentType.Ans, ebcdic, 0, default, Variant.Amount),
            ["IFE_LLNUM"] = new(ContentType.N, ebcdic, 2, ebcdic),
            ["IFE_LLLNUM"] = new(ContentType.N, ebcdic, 3, ebcdic),
            ["IFE_LLCHAR"] = new(ContentType.Ans, ebcdic, 2, ebcdic),
            ["IFE_LLLCHAR"] = new(ContentType.Ans, ebcdic, 3, ebcdic),
            ["IFE_LLLLCHAR"] = new(ContentType.Ans, ebcdic, 4, ebcdic),
            ["IFE_LLBINARY"] = new(ContentType.B, binary, 2, ebcdic),
            ["IFE_LLLBINARY"] = new(ContentType.B, binary, 3, ebcdic),
            ["IFE_LLLLBINARY"] = new(ContentType.B, binary, 4, ebcdic),
            ["IFEB_LLNUM"] = new(ContentType.B, binary, 2, ebcdic, Variant.BcdByteLength),
            ["IFEB_LLLNUM"] = new(ContentType.B, binary, 3, ebcdic, Variant.BcdByteLength),
        };
        for (var digits = 2; digits <= 6; digits++)
        {
            var ls = new string('L', digits);
            map[$"IFA_{ls}CHAR"] = new(ContentType.Ans, ascii, digits, ascii);
            map[$"IFA_{ls}BINARY"] = new(ContentType.B, binary, digits, ascii);
            if (digits != 5)
            {
                map[$"IFB_{ls}CHAR"] = new(ContentType.Ans, ascii, digits, bcd);
                map[$"IFB_{ls}BINARY"] = new(ContentType.B, binary, digits, bcd);
            }
        }
        return map;
    }

    /// <summary>Loads a dialect from the text of a jPOS GenericPackager XML definition.</summary>
    /// <param name="xml">The definition: an <c>&lt;isopackager&gt;</c> document.</param>
    /// <param name="name">The dialect's name; by default "jpos".</param>
    /// <exception cref="FormatException">The XML is malformed, or a field is missing, unknown or not expressible;
    /// the message names the field and the fault.</exception>
    public static Dialect Load(string xml, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        using var text = new StringReader(xml);
        return Load(XmlReader.Create(text, Settings), name ?? "jpos");
    }

    /// <summary>Loads a dialect from a jPOS GenericPackager XML file (its declared encoding is honoured).</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">The dialect's name; by default the file name without its extension.</param>
    /// <exception cref="FormatException">The definition has a fault; the message names the field and the fault.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Dialect LoadFile(string path, string? name = null)
    {
        using var stream = File.OpenRead(path);
        return Load(XmlReader.Create(stream, Settings), name ?? Path.GetFileNameWithoutExtension(path));
    }

    private static Dialect Load(XmlReader reader, string name)
    {
        XDocument document;
        using (reader)
        {
            try
            {
                document = XDocument.Load(reader, LoadOptions.SetLineInfo);
            }
            catch (XmlException e)
            {
                throw LoaderSupport.Error(Format, null, $"malformed XML ({e.Message})");
            }
        }
        var root = document.Root;
        if (root is null || root.Name.LocalName != "isopackager")
            throw LoaderSupport.Error(Format, null, $"the root element is <{root?.Name.LocalName}>, not <isopackager>");
        RefuseLayoutAttributes(root, null);
        if (Bool(root, "emitBitmap", true, null) is false)
            throw LoaderSupport.Error(Format, null, "emitBitmap=\"false\" on the message is not supported: a message has a bitmap");
        if (root.Attribute("thirdBitmapField") is not null)
            throw LoaderSupport.Error(Format, null, "thirdBitmapField is not supported (a tertiary bitmap follows the secondary one: use an IF*_BITMAP of length 24)");

        var children = Children(root, null);
        if (!children.TryGetValue(0, out var mti)) throw LoaderSupport.Error(Format, "0", "the MTI (field 0) is missing");
        if (!children.TryGetValue(1, out var bitmap)) throw LoaderSupport.Error(Format, "1", "the bitmap (field 1) is missing");
        var mtiEncoding = ReadMti(mti);
        var (bitmapEncoding, maxBitmaps) = ReadBitmap(bitmap, "1");
        var specs = children.Where(c => c.Key >= 2).Select(c => ReadField(c.Value, c.Key, Key(null, c.Key), topLevel: true)).ToList();
        var fields = LoaderSupport.NewFieldSet(Format, null, bitmapEncoding, maxBitmaps, specs);
        return LoaderSupport.BuildDialect(Format, name, "Loaded from a jPOS GenericPackager definition", mtiEncoding, fields);
    }

    private static string Key(string? parent, int id) =>
        parent is null ? id.ToString(CultureInfo.InvariantCulture) : $"{parent}.{id.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The isofield and isofieldpackager children by id; duplicates and strangers are errors.</summary>
    private static SortedDictionary<int, XElement> Children(XElement parent, string? path)
    {
        var children = new SortedDictionary<int, XElement>();
        foreach (var child in parent.Elements())
        {
            var tag = child.Name.LocalName;
            if (tag is not ("isofield" or "isofieldpackager"))
                throw LoaderSupport.Error(Format, path, $"unexpected element <{tag}>{Line(child)} (isofield or isofieldpackager)");
            var idText = child.Attribute("id")?.Value;
            if (string.IsNullOrWhiteSpace(idText))
                throw LoaderSupport.Error(Format, path, $"<{tag}>{Line(child)} has no id attribute");
            if (!int.TryParse(idText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id > 192)
                throw LoaderSupport.Error(Format, path, $"<{tag}>{Line(child)} has id '{idText}', not a field number (0 to 192)");
            if (!children.TryAdd(id, child))
                throw LoaderSupport.Error(Format, Key(path, id), $"is defined twice{Line(children[id])} and{Line(child)}");
        }
        return children;
    }

    private static FieldEncoding ReadMti(XElement element)
    {
        const string path = "0";
        if (element.Name.LocalName != "isofield") throw LoaderSupport.Error(Format, path, "the MTI is an isofield");
        var (className, simple) = Class(element, path);
        var length = Int(element, "length", path);
        if (length != 4) throw LoaderSupport.Error(Format, path, $"the MTI has 4 digits, not {length}");
        if (!Classes.TryGetValue(simple, out var map) || map.Digits != 0 || map.Variant is Variant.Amount or Variant.BcdAmount
            || LoaderSupport.MtiEncoding(map.Encoding) is not { } encoding)
            throw LoaderSupport.Error(Format, path, $"class {className} cannot carry the MTI (a fixed numeric or character class)");
        return encoding;
    }

    private static (FieldEncoding Encoding, int MaxBitmaps) ReadBitmap(XElement element, string path)
    {
        var (className, simple) = Class(element, path);
        if (element.Name.LocalName != "isofield" || !Bitmaps.TryGetValue(simple, out var encoding))
            throw LoaderSupport.Error(Format, path, $"the bitmap must be an IFA_BITMAP, IFB_BITMAP or IFE_BITMAP isofield, not {className}");
        var length = Int(element, "length", path);
        var maxBitmaps = length switch
        {
            8 => 1,
            16 => 2,
            24 => 3,
            _ => throw LoaderSupport.Error(Format, path, $"a bitmap of {length} bytes is not supported (8, 16 or 24)"),
        };
        return (encoding, maxBitmaps);
    }

    private static FieldSpec ReadField(XElement element, int number, string path, bool topLevel)
    {
        var (className, simple) = Class(element, path);
        if (Bitmaps.ContainsKey(simple))
            throw LoaderSupport.Error(Format, path, $"{className} is a bitmap; only field 1 (or subfield 1 of a packager) is a bitmap");
        if (!Classes.TryGetValue(simple, out var map))
            throw LoaderSupport.Error(Format, path, $"unknown class {className}");
        var length = Int(element, "length", path);
        var pad = Bool(element, "pad", false, path);
        var name = element.Attribute("name")?.Value is { Length: > 0 } n ? n : $"Field {path}";

        var type = topLevel ? LoaderSupport.IsoContent(number, map.Type) : map.Type;
        var encoding = map.Variant == Variant.Bcd && !pad ? FieldEncoding.BcdRightPadded : map.Encoding;
        var prefix = map.Digits == 0 ? LengthPrefix.Fixed : new LengthPrefix(map.Digits, map.PrefixEncoding);
        Padding? padding = null;
        var maxLength = length;
        switch (map.Variant)
        {
            case Variant.Amount:
                padding = new Padding(PaddingSide.None, 0);
                break;
            case Variant.BcdAmount:
                if (length < 2) throw LoaderSupport.Error(Format, path, $"{className} has a sign and at least one digit");
                maxLength = 1 + (length >> 1);
                break;
            case Variant.BcdByteLength:
                maxLength = (length + 1) >> 1;
                break;
        }

        Composite? composite = null;
        if (element.Name.LocalName == "isofieldpackager")
            composite = ReadSubfields(element, path, className, type, prefix, maxLength);
        else if (element.Elements().Any())
            throw LoaderSupport.Error(Format, path, "an isofield has no subfields (use isofieldpackager)");

        var sensitivity = IsoSensitivity.Of(number, name, topLevel);
        return LoaderSupport.NewField(Format, path, number, name, type, encoding, prefix, maxLength, padding, sensitivity, composite);
    }

    private static Composite ReadSubfields(XElement element, string path, string parentClass, ContentType parentType, LengthPrefix parentPrefix, int parentLength)
    {
        if (string.IsNullOrWhiteSpace(element.Attribute("packager")?.Value))
            throw LoaderSupport.Error(Format, path, "an isofieldpackager needs a packager attribute");
        RefuseLayoutAttributes(element, path);
        var children = Children(element, path);
        var emitBitmap = Bool(element, "emitBitmap", true, path);
        var firstFieldText = element.Attribute("firstField")?.Value;
        int? firstField = firstFieldText is null ? null : Int(element, "firstField", path);

        if (emitBitmap)
        {
            if (parentType is ContentType.N or ContentType.Z)
                throw LoaderSupport.Error(Format, path, $"a bitmap cannot be carried in a numeric field ({parentClass})");
            if (!children.TryGetValue(1, out var bitmap))
                throw LoaderSupport.Error(Format, path, "the packager emits a bitmap but has no subfield 1 (IFA_BITMAP, IFB_BITMAP or IFE_BITMAP)");
            var (bitmapEncoding, maxBitmaps) = ReadBitmap(bitmap, Key(path, 1));
            var first = Math.Max(2, firstField ?? 2);
            var specs = children.Where(c => c.Key >= first).Select(c => ReadField(c.Value, c.Key, Key(path, c.Key), topLevel: false)).ToList();
            return new BitmappedSubfields(LoaderSupport.NewFieldSet(Format, path, bitmapEncoding, maxBitmaps, specs));
        }

        // jPOS starts at 1 (2 after a bitmap subfield) unless subfield 0 is itself a packager or firstField says.
        var start = firstField
            ?? (children.TryGetValue(0, out var zero) && zero.Name.LocalName == "isofieldpackager" ? 0
                : children.TryGetValue(1, out var one) && Bitmaps.ContainsKey(Class(one, Key(path, 1)).Simple) ? 2 : 1);
        var positional = children.Where(c => c.Key >= start).ToList();
        if (positional.Count == 0) throw LoaderSupport.Error(Format, path, $"the packager has no subfields from {start}");
        var layout = new List<(string Name, int Length)>();
        var expected = start;
        foreach (var (id, child) in positional)
        {
            var subPath = Key(path, id);
            if (id != expected) throw LoaderSupport.Error(Format, Key(path, expected), "is missing: positional subfields are numbered without gaps");
            expected++;
            if (child.Name.LocalName == "isofieldpackager")
                throw LoaderSupport.Error(Format, subPath, "a packager inside positional subfields is not supported");
            var spec = ReadField(child, id, subPath, topLevel: false);
            var readAsIs = parentType == ContentType.B ? spec.Encoding == FieldEncoding.Binary : spec.Encoding == FieldEncoding.Ascii && spec.Type != ContentType.B;
            if (!spec.Prefix.IsFixed || !readAsIs)
                throw LoaderSupport.Error(Format, subPath,
                    $"class {Class(child, subPath).Name} cannot be a positional subfield of {parentClass}: supported are fixed " +
                    (parentType == ContentType.B ? "binary classes (IFB_BINARY) in a binary field" : "ASCII classes (IF_CHAR, IFA_NUMERIC) in a character field"));
            layout.Add((spec.Name, spec.MaxLength));
        }
        var total = layout.Sum(s => s.Length);
        if (parentPrefix.IsFixed && total != parentLength)
            throw LoaderSupport.Error(Format, path, $"the subfields add up to {total}, the fixed field has {parentLength}");
        if (total > parentLength)
            throw LoaderSupport.Error(Format, path, $"the subfields add up to {total}, more than the field's maximum {parentLength}");
        return new PositionalSubfields([.. layout]);
    }

    /// <summary>Attributes that change the layout in ways the model has no room for.</summary>
    private static void RefuseLayoutAttributes(XElement element, string? path)
    {
        var header = element.Attribute("headerLength")?.Value;
        if (header is not null && Int(element, "headerLength", path) != 0)
            throw LoaderSupport.Error(Format, path, "headerLength is not supported (a header belongs to the framing)");
        var bitmapField = element.Attribute("bitmapField")?.Value;
        if (bitmapField is not null && Int(element, "bitmapField", path) != 1)
            throw LoaderSupport.Error(Format, path, "a bitmapField other than 1 is not supported");
    }

    /// <summary>The class attribute and its simple name (org.jpos.iso.IFA_NUMERIC → IFA_NUMERIC).</summary>
    private static (string Name, string Simple) Class(XElement element, string path)
    {
        var name = element.Attribute("class")?.Value.Trim();
        if (string.IsNullOrEmpty(name)) throw LoaderSupport.Error(Format, path, $"<{element.Name.LocalName}>{Line(element)} has no class attribute");
        const string package = "org.jpos.iso.";
        var simple = name.StartsWith(package, StringComparison.Ordinal) ? name[package.Length..] : name;
        return (name, simple.Contains('.') ? name : simple);
    }

    private static int Int(XElement element, string attribute, string? path)
    {
        var text = element.Attribute(attribute)?.Value;
        if (text is null) throw LoaderSupport.Error(Format, path, $"<{element.Name.LocalName}>{Line(element)} has no {attribute} attribute");
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw LoaderSupport.Error(Format, path, $"{attribute}=\"{text}\" is not a non-negative integer");
    }

    private static bool Bool(XElement element, string attribute, bool fallback, string? path)
    {
        var text = element.Attribute(attribute)?.Value.Trim();
        if (text is null) return fallback;
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        if (text.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        throw LoaderSupport.Error(Format, path, $"{attribute}=\"{text}\" is neither true nor false");
    }

    private static string Line(XElement element) =>
        element is IXmlLineInfo info && info.HasLineInfo() ? $" (line {info.LineNumber})" : "";
}
