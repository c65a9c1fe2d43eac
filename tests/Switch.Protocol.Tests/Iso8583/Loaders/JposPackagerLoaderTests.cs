using System.Text;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583.Loaders;

public class JposPackagerLoaderTests
{
    private const string Doctype = """
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <!DOCTYPE isopackager PUBLIC "-//jPOS/jPOS Generic Packager DTD 1.0//EN" "http://jpos.org/dtd/generic-packager-1.0.dtd">
        """;

    /// <summary>isofields from lines "id length CLASS [pad]"; the class is in org.jpos.iso.</summary>
    private static string Fields(string table)
    {
        var xml = new StringBuilder();
        foreach (var line in table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var p = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var pad = p.Length > 3 ? $" pad=\"{p[3]}\"" : "";
            xml.Append($"""  <isofield id="{p[0]}" length="{p[1]}" name="F{p[0]}" class="org.jpos.iso.{p[2]}"{pad}/>""").Append('\n');
        }
        return xml.ToString();
    }

    private static string Packager(string body, string attributes = "") => $"{Doctype}\n<isopackager{attributes}>\n{body}</isopackager>\n";

    private static string AsciiHead => Fields("""
        0 4 IFA_NUMERIC
        1 16 IFA_BITMAP
        """);

    private static Dialect Load(string body, string attributes = "") => JposPackagerLoader.Load(Packager(body, attributes));

    private static string LoadError(string xml) => Assert.Throws<FormatException>(() => JposPackagerLoader.Load(xml)).Message;

    /// <summary>Encodes <paramref name="message"/>, decodes it with <paramref name="other"/>, and checks values and bytes agree.</summary>
    private static IsoMessage CrossCheck(IsoMessage message, Dialect other)
    {
        var bytes = message.Encode();
        var decoded = other.Decode(bytes);
        Assert.Equal(message.Mti, decoded.Mti);
        Assert.Equal(message.FieldNumbers, decoded.FieldNumbers);
        foreach (var n in message.FieldNumbers) Assert.Equal(message.GetString(n), decoded.GetString(n));
        Assert.Equal(bytes, decoded.Encode());
        return decoded;
    }

    // ---- ISO 8583:1987 ASCII -----------------------------------------------------------------------------------

    private static readonly string Iso87AsciiLike = Packager(AsciiHead + Fields("""
        2 19 IFA_LLNUM
        3 6 IFA_NUMERIC
        4 12 IFA_NUMERIC
        7 10 IFA_NUMERIC
        11 6 IFA_NUMERIC
        12 6 IFA_NUMERIC
        13 4 IFA_NUMERIC
        14 4 IFA_NUMERIC
        18 4 IFA_NUMERIC
        22 3 IFA_NUMERIC
        23 3 IFA_NUMERIC
        25 2 IFA_NUMERIC
        28 9 IFA_AMOUNT
        32 11 IFA_LLNUM
        35 37 IFA_LLNUM
        37 12 IF_CHAR
        38 6 IF_CHAR
        39 2 IF_CHAR
        41 8 IF_CHAR
        42 15 IF_CHAR
        43 40 IF_CHAR
        44 25 IFA_LLCHAR
        45 76 IFA_LLCHAR
        48 999 IFA_LLLCHAR
        49 3 IF_CHAR
        52 8 IFA_BINARY
        53 16 IFA_NUMERIC
        54 120 IFA_LLLCHAR
        55 999 IFA_LLLCHAR
        63 999 IFA_LLLCHAR
        64 8 IFA_BINARY
        70 3 IFA_NUMERIC
        90 42 IFA_NUMERIC
        95 42 IF_CHAR
        100 11 IFA_LLNUM
        102 28 IFA_LLCHAR
        103 28 IFA_LLCHAR
        128 8 IFA_BINARY
        """));

    private static IsoMessage Iso87AsciiSample(Dialect dialect)
    {
        var m = dialect.CreateMessage(new Mti(200));
        m.Set(2, "4111111111111111111");
        m.Set(3, "000000");
        m.Set(4, "000000001500");
        m.Set(7, "0109080646");
        m.Set(11, "100331");
        m.Set(12, "001120");
        m.Set(13, "0909");
        m.Set(14, "2512");
        m.Set(18, "5411");
        m.Set(22, "051");
        m.Set(25, "00");
        m.Set(28, "C00000100");
        m.Set(32, "12345");
        m.Set(35, "4111111111111111=25121010000012300000");
        m.Set(37, "600020000000");
        m.Set(41, "TERM0001");
        m.Set(42, "MERCHANT0000001");
        m.Set(43, "SHOP                    CITY          US");
        m.Set(48, "private data");
        m.Set(49, "840");
        m.Set(52, "0123456789ABCDEF");
        m.Set(53, "2600000000000000");
        m.Set(55, "9F2608ABCDEF");
        m.Set(64, "1122334455667788");
        m.Set(90, "020000331609080645190000000020000000000000");
        m.Set(100, "99");
        m.Set(102, "ACCOUNT-1");
        m.Set(128, "8877665544332211");
        return m;
    }

