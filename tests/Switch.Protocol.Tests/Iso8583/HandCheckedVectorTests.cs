using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583;

/// <summary>Messages whose bytes were worked out by hand, nibble by nibble, from the dialects' definitions.</summary>
public class HandCheckedVectorTests
{
    // 0200 in iso87binary: MTI in BCD; binary bitmap for fields 2, 3, 4, 11, 35, 41, 55; PAN and track 2 with a
    // BCD length byte and right-padded BCD digits (track separator = nibble D); DE 41 in ASCII; DE 55 with a
    // two-byte BCD length and two EMV data objects (9F26 cryptogram, 9F27 cryptogram information data).
    private const string Iso87BinaryPurchase =
        "0200" + "7020000020800200" +
        "16" + "4761739001010010" +
        "000000" + "000000001000" + "000123" +
        "21" + "4761739001010010D25120" +
        "5445524D30303031" +
        "0015" + "9F26080102030405060708" + "9F270180";

    // 0200 in postilion: ASCII MTI and fields, binary primary + secondary bitmap (fields 3, 4, 11, 41, 127);
    // DE 127 = "000049" + its own bitmap (127.2, 127.25) + 127.2 "13SWITCHKEY0001" + 127.25 = "0022" + a bitmap of
    // its own (127.25.2, 127.25.13) + "000000001000" + "80".
    private const string PostilionPurchase =
        "30323030" + "B020000000800000" + "0000000000000002" +
        "303030303030" + "303030303030303031303030" + "303030313233" + "5445524D30303031" +
        "303030303439" + "4000008000000000" +
        "3133" + "5357495443484B455930303031" +
        "30303232" + "4008000000000000" + "303030303030303031303030" + "3830";

    [Fact]
    public void Iso87binary_purchase_decodes_from_hand_written_bytes()
    {
        var bytes = Convert.FromHexString(Iso87BinaryPurchase);

        var m = Dialects.Iso87Binary.Decode(bytes);

        Assert.Equal(new Mti(200), m.Mti);
        Assert.Equal([2, 3, 4, 11, 35, 41, 55], m.FieldNumbers);
        Assert.Equal("4761739001010010", m.Pan);
        Assert.Equal("000000", m.ProcessingCode);
        Assert.Equal(1000, m.Amount);
        Assert.Equal("000123", m.Stan);
        Assert.Equal("4761739001010010=2512", m.GetString(35));
        Assert.Equal("TERM0001", m.TerminalId);
        Assert.Equal("0102030405060708", m.Get("55.9F26"));
        Assert.Equal("80", m.Get("55.9F27"));
        Assert.Null(m.Get("55.9F10"));
        Assert.Equal(bytes, m.Encode());
    }

    [Fact]
    public void Iso87binary_purchase_built_field_by_field_gives_the_hand_written_bytes()
    {
        var m = Dialects.Iso87Binary.CreateMessage(new Mti(200));
        m.Pan = "4761739001010010";
        m.ProcessingCode = "000000";
        m.Amount = 1000;
        m.Stan = "123";
        m.Set(35, "4761739001010010D2512");
        m.TerminalId = "TERM0001";
        m.Set("55.9F26", "0102030405060708");
        m.Set("55.9F27", "80");

        Assert.Equal(Iso87BinaryPurchase, Convert.ToHexString(m.Encode()));
    }

    [Fact]
    public void Odd_digit_counts_pad_on_the_side_the_encoding_names()
    {
        var fields = new FieldSetSpec(FieldEncoding.Binary, 1,
        [
            new FieldSpec(2, "left", ContentType.N, FieldEncoding.Bcd, LengthPrefix.Fixed, 3),
            new FieldSpec(3, "right 0", ContentType.N, FieldEncoding.BcdRightPadded, LengthPrefix.Fixed, 3),
            new FieldSpec(4, "right F", ContentType.N, FieldEncoding.BcdRightPaddedF, new LengthPrefix(2, FieldEncoding.Bcd), 19),
        ]);
        var dialect = new Dialect("odd", "odd BCD", FieldEncoding.Bcd, fields, matchKeyFields: []);
        var m = dialect.CreateMessage(new Mti(800));
        m.Set(2, "123");
        m.Set(3, "123");
        m.Set(4, "12345");

        var hex = Convert.ToHexString(m.Encode());

        Assert.Equal("0800" + "7000000000000000" + "0123" + "1230" + "05" + "12345F", hex);
        var back = dialect.Decode(Convert.FromHexString(hex));
        Assert.Equal(["123", "123", "12345"], back.FieldNumbers.Select(n => back.GetString(n)));
    }