    [Fact]
    public void Iso87ascii_like_packager_encodes_like_the_builtin_iso87ascii_both_ways()
    {
        var loaded = JposPackagerLoader.Load(Iso87AsciiLike);

        Assert.Equal("jpos", loaded.Name);
        Assert.Equal(FieldEncoding.Ascii, loaded.MtiEncoding);
        Assert.Equal((FieldEncoding.HexAscii, 2), (loaded.Fields.BitmapEncoding, loaded.Fields.MaxBitmaps));
        CrossCheck(Iso87AsciiSample(Dialects.Iso87Ascii), loaded);
        CrossCheck(Iso87AsciiSample(loaded), Dialects.Iso87Ascii);
    }

    [Fact]
    public void Iso87ascii_like_packager_keeps_iso_sensitivity_and_track2_content()
    {
        var loaded = JposPackagerLoader.Load(Iso87AsciiLike);
        Assert.Equal(Sensitivity.Pan, loaded.Fields[2]!.Sensitivity);
        Assert.Equal(Sensitivity.Secret, loaded.Fields[35]!.Sensitivity);
        Assert.Equal(Sensitivity.Secret, loaded.Fields[52]!.Sensitivity);
        Assert.Equal(ContentType.Z, loaded.Fields[35]!.Type);
        Assert.Equal([41, 11], loaded.MatchKeyFields);
        Assert.Equal(90, loaded.OriginalDataField);
        var text = Iso87AsciiSample(loaded).ToString();
        Assert.DoesNotContain("4111111111111111111", text);
        Assert.DoesNotContain("0123456789ABCDEF", text);
    }

    // ---- ISO 8583:1987 binary ----------------------------------------------------------------------------------

    private static readonly string Iso87BinaryLike = Packager(Fields("""
        0 4 IFB_NUMERIC true
        1 16 IFB_BITMAP
        2 19 IFB_LLNUM false
        3 6 IFB_NUMERIC true
        4 12 IFB_NUMERIC true
        7 10 IFB_NUMERIC true
        11 6 IFB_NUMERIC true
        12 6 IFB_NUMERIC true
        13 4 IFB_NUMERIC true
        22 3 IFB_NUMERIC true
        23 3 IFB_NUMERIC true
        25 2 IFB_NUMERIC true
        32 11 IFB_LLNUM false
        35 37 IFB_LLNUM false
        37 12 IF_CHAR
        39 2 IF_CHAR
        41 8 IF_CHAR
        42 15 IF_CHAR
        43 40 IF_CHAR
        44 25 IFB_LLCHAR
        48 999 IFB_LLLCHAR
        49 3 IF_CHAR
        52 8 IFB_BINARY
        53 16 IFB_NUMERIC true
        55 255 IFB_LLLBINARY
        64 8 IFB_BINARY
        70 3 IFB_NUMERIC true
        90 42 IFB_NUMERIC true
        100 11 IFB_LLNUM false
        102 28 IFB_LLCHAR
        128 8 IFB_BINARY
        """));

    private static IsoMessage Iso87BinarySample(Dialect dialect)
    {
        var m = dialect.CreateMessage(new Mti(100));
        m.Set(2, "4111111111111111111");
        m.Set(3, "300000");
        m.Set(4, "000000012345");
        m.Set(7, "1231235959");
        m.Set(11, "000001");
        m.Set(22, "071");
        m.Set(23, "001");
        m.Set(32, "12345");
        m.Set(35, "4111111111111111=2512101");
        m.Set(37, "RRN000000001");
        m.Set(41, "TERM0001");
        m.Set(43, "SHOP");
        m.Set(44, "extra");
        m.Set(48, "private");
        m.Set(49, "978");
        m.Set(52, "0123456789ABCDEF");
        m.Set(55, "9F26080102030405060708820219809F3602001C");
        m.Set(64, "A1A2A3A4A5A6A7A8");
        m.Set(70, "301");
        m.Set(100, "123");
        m.Set(128, "B1B2B3B4B5B6B7B8");
        return m;
    }

    [Fact]
    public void Iso87binary_like_packager_encodes_like_the_builtin_iso87binary_both_ways()
    {
        var loaded = JposPackagerLoader.Load(Iso87BinaryLike);

        Assert.Equal(FieldEncoding.Bcd, loaded.MtiEncoding);
        Assert.Equal((FieldEncoding.Binary, 2), (loaded.Fields.BitmapEncoding, loaded.Fields.MaxBitmaps));
        var decoded = CrossCheck(Iso87BinarySample(Dialects.Iso87Binary), loaded);
        Assert.Equal("4111111111111111=2512101", decoded.GetString(35));
        CrossCheck(Iso87BinarySample(loaded), Dialects.Iso87Binary);
    }

    [Fact]
    public void Bcd_pad_attribute_chooses_left_or_right_nibble_padding()
    {
        var loaded = Load(Fields("""
            0 4 IFB_NUMERIC
            1 8 IFB_BITMAP
            2 19 IFB_LLNUM false
            3 3 IFB_NUMERIC true
            4 3 IFB_NUMERIC
            32 11 IFB_LLHNUM true
            """));
        Assert.Equal(FieldEncoding.BcdRightPadded, loaded.Fields[2]!.Encoding);
        Assert.Equal(FieldEncoding.Bcd, loaded.Fields[3]!.Encoding);
        Assert.Equal(FieldEncoding.BcdRightPadded, loaded.Fields[4]!.Encoding);
        Assert.Equal(1, loaded.Fields.MaxBitmaps);

        var m = loaded.CreateMessage(new Mti(200));
        m.Set(2, "123");
        m.Set(3, "456");
        m.Set(4, "789");
        m.Set(32, "12345");
        Assert.Equal("0200" + "7000000100000000" + "031230" + "0456" + "7890" + "05012345", Convert.ToHexString(m.Encode()));
    }

    [Fact]
    public void Ebcdic_and_mixed_length_classes_write_the_wire_jpos_writes()
    {
        var loaded = Load(Fields("""
            0 4 IFE_NUMERIC
            1 16 IFE_BITMAP
            2 19 IFE_LLNUM
            3 6 IFE_NUMERIC
            32 11 IFEB_LLNUM
            43 40 IFE_CHAR
            44 25 IFB_LLHCHAR
            45 76 IFB_LLHECHAR
            48 999 IFE_LLLCHAR
            60 999 IFA_LLLLLLCHAR
            """));
        Assert.Equal(FieldEncoding.Ebcdic1047, loaded.MtiEncoding);
        Assert.Equal(FieldEncoding.Ebcdic1047, loaded.Fields.BitmapEncoding);
        var m = loaded.CreateMessage(new Mti(200));
        m.Set(2, "41");
        m.Set(32, "1234567F");                                              // IFEB_LLNUM keeps its F-padded BCD as bytes
        m.Set(43, "[]");
        m.Set(44, "ab");
        m.Set(45, "a");
        m.Set(60, "x");
        var bytes = m.Encode();
        var expected =
            "F0F2F0F0" +                                                    // MTI in EBCDIC
            "F4F0F0F0F0F0F0F1F0F0F3F8F0F0F1F0" +                            // bitmap "4000000100380010" in EBCDIC
            "F0F2F4F1" +                                                    // 2: LL 02 "41"
            "F0F4" + "1234567F" +                                           // 32: EBCDIC length in bytes, BCD F-padded
            "ADBD" + string.Concat(Enumerable.Repeat("40", 38)) +           // 43: CP1047 "[]" and spaces
            "02" + "6162" +                                                 // 44: binary length, ASCII
            "01" + "81" +                                                   // 45: binary length, EBCDIC
            "303030303031" + "78";                                          // 60: six ASCII length digits
        Assert.Equal(expected, Convert.ToHexString(bytes));
        Assert.Equal(bytes, loaded.Decode(bytes).Encode());
    }

    [Fact]
    public void Bcd_amount_is_kept_as_its_raw_sign_byte_and_digits()
    {
        var loaded = Load(Fields("""
            0 4 IFB_NUMERIC
            1 8 IFB_BITMAP
            28 9 IFB_AMOUNT true
            """));
        var spec = loaded.Fields[28]!;
        Assert.Equal((ContentType.B, FieldEncoding.Binary, 5), (spec.Type, spec.Encoding, spec.MaxLength));
        var m = loaded.CreateMessage(new Mti(200));
        m.Set(28, "4300000100");                                            // 'C' then 00000100
        Assert.Equal("0200" + "0000001000000000" + "4300000100", Convert.ToHexString(m.Encode()));
    }