    [Fact]
    public void Postilion_127_and_127_25_nested_bitmaps_decode_from_hand_written_bytes()
    {
        var bytes = Convert.FromHexString(PostilionPurchase);

        var m = Dialects.Postilion.Decode(bytes);

        Assert.Equal([3, 4, 11, 41, 127], m.FieldNumbers);
        Assert.Equal("SWITCHKEY0001", m.Get("127.2"));
        Assert.Equal("000000001000", m.Get("127.25.2"));
        Assert.Equal("80", m.Get("127.25.13"));
        Assert.Null(m.Get("127.3"));
        Assert.Null(m.Get("127.25.3"));
        Assert.Equal(bytes, m.Encode());
    }

    [Fact]
    public void Postilion_127_built_by_paths_gives_the_hand_written_bytes()
    {
        var m = Dialects.Postilion.CreateMessage(new Mti(200));
        m.ProcessingCode = "000000";
        m.Amount = 1000;
        m.Stan = "000123";
        m.TerminalId = "TERM0001";
        m.Set("127.25.13", "80");
        m.Set("127.2", "SWITCHKEY0001");
        m.Set("127.25.2", "1000");

        Assert.Equal(PostilionPurchase, Convert.ToHexString(m.Encode()));
    }

    [Fact]
    public void Tlv_long_form_lengths_and_multi_byte_tags_round_trip()
    {
        var m = Dialects.Iso87Binary.CreateMessage(new Mti(100));
        var script = new string('A', 2 * 200);
        m.Set("55.9F10", "0110A00003220000");
        m.Set("55.9F5B", script);

        var value = Convert.ToHexString(m.TryGet(55, out var raw) ? raw : default);
        Assert.StartsWith("9F10080110A00003220000" + "9F5B81C8", value);

        var back = Dialects.Iso87Binary.Decode(m.Encode());
        Assert.Equal(script, back.Get("55.9F5B"));
        back.Set("55.9F10", null);
        Assert.Null(back.Get("55.9F10"));
        Assert.Equal(script, back.Get("55.9F5B"));
    }

    [Theory]
    [InlineData(FieldEncoding.Ebcdic037)]
    [InlineData(FieldEncoding.Ebcdic500)]
    [InlineData(FieldEncoding.Ebcdic1047)]
    public void Ebcdic_fields_prefixes_and_bitmaps_use_the_code_page(FieldEncoding page)
    {
        var fields = new FieldSetSpec(page, 2,
        [
            new FieldSpec(2, "PAN", ContentType.N, page, new LengthPrefix(2, page), 19),
            new FieldSpec(41, "TID", ContentType.Ans, page, LengthPrefix.Fixed, 8),
            new FieldSpec(70, "NMIC", ContentType.N, page, LengthPrefix.Fixed, 3),
        ]);
        var dialect = new Dialect("ebcdic", "EBCDIC", page, fields, matchKeyFields: []);
        var m = dialect.CreateMessage(new Mti(800));
        m.Pan = "4761739001010010";
        m.TerminalId = "Term [1]";
        m.Set(70, "301");

        var bytes = m.Encode();

        // Digits are F0-F9 and capital letters C1-E9 in every EBCDIC code page; '[' differs between them.
        Assert.Equal("F0F8F0F0", Convert.ToHexString(bytes[..4]));
        Assert.Equal("F1F6F4F7F6F1", Convert.ToHexString(bytes[36..42]));
        var back = dialect.Decode(bytes);
        Assert.Equal("Term [1]", back.TerminalId);
        Assert.Equal("301", back.GetString(70));
        Assert.Equal(bytes, back.Encode());
    }

    [Fact]
    public void Tertiary_bitmap_carries_fields_above_128()
    {
        var fields = new FieldSetSpec(FieldEncoding.HexAscii, 3,
        [
            new FieldSpec(3, "PC", ContentType.N, FieldEncoding.Ascii, LengthPrefix.Fixed, 6),
            new FieldSpec(130, "Far field", ContentType.Ans, FieldEncoding.Ascii, new LengthPrefix(3, FieldEncoding.Ascii), 999),
        ]);
        var dialect = new Dialect("t", "tertiary", FieldEncoding.Ascii, fields, matchKeyFields: []);
        var m = dialect.CreateMessage(new Mti(200));
        m.Set(3, "000000");
        m.Set(130, "far");

        var text = System.Text.Encoding.ASCII.GetString(m.Encode());

        Assert.Equal("0200" + "A000000000000000" + "8000000000000000" + "4000000000000000" + "000000" + "003far", text);
        Assert.Equal("far", dialect.Decode(m.Encode()).GetString(130));
    }
}