    [Theory]
    [InlineData("IF_CHAR", null, 10, ContentType.Ans, FieldEncoding.Ascii, 0, FieldEncoding.Ascii, 10)]
    [InlineData("IFA_NUMERIC", null, 10, ContentType.N, FieldEncoding.Ascii, 0, FieldEncoding.Ascii, 10)]
    [InlineData("IFA_AMOUNT", null, 9, ContentType.Ans, FieldEncoding.Ascii, 0, FieldEncoding.Ascii, 9)]
    [InlineData("IFA_LLNUM", null, 19, ContentType.N, FieldEncoding.Ascii, 2, FieldEncoding.Ascii, 19)]
    [InlineData("IFA_LLLNUM", null, 200, ContentType.N, FieldEncoding.Ascii, 3, FieldEncoding.Ascii, 200)]
    [InlineData("IFA_LLCHAR", null, 99, ContentType.Ans, FieldEncoding.Ascii, 2, FieldEncoding.Ascii, 99)]
    [InlineData("IFA_LLLCHAR", null, 999, ContentType.Ans, FieldEncoding.Ascii, 3, FieldEncoding.Ascii, 999)]
    [InlineData("IFA_LLLLCHAR", null, 9999, ContentType.Ans, FieldEncoding.Ascii, 4, FieldEncoding.Ascii, 9999)]
    [InlineData("IFA_LLLLLCHAR", null, 99999, ContentType.Ans, FieldEncoding.Ascii, 5, FieldEncoding.Ascii, 99999)]
    [InlineData("IFA_LLLLLLCHAR", null, 999999, ContentType.Ans, FieldEncoding.Ascii, 6, FieldEncoding.Ascii, 999999)]
    [InlineData("IFA_BINARY", null, 8, ContentType.B, FieldEncoding.HexAscii, 0, FieldEncoding.Ascii, 8)]
    [InlineData("IFA_LLBINARY", null, 48, ContentType.B, FieldEncoding.Binary, 2, FieldEncoding.Ascii, 48)]
    [InlineData("IFA_LLLBINARY", null, 255, ContentType.B, FieldEncoding.Binary, 3, FieldEncoding.Ascii, 255)]
    [InlineData("IFA_LLLLLLBINARY", null, 999999, ContentType.B, FieldEncoding.Binary, 6, FieldEncoding.Ascii, 999999)]
    [InlineData("IFB_NUMERIC", "true", 6, ContentType.N, FieldEncoding.Bcd, 0, FieldEncoding.Ascii, 6)]
    [InlineData("IFB_NUMERIC", "false", 6, ContentType.N, FieldEncoding.BcdRightPadded, 0, FieldEncoding.Ascii, 6)]
    [InlineData("IFB_LLNUM", "true", 19, ContentType.N, FieldEncoding.Bcd, 2, FieldEncoding.Bcd, 19)]
    [InlineData("IFB_LLLNUM", null, 104, ContentType.N, FieldEncoding.BcdRightPadded, 3, FieldEncoding.Bcd, 104)]
    [InlineData("IFB_LLHNUM", "true", 19, ContentType.N, FieldEncoding.Bcd, 2, FieldEncoding.Binary, 19)]
    [InlineData("IFB_BINARY", null, 8, ContentType.B, FieldEncoding.Binary, 0, FieldEncoding.Ascii, 8)]
    [InlineData("IFB_LLBINARY", null, 99, ContentType.B, FieldEncoding.Binary, 2, FieldEncoding.Bcd, 99)]
    [InlineData("IFB_LLLBINARY", null, 999, ContentType.B, FieldEncoding.Binary, 3, FieldEncoding.Bcd, 999)]
    [InlineData("IFB_LLHBINARY", null, 255, ContentType.B, FieldEncoding.Binary, 2, FieldEncoding.Binary, 255)]
    [InlineData("IFB_LLCHAR", null, 99, ContentType.Ans, FieldEncoding.Ascii, 2, FieldEncoding.Bcd, 99)]
    [InlineData("IFB_LLLCHAR", null, 999, ContentType.Ans, FieldEncoding.Ascii, 3, FieldEncoding.Bcd, 999)]
    [InlineData("IFB_LLHCHAR", null, 255, ContentType.Ans, FieldEncoding.Ascii, 2, FieldEncoding.Binary, 255)]
    [InlineData("IFB_AMOUNT", "true", 9, ContentType.B, FieldEncoding.Binary, 0, FieldEncoding.Ascii, 5)]
    [InlineData("IFE_CHAR", null, 40, ContentType.Ans, FieldEncoding.Ebcdic1047, 0, FieldEncoding.Ascii, 40)]
    [InlineData("IFE_NUMERIC", null, 6, ContentType.N, FieldEncoding.Ebcdic1047, 0, FieldEncoding.Ascii, 6)]
    [InlineData("IFE_LLCHAR", null, 99, ContentType.Ans, FieldEncoding.Ebcdic1047, 2, FieldEncoding.Ebcdic1047, 99)]
    [InlineData("IFE_LLLCHAR", null, 999, ContentType.Ans, FieldEncoding.Ebcdic1047, 3, FieldEncoding.Ebcdic1047, 999)]
    [InlineData("IFE_LLNUM", null, 19, ContentType.N, FieldEncoding.Ebcdic1047, 2, FieldEncoding.Ebcdic1047, 19)]
    [InlineData("IFEB_LLNUM", null, 11, ContentType.B, FieldEncoding.Binary, 2, FieldEncoding.Ebcdic1047, 6)]
    public void Class_table_maps_each_jpos_class(string className, string? pad, int length,
        ContentType type, FieldEncoding encoding, int digits, FieldEncoding prefixEncoding, int maxLength)
    {
        var padAttribute = pad is null ? "" : $" {pad}";
        var loaded = Load(AsciiHead + Fields($"48 {length} {className}{padAttribute}"));
        var spec = loaded.Fields[48]!;
        var prefix = digits == 0 ? LengthPrefix.Fixed : new LengthPrefix(digits, prefixEncoding);
        Assert.Equal((type, encoding, prefix, maxLength), (spec.Type, spec.Encoding, spec.Prefix, spec.MaxLength));
        Assert.Equal("F48", spec.Name);
    }

    [Fact]
    public void Bitmap_length_sets_the_number_of_bitmaps()
    {
        Assert.Equal(1, Load(Fields("0 4 IFA_NUMERIC\n1 8 IFA_BITMAP\n2 19 IFA_LLNUM")).Fields.MaxBitmaps);
        Assert.Equal(2, Load(Fields("0 4 IFA_NUMERIC\n1 16 IFA_BITMAP\n2 19 IFA_LLNUM")).Fields.MaxBitmaps);
        var three = Load(Fields("0 4 IFA_NUMERIC\n1 24 IFA_BITMAP\n2 19 IFA_LLNUM\n130 3 IFA_NUMERIC"));
        Assert.Equal(3, three.Fields.MaxBitmaps);
        var m = three.CreateMessage(new Mti(200));
        m.Set(130, "7");
        Assert.Equal("0200" + "8000000000000000" + "8000000000000000" + "4000000000000000" + "007", Encoding.ASCII.GetString(m.Encode()));
    }

    // ---- Postilion DE 127 ----------------------------------------------------------------------------------------

    private static readonly string PostpackLike = Packager(Fields("""
        0 4 IFA_NUMERIC
        1 16 IFB_BITMAP
        2 19 IFA_LLNUM
        3 6 IFA_NUMERIC
        4 12 IFA_NUMERIC
        7 10 IFA_NUMERIC
        11 6 IFA_NUMERIC
        12 6 IFA_NUMERIC
        13 4 IFA_NUMERIC
        22 3 IFA_NUMERIC
        25 2 IFA_NUMERIC
        32 11 IFA_LLNUM
        35 37 IFA_LLNUM
        37 12 IF_CHAR
        39 2 IF_CHAR
        41 8 IF_CHAR
        42 15 IF_CHAR
        49 3 IF_CHAR
        52 8 IFB_BINARY
        53 48 IFB_BINARY
        64 8 IFA_BINARY
        100 11 IFA_LLNUM
        102 28 IFA_LLCHAR
        123 999 IFA_LLLCHAR
        """) + """
          <isofieldpackager id="127" length="999999" name="POSTILION PRIVATE" class="org.jpos.iso.IFA_LLLLLLBINARY"
              packager="org.jpos.iso.packager.GenericSubFieldPackager">
        """ + Fields("""
            0 0 IF_CHAR
            1 8 IFB_BITMAP
            2 32 IFA_LLCHAR
            3 48 IF_CHAR
            4 22 IF_CHAR
            6 2 IFA_NUMERIC
            9 255 IFA_LLLCHAR
            10 3 IFA_NUMERIC
            12 25 IFA_LLCHAR
            13 17 IF_CHAR
            20 8 IFA_NUMERIC
            22 99999 IFA_LLLLLCHAR
            """) + """
            <isofieldpackager id="25" length="8000" name="ICC DATA" class="org.jpos.iso.IFA_LLLLBINARY"
                packager="org.jpos.iso.packager.GenericSubFieldPackager" emitBitmap="true">
        """ + Fields("""
                0 0 IF_CHAR
                1 8 IFB_BITMAP
                2 12 IFA_NUMERIC
                3 12 IFA_NUMERIC
                4 32 IFA_LLCHAR
                5 4 IF_CHAR
                12 16 IF_CHAR
                13 2 IF_CHAR
                15 6 IF_CHAR
                22 3 IFA_NUMERIC
                26 3 IFA_NUMERIC
                27 6 IFA_NUMERIC
                30 8 IF_CHAR
            """) + """
            </isofieldpackager>
          </isofieldpackager>
        """);

    private static IsoMessage PostilionSample(Dialect dialect)
    {
        var m = dialect.CreateMessage(new Mti(200));
        m.Set(2, "5200000000000007");
        m.Set(3, "000000");
        m.Set(4, "000000010000");
        m.Set(7, "0612101010");
        m.Set(11, "000777");
        m.Set(41, "ATM00001");
        m.Set(49, "710");
        m.Set(52, "0102030405060708");
        m.Set(64, "0F0E0D0C0B0A0908");
        m.Set("127.2", "SWITCHKEY-0001");
        m.Set("127.3", "ROUTE");
        m.Set("127.10", "123");
        m.Set("127.22", "<Structured>data</Structured>");
        m.Set("127.25.2", "000000010000");
        m.Set("127.25.4", "A0000000041010");
        m.Set("127.25.12", "0123456789ABCDEF");
        m.Set("127.25.26", "710");
        return m;
    }

    [Fact]
    public void Postpack_like_packager_reads_and_writes_de127_like_the_builtin_postilion()
    {
        var loaded = JposPackagerLoader.Load(PostpackLike, "postpack");
        var p127 = loaded.Fields[127]!;
        Assert.Equal((ContentType.B, FieldEncoding.Binary, new LengthPrefix(6, FieldEncoding.Ascii)), (p127.Type, p127.Encoding, p127.Prefix));
        var nested = Assert.IsType<BitmappedSubfields>(p127.Composite).Fields;
        Assert.Equal((FieldEncoding.Binary, 1), (nested.BitmapEncoding, nested.MaxBitmaps));
        Assert.Null(nested[1]);
        var icc = Assert.IsType<BitmappedSubfields>(nested[25]!.Composite).Fields;
        Assert.Equal(new LengthPrefix(4, FieldEncoding.Ascii), nested[25]!.Prefix);
        Assert.NotNull(icc[26]);

        var fromBuiltin = CrossCheck(PostilionSample(Dialects.Postilion), loaded);
        Assert.Equal("SWITCHKEY-0001", fromBuiltin.Get("127.2"));
        Assert.Equal("ROUTE".PadRight(48), fromBuiltin.Get("127.3"));
        Assert.Equal("000000010000", fromBuiltin.Get("127.25.2"));
        Assert.Equal("A0000000041010", fromBuiltin.Get("127.25.4"));
        Assert.Equal("710", fromBuiltin.Get("127.25.26"));
        Assert.Null(fromBuiltin.Get("127.25.3"));

        var fromLoaded = CrossCheck(PostilionSample(loaded), Dialects.Postilion);
        Assert.Equal("SWITCHKEY-0001", fromLoaded.Get("127.2"));
        Assert.Equal("0123456789ABCDEF", fromLoaded.Get("127.25.12"));
        Assert.Equal("<Structured>data</Structured>", fromLoaded.Get("127.22"));
    }

    [Fact]
    public void Postpack_like_packager_updates_nested_subfields_in_place()
    {
        var loaded = JposPackagerLoader.Load(PostpackLike);
        var m = PostilionSample(loaded);
        m.Set("127.25.4", null);
        m.Set("127.2", "OTHER");
        var builtin = Dialects.Postilion.Decode(m.Encode());
        Assert.Null(builtin.Get("127.25.4"));
        Assert.Equal("OTHER", builtin.Get("127.2"));
        Assert.Equal("000000010000", builtin.Get("127.25.2"));
    }

    [Fact]
    public void Packager_without_bitmap_gives_positional_subfields()
    {
        var loaded = Load(AsciiHead + """
              <isofieldpackager id="90" length="42" name="ORIGINAL DATA" class="org.jpos.iso.IFA_NUMERIC"
                  packager="org.jpos.iso.packager.GenericSubFieldPackager" emitBitmap="false">
            """ + Fields("""
                1 4 IFA_NUMERIC
                2 6 IFA_NUMERIC
                3 10 IFA_NUMERIC
                4 11 IFA_NUMERIC
                5 11 IFA_NUMERIC
            """) + """
              </isofieldpackager>
              <isofieldpackager id="48" length="999" name="ADDITIONAL" class="org.jpos.iso.IFA_LLLCHAR"
                  packager="org.jpos.iso.packager.GenericSubFieldPackager" emitBitmap="false" firstField="0">
            """ + Fields("""
                0 2 IF_CHAR
                1 3 IFA_NUMERIC
            """) + """
              </isofieldpackager>
            """);
        var p90 = Assert.IsType<PositionalSubfields>(loaded.Fields[90]!.Composite);
        Assert.Equal([4, 6, 10, 11, 11], p90.Subfields.Select(s => s.Length));
        Assert.Equal("F1", p90.Subfields[0].Name);
        var p48 = Assert.IsType<PositionalSubfields>(loaded.Fields[48]!.Composite);
        Assert.Equal([2, 3], p48.Subfields.Select(s => s.Length));

        var m = loaded.CreateMessage(new Mti(420));
        m.Set(90, "020000331609080645190000000020000000000000");
        m.Set(48, "AB123");
        var decoded = loaded.Decode(m.Encode());
        Assert.Equal("003316", decoded.Get("90.2"));
        Assert.Equal("AB", decoded.Get("48.1"));
        Assert.Equal("123", decoded.Get("48.2"));
    }

    [Fact]
    public void Loads_from_a_file_honouring_its_declared_encoding()
    {
        var path = Path.Combine(Path.GetTempPath(), $"jpos-{Guid.NewGuid():N}.xml");
        try
        {
            var xml = Packager(AsciiHead + Fields("43 40 IF_CHAR")).Replace("<isofield id=\"43\" length=\"40\" name=\"F43\"", "<isofield id=\"43\" length=\"40\" name=\"Ville/Localité\"")
                .Replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
            File.WriteAllBytes(path, Encoding.Latin1.GetBytes(xml));
            var loaded = JposPackagerLoader.LoadFile(path);
            Assert.Equal(Path.GetFileNameWithoutExtension(path), loaded.Name);
            Assert.Equal("Ville/Localité", loaded.Fields[43]!.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // ---- errors and security -------------------------------------------------------------------------------------

    [Fact]
    public void Unknown_class_is_named_with_its_field_id()
    {
        var message = LoadError(Packager(AsciiHead + Fields("48 999 IFX_LLLSOMETHING")));
        Assert.Contains("field 48", message);
        Assert.Contains("unknown class org.jpos.iso.IFX_LLLSOMETHING", message);
    }

    [Fact]
    public void Unknown_class_in_a_subfield_is_named_with_its_path()
    {
        var message = LoadError(Packager(AsciiHead + """
            <isofieldpackager id="127" length="999" name="P" class="org.jpos.iso.IFA_LLLBINARY" packager="x.Sub">
              <isofield id="1" length="8" name="BITMAP" class="org.jpos.iso.IFB_BITMAP"/>
              <isofield id="3" length="8" name="X" class="com.bank.iso.IF_FANCY"/>
            </isofieldpackager>
            """));
        Assert.Contains("field 127.3", message);
        Assert.Contains("unknown class com.bank.iso.IF_FANCY", message);
    }

    [Fact]
    public void Duplicate_id_is_an_error()
    {
        var message = LoadError(Packager(AsciiHead + Fields("11 6 IFA_NUMERIC\n11 6 IFA_NUMERIC")));
        Assert.Contains("field 11", message);
        Assert.Contains("defined twice", message);
    }

    [Theory]
    [InlineData("<isopackager><isofield id=\"0\" length=\"4\" name=\"MTI\" class=\"org.jpos.iso.IFA_NUMERIC\"></isopackager>")]
    [InlineData("<isopackager>")]
    [InlineData("")]
    [InlineData("not xml")]
    public void Malformed_xml_is_a_format_error(string xml) =>
        Assert.Contains("malformed XML", LoadError(xml));

    [Theory]
    [InlineData("""<isofield length="6" name="X" class="org.jpos.iso.IFA_NUMERIC"/>""", "no id attribute")]
    [InlineData("""<isofield id="11" name="X" class="org.jpos.iso.IFA_NUMERIC"/>""", "no length attribute")]
    [InlineData("""<isofield id="11" length="6" name="X"/>""", "no class attribute")]
    [InlineData("""<isofield id="11" length="six" name="X" class="org.jpos.iso.IFA_NUMERIC"/>""", "length=\"six\"")]
    [InlineData("""<isofield id="eleven" length="6" name="X" class="org.jpos.iso.IFA_NUMERIC"/>""", "id 'eleven'")]
    [InlineData("""<isofield id="11" length="6" name="X" class="org.jpos.iso.IFB_NUMERIC" pad="yes"/>""", "pad=\"yes\"")]
    [InlineData("""<isofieldpackager id="127" length="999" name="X" class="org.jpos.iso.IFA_LLLBINARY"/>""", "packager attribute")]
    [InlineData("""<isofield id="48" length="999" name="X" class="org.jpos.iso.IFA_LLCHAR"/>""", "does not fit")]
    [InlineData("""<field id="48"/>""", "unexpected element <field>")]
    public void Missing_or_bad_attributes_are_errors(string element, string expected) =>
        Assert.Contains(expected, LoadError(Packager(AsciiHead + element + "\n")));

    [Fact]
    public void Missing_mti_or_bitmap_is_an_error()
    {
        Assert.Contains("field 0", LoadError(Packager(Fields("1 16 IFA_BITMAP\n2 19 IFA_LLNUM"))));
        Assert.Contains("field 1", LoadError(Packager(Fields("0 4 IFA_NUMERIC\n2 19 IFA_LLNUM"))));
        Assert.Contains("field 1", LoadError(Packager(Fields("0 4 IFA_NUMERIC\n1 16 IFA_NUMERIC"))));
        Assert.Contains("field 1", LoadError(Packager(Fields("0 4 IFA_NUMERIC\n1 12 IFA_BITMAP"))));
        Assert.Contains("field 0", LoadError(Packager(Fields("0 4 IFA_LLNUM\n1 16 IFA_BITMAP"))));
        Assert.Contains("field 0", LoadError(Packager(Fields("0 2 IFA_NUMERIC\n1 16 IFA_BITMAP"))));
        Assert.Contains("<isopackager>", LoadError("<packager/>"));
    }

    [Theory]
    [InlineData(" headerLength=\"5\"", "headerLength")]
    [InlineData(" emitBitmap=\"false\"", "emitBitmap")]
    [InlineData(" thirdBitmapField=\"65\"", "thirdBitmapField")]
    [InlineData(" bitmapField=\"2\"", "bitmapField")]
    public void Layouts_the_model_cannot_express_are_refused(string attributes, string expected) =>
        Assert.Contains(expected, LoadError(Packager(AsciiHead, attributes)));

    [Fact]
    public void Positional_subfields_must_be_fixed_ascii_and_without_gaps()
    {
        const string open = """<isofieldpackager id="48" length="999" name="X" class="org.jpos.iso.IFA_LLLCHAR" packager="p" emitBitmap="false">""";
        Assert.Contains("field 48.2", LoadError(Packager(AsciiHead + open + Fields("1 2 IF_CHAR\n2 9 IFA_LLCHAR") + "</isofieldpackager>")));
        Assert.Contains("field 48.2", LoadError(Packager(AsciiHead + open + Fields("1 2 IF_CHAR\n2 4 IFB_NUMERIC") + "</isofieldpackager>")));
        Assert.Contains("field 48.2: is missing", LoadError(Packager(AsciiHead + open + Fields("1 2 IF_CHAR\n3 4 IF_CHAR") + "</isofieldpackager>")));
    }

    [Fact]
    public void Bitmapped_packager_needs_its_bitmap_subfield()
    {
        var message = LoadError(Packager(AsciiHead + """
            <isofieldpackager id="127" length="999" name="P" class="org.jpos.iso.IFA_LLLBINARY" packager="p">
              <isofield id="2" length="8" name="X" class="org.jpos.iso.IF_CHAR"/>
            </isofieldpackager>
            """));
        Assert.Contains("field 127", message);
        Assert.Contains("no subfield 1", message);
    }

    [Fact]
    public void External_entities_are_never_resolved()
    {
        var secret = Path.Combine(Path.GetTempPath(), $"secret-{Guid.NewGuid():N}.txt");
        File.WriteAllText(secret, "TOP-SECRET");
        try
        {
            var xml = $"""
                <?xml version="1.0"?>
                <!DOCTYPE isopackager [ <!ENTITY leak SYSTEM "file://{secret}"> ]>
                <isopackager>
                  <isofield id="0" length="4" name="&leak;" class="org.jpos.iso.IFA_NUMERIC"/>
                  <isofield id="1" length="16" name="BITMAP" class="org.jpos.iso.IFA_BITMAP"/>
                </isopackager>
                """;
            var message = LoadError(xml);
            Assert.DoesNotContain("TOP-SECRET", message);
            Assert.Contains("malformed XML", message);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void Doctype_with_unreachable_dtd_is_ignored()
    {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE isopackager SYSTEM \"http://invalid.example/never-fetched.dtd\">\n<isopackager>" + AsciiHead + "</isopackager>";
        var loaded = JposPackagerLoader.Load(xml);
        Assert.Equal(FieldEncoding.HexAscii, loaded.Fields.BitmapEncoding);
    }
}
