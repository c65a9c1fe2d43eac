using System.Text;
using System.Text.Json;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583.Loaders;

public class MoovSpecLoaderTests
{
    private static string SpecPath => Path.Combine(Vectors.Moov, "spec87ascii.json");

    private static byte[] Ascii(string s) => Encoding.Latin1.GetBytes(s);

    // ---- the published spec and vector ------------------------------------------------------------------------

    [Fact]
    public void Published_spec87ascii_decodes_the_reversal_vector_to_exactly_the_published_fields_and_reencodes_byte_for_byte() =>
        MoovVectorTests.AssertDecodesReversalVector(MoovSpecLoader.LoadFile(SpecPath));

    [Fact]
    public void Published_spec87ascii_maps_to_the_shape_of_the_builtin_iso87ascii()
    {
        var dialect = MoovSpecLoader.LoadFile(SpecPath);

        Assert.Equal("spec87ascii", dialect.Name);
        Assert.Contains("ISO 8583 v1987 ASCII", dialect.Description);
        Assert.Equal(FieldEncoding.Ascii, dialect.MtiEncoding);
        Assert.Equal(FieldEncoding.HexAscii, dialect.Fields.BitmapEncoding);
        Assert.Equal(2, dialect.Fields.MaxBitmaps);
        Assert.Equal([41, 11], dialect.MatchKeyFields);
        Assert.Equal(90, dialect.OriginalDataField);

        var pan = dialect.Fields[2]!;
        Assert.Equal((ContentType.Ans, FieldEncoding.Ascii, new LengthPrefix(2, FieldEncoding.Ascii), 19, Sensitivity.Pan),
            (pan.Type, pan.Encoding, pan.Prefix, pan.MaxLength, pan.Sensitivity));
        var processing = dialect.Fields[3]!;
        Assert.Equal((ContentType.N, LengthPrefix.Fixed, 6, new Padding(PaddingSide.Left, (byte)'0')),
            (processing.Type, processing.Prefix, processing.MaxLength, processing.Padding));
        var amount = dialect.Fields[4]!;
        Assert.Equal((ContentType.Ans, new Padding(PaddingSide.Left, (byte)'0')), (amount.Type, amount.Padding));
        var pin = dialect.Fields[52]!;
        Assert.Equal((ContentType.B, FieldEncoding.HexAscii, LengthPrefix.Fixed, 8, Sensitivity.Secret),
            (pin.Type, pin.Encoding, pin.Prefix, pin.MaxLength, pin.Sensitivity));
        Assert.Equal(Sensitivity.Secret, dialect.Fields[35]!.Sensitivity);
        Assert.Equal(new LengthPrefix(3, FieldEncoding.Ascii), dialect.Fields[55]!.Prefix);
        Assert.Null(dialect.Fields[65]);
    }

    [Fact]
    public void Published_spec87ascii_encodes_like_the_builtin_iso87ascii()
    {
        var loaded = MoovSpecLoader.LoadFile(SpecPath);
        var builtin = Dialects.Iso87Ascii.CreateMessage(new Mti(200));
        builtin.Set(2, "4111111111111111");
        builtin.Set(3, "000000");
        builtin.Set(4, "000000001500");
        builtin.Set(7, "0109080646");
        builtin.Set(11, "123456");
        builtin.Set(32, "12345");
        builtin.Set(41, "TERM0001");
        builtin.Set(52, "0123456789ABCDEF");
        builtin.Set(55, "9F2608ABCDEF");
        builtin.Set(64, "1122334455667788");
        builtin.Set(90, "020000331609080645190000000020000000000000");
        var bytes = builtin.Encode();

        var decoded = loaded.Decode(bytes);

        Assert.Equal(builtin.FieldNumbers, decoded.FieldNumbers);
        foreach (var n in builtin.FieldNumbers) Assert.Equal(builtin.GetString(n), decoded.GetString(n));
        Assert.Equal(bytes, decoded.Encode());
    }

    [Fact]
    public void Published_spec87ascii_treats_every_vector_as_the_builtin_does_except_fields_it_does_not_define()
    {
        var loaded = MoovSpecLoader.LoadFile(SpecPath);
        foreach (var file in Directory.GetFiles(Vectors.Moov, "*.dat").Order())
        {
            var bytes = File.ReadAllBytes(file);
            IsoMessage? builtin = null, fromSpec = null;
            Exception? builtinError = null, specError = null;
            try { builtin = Dialects.Iso87Ascii.Decode(bytes); } catch (IsoFormatException e) { builtinError = e; }
            try { fromSpec = loaded.Decode(bytes); } catch (IsoFormatException e) { specError = e; }

            if (specError is IsoFormatException { Reason: var reason } undefined && reason.Contains("not defined by the dialect"))
            {
                Assert.Null(loaded.Fields[int.Parse(undefined.Field)]);
                continue;
            }
            Assert.True((builtinError is null) == (specError is null), $"{Path.GetFileName(file)}: {builtinError?.Message} / {specError?.Message}");
            if (fromSpec is null) continue;
            Assert.Equal(builtin!.FieldNumbers, fromSpec.FieldNumbers);
            foreach (var n in builtin.FieldNumbers) Assert.Equal(builtin.GetString(n), fromSpec.GetString(n));
            Assert.Equal(bytes, fromSpec.Encode());
        }
    }

    [Fact]
    public void Name_defaults_to_the_spec_name_and_can_be_given()
    {
        var json = File.ReadAllText(SpecPath);
        Assert.Equal("ISO 8583 v1987 ASCII", MoovSpecLoader.Load(json).Name);
        Assert.Equal("bank-a", MoovSpecLoader.Load(json, "bank-a").Name);
        Assert.Equal("bank-b", MoovSpecLoader.LoadFile(SpecPath, "bank-b").Name);
    }

    // ---- hand-written specs ------------------------------------------------------------------------------------

    private static string Spec(string fields, string mti = """{"type":"String","length":4,"enc":"ASCII","prefix":"ASCII.Fixed"}""",
        string bitmap = """{"type":"Bitmap","length":8,"enc":"HexToASCII","prefix":"Hex.Fixed"}""") =>
        "{\"name\":\"test\",\"fields\":{\"0\":" + mti + ",\"1\":" + bitmap + (fields.Length > 0 ? "," : "") + fields + "}}";

    [Fact]
    public void Bcd_spec_with_binary_bitmap_writes_packed_digits_and_bcd_lengths()
    {
        var dialect = MoovSpecLoader.Load(Spec("""
            "2": {"type":"Numeric","length":19,"enc":"BCD","prefix":"BCD.LL"},
            "3": {"type":"Numeric","length":6,"enc":"BCD","prefix":"BCD.Fixed"},
            "22": {"type":"Numeric","length":3,"enc":"LBCD","prefix":"BCD.Fixed"},
            "35": {"type":"Track2","length":37,"enc":"BCD","prefix":"BCD.LL"},
            "41": {"type":"String","length":8,"enc":"ASCII","prefix":"ASCII.Fixed"},
            "48": {"type":"String","length":999,"enc":"ASCII","prefix":"BCD.LLL"},
            "52": {"type":"Binary","length":8,"enc":"Binary","prefix":"Binary.Fixed"},
            "62": {"type":"Binary","length":255,"enc":"Binary","prefix":"Binary.L"}
            """,
            mti: """{"type":"Numeric","length":4,"enc":"BCD","prefix":"BCD.Fixed"}""",
            bitmap: """{"type":"Bitmap","length":8,"enc":"Binary","prefix":"Binary.Fixed"}"""));

        Assert.Equal(FieldEncoding.Bcd, dialect.MtiEncoding);
        Assert.Equal(FieldEncoding.Binary, dialect.Fields.BitmapEncoding);
        Assert.Equal(ContentType.Z, dialect.Fields[35]!.Type);
        var message = dialect.CreateMessage(new Mti(200));
        message.Set(2, "4111111111111111111");
        message.Set(3, "1");
        message.Set(22, "051");
        message.Set(35, "4111=2512");
        message.Set(41, "T1");
        message.Set(48, "AB");
        message.Set(52, "0102030405060708");
        message.Set(62, "CAFE");
        var bytes = message.Encode();

        byte[] expected =
        [
            0x02, 0x00,                                           // MTI, BCD
            0x60, 0x00, 0x04, 0x00, 0x20, 0x81, 0x10, 0x04,      // bitmap: 2 3 22 35 41 48 52 62
            0x19, 0x04, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, // LL 19, PAN left-padded
            0x00, 0x00, 0x01,                                     // 3: "000001"
            0x05, 0x10,                                           // 22: LBCD "051" right-padded
            0x09, 0x04, 0x11, 0x1D, 0x25, 0x12,                   // 35: LL 09, track 2 with D separator
            .. "T1      "u8,                                      // 41: padded with spaces
            0x00, 0x02, .. "AB"u8,                                // 48: BCD LLL
            1, 2, 3, 4, 5, 6, 7, 8,                               // 52
            0x02, 0xCA, 0xFE,                                     // 62: one-byte binary length
        ];
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(bytes));
        var decoded = dialect.Decode(bytes);
        Assert.Equal("4111=2512", decoded.GetString(35));
        Assert.Equal("000001", decoded.GetString(3));
        Assert.Equal(bytes, decoded.Encode());
    }

    [Fact]
    public void Ebcdic_spec_writes_moov_ebcdic_as_code_page_500_and_ebcdic1047_as_1047()
    {
        var dialect = MoovSpecLoader.Load(Spec("""
            "2": {"type":"Numeric","length":19,"enc":"EBCDIC","prefix":"EBCDIC.LL"},
            "43": {"type":"String","length":40,"enc":"EBCDIC","prefix":"EBCDIC.Fixed"},
            "44": {"type":"String","length":25,"enc":"EBCDIC1047","prefix":"EBCDIC1047.LL"}
            """,
            mti: """{"type":"String","length":4,"enc":"ebcdicEncoder","prefix":"EBCDIC.fixed"}"""));

        Assert.Equal(FieldEncoding.Ebcdic500, dialect.MtiEncoding);
        var message = dialect.CreateMessage(new Mti(100));
        message.Set(2, "12");
        message.Set(43, "[A]");
        message.Set(44, "[");
        var bytes = message.Encode();

        Assert.Equal("F0F1F0F0", Convert.ToHexString(bytes[..4]));
        var body = Convert.ToHexString(bytes[20..]);
        Assert.StartsWith("F0F2F1F2" + "4AC15A" + "404040", body);          // LL "02" "12", "[A]" in CP500, then spaces
        Assert.EndsWith("F0F1AD", body);                                     // LL "01", '[' in CP1047
        Assert.Equal(bytes, dialect.Decode(bytes).Encode());
        Assert.Equal("[A]", dialect.Decode(bytes).GetString(43)!.TrimEnd());
    }

    [Fact]
    public void Hex_and_binary_prefixes_count_bytes_hex_as_two_ascii_digits_a_byte()
    {
        var dialect = MoovSpecLoader.Load(Spec("""
            "2": {"type":"String","length":19,"enc":"ASCII","prefix":"Hex.LL"},
            "48": {"type":"Binary","length":999,"enc":"HexToASCII","prefix":"Hex.L"},
            "62": {"type":"String","length":9999,"enc":"ASCII","prefix":"Binary.LL"}
            """));
        Assert.Equal(new LengthPrefix(4, FieldEncoding.HexAscii), dialect.Fields[2]!.Prefix);
        Assert.Equal(new LengthPrefix(2, FieldEncoding.HexAscii), dialect.Fields[48]!.Prefix);
        Assert.Equal(255, dialect.Fields[48]!.MaxLength);                    // clamped to what one byte expresses
        Assert.Equal(new LengthPrefix(4, FieldEncoding.Binary), dialect.Fields[62]!.Prefix);

        var message = dialect.CreateMessage(new Mti(200));
        message.Set(2, "4111111111111111");
        message.Set(48, "ABCD");
        message.Set(62, "xyz");
        var bytes = message.Encode();
        Assert.Equal(Ascii("0200" + "4000000000010004" + "0010" + "4111111111111111" + "02" + "ABCD")
            .Concat(new byte[] { 0x00, 0x03 }).Concat(Ascii("xyz")), bytes);
        Assert.Equal(bytes, dialect.Decode(bytes).Encode());
    }

    [Fact]
    public void String_with_HexToASCII_is_binary_content_written_as_hex_ascii()
    {
        var dialect = MoovSpecLoader.Load(Spec("""
            "52": {"type":"String","length":8,"enc":"HexToASCII","prefix":"Hex.Fixed"},
            "53": {"type":"String","length":4,"enc":"ASCIIToHex","prefix":"Binary.Fixed"}
            """));
        var pin = dialect.Fields[52]!;
        Assert.Equal((ContentType.B, FieldEncoding.HexAscii, 8), (pin.Type, pin.Encoding, pin.MaxLength));
        var mac = dialect.Fields[53]!;
        Assert.Equal((ContentType.B, FieldEncoding.Binary, 4), (mac.Type, mac.Encoding, mac.MaxLength));

        var message = dialect.CreateMessage(new Mti(200));
        message.Set(52, "0123456789abcdef");
        message.Set(53, "DEADBEEF");
        var bytes = message.Encode();
        Assert.Equal(Ascii("0200" + "0000000000001800" + "0123456789ABCDEF").Concat(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }), bytes);
    }

    [Theory]
    [InlineData("""{"type":"leftPadder","pad":48}""", "123", "000123")]
    [InlineData("""{"type":"Left","pad":"0"}""", "123", "000123")]
    [InlineData("""{"type":"Right","pad":"*"}""", "123", "123***")]
    [InlineData("""{"type":"rightPadder","pad":32}""", "12", "12    ")]
    public void Padding_old_and_new_forms_pad_short_values(string padding, string value, string stored)
    {
        var dialect = MoovSpecLoader.Load(Spec($$"""
            "37": {"type":"String","length":6,"enc":"ASCII","prefix":"ASCII.Fixed","padding":{{padding}}}
            """));
        var message = dialect.CreateMessage(new Mti(200));
        message.Set(37, value);
        Assert.Equal(stored, message.GetString(37));
    }

    [Fact]
    public void None_padding_requires_the_exact_length()
    {
        var dialect = MoovSpecLoader.Load(Spec("""
            "37": {"type":"String","length":6,"enc":"ASCII","prefix":"ASCII.Fixed","padding":{"type":"None"}}
            """));
        var message = dialect.CreateMessage(new Mti(200));
        Assert.Throws<IsoFormatException>(() => message.Set(37, "123"));
        message.Set(37, "123456");
        Assert.Equal("123456", message.GetString(37));
    }

    [Fact]
    public void Field_keys_in_old_and_new_style_and_property_names_in_any_case()
    {
        var dialect = MoovSpecLoader.Load("""
            {"Name":"mixed","FIELDS":{
              "Field000":{"Type":"String","Length":4,"Enc":"asciiEncoder","Prefix":"ASCII.fixed"},
              "Field001":{"type":"Bitmap","length":16,"enc":"hexEncoder","prefix":"Hex.fixed"},
              "11":{"type":"Numeric","length":6,"enc":"ASCII","prefix":"ASCII.Fixed"},
              "Field041":{"type":"String","length":8,"enc":"ASCII","prefix":"ASCII.Fixed"}}}
            """);
        Assert.Equal("mixed", dialect.Name);
        Assert.NotNull(dialect.Fields[11]);
        Assert.NotNull(dialect.Fields[41]);
    }

    // ---- composites ----------------------------------------------------------------------------------------------

    [Fact]
    public void Composite_with_bitmap_maps_to_bitmapped_subfields()
    {
        var dialect = MoovSpecLoader.Load(Spec("""
            "48": {"type":"Composite","length":255,"description":"Private use","prefix":"ASCII.LLL",
              "bitmap":{"type":"Bitmap","length":8,"enc":"HexToASCII","prefix":"Hex.Fixed","disableAutoExpand":true},
              "subfields":{
                "1":{"type":"String","length":2,"enc":"ASCII","prefix":"ASCII.Fixed"},
                "2":{"type":"Numeric","length":4,"enc":"ASCII","prefix":"ASCII.Fixed"},
                "10":{"type":"String","length":20,"enc":"ASCII","prefix":"ASCII.LL"}}}
            """));
        var spec = dialect.Fields[48]!;
        var nested = Assert.IsType<BitmappedSubfields>(spec.Composite).Fields;
        Assert.Equal((FieldEncoding.HexAscii, 1), (nested.BitmapEncoding, nested.MaxBitmaps));
        Assert.Equal((ContentType.B, FieldEncoding.Binary, new LengthPrefix(3, FieldEncoding.Ascii)), (spec.Type, spec.Encoding, spec.Prefix));

        var message = dialect.CreateMessage(new Mti(200));
        message.Set("48.1", "AB");
        message.Set("48.10", "hello");
        var bytes = message.Encode();
        Assert.EndsWith("025" + "8040000000000000" + "AB" + "05hello", Encoding.ASCII.GetString(bytes));
        var decoded = dialect.Decode(bytes);
        Assert.Equal("AB", decoded.Get("48.1"));
        Assert.Equal("hello", decoded.Get("48.10"));
        Assert.Null(decoded.Get("48.2"));
    }

    [Fact]
    public void Composite_with_auto_expanding_bitmap_keeps_bit_1_for_the_next_bitmap()
    {
        var dialect = MoovSpecLoader.Load(Spec("""
            "127": {"type":"Composite","length":9999,"prefix":"ASCII.LLLL",
              "bitmap":{"type":"Bitmap","length":8,"enc":"Binary","prefix":"Binary.Fixed"},
              "subfields":{
                "2":{"type":"String","length":32,"enc":"ASCII","prefix":"ASCII.LL"},
                "70":{"type":"Numeric","length":3,"enc":"ASCII","prefix":"ASCII.Fixed"}}}
            """));
        var nested = Assert.IsType<BitmappedSubfields>(dialect.Fields[127]!.Composite).Fields;
        Assert.Equal((FieldEncoding.Binary, 2), (nested.BitmapEncoding, nested.MaxBitmaps));
        var message = dialect.CreateMessage(new Mti(200));
        message.Set("127.70", "301");
        var decoded = dialect.Decode(message.Encode());
        Assert.Equal("301", decoded.Get("127.70"));
    }

    [Fact]
    public void Composite_with_fixed_untagged_subfields_maps_to_positional_subfields()
    {
        var dialect = MoovSpecLoader.Load(Spec("""
            "90": {"type":"Composite","length":42,"description":"Original data","prefix":"ASCII.Fixed",
              "tag":{"sort":"StringsByInt"},
              "subfields":{
                "1":{"type":"Numeric","length":4,"description":"MTI","enc":"ASCII","prefix":"ASCII.Fixed"},
                "2":{"type":"Numeric","length":6,"enc":"ASCII","prefix":"ASCII.Fixed"},
                "3":{"type":"Numeric","length":10,"enc":"ASCII","prefix":"ASCII.Fixed"},
                "10":{"type":"Numeric","length":11,"enc":"ASCII","prefix":"ASCII.Fixed"},
                "4":{"type":"Numeric","length":11,"enc":"ASCII","prefix":"ASCII.Fixed"}}}
            """));
        var spec = dialect.Fields[90]!;
        var positional = Assert.IsType<PositionalSubfields>(spec.Composite);
        Assert.Equal([4, 6, 10, 11, 11], positional.Subfields.Select(s => s.Length));
        Assert.Equal("MTI", positional.Subfields[0].Name);
        Assert.Equal(ContentType.N, spec.Type);

        var message = dialect.CreateMessage(new Mti(400));
        message.Set(90, "020000331609080645190000000020000000000000");
        Assert.Equal("0200", message.Get("90.1"));
        Assert.Equal("003316", message.Get("90.2"));
        Assert.Equal("00000000000", message.Get("90.5"));
    }

    [Fact]
    public void Composite_with_ber_tlv_tags_maps_to_tlv_subfields()
    {
        var dialect = MoovSpecLoader.Load(Spec("""
            "55": {"type":"Composite","length":999,"prefix":"ASCII.LLL",
              "tag":{"enc":"BerTLVTag","sort":"StringsByHex"},
              "subfields":{
                "9F26":{"type":"Binary","length":8,"enc":"Binary","prefix":"BerTLV"},
                "82":{"type":"Binary","length":2,"enc":"Binary","prefix":"BerTLV"}}}
            """));
        var spec = dialect.Fields[55]!;
        Assert.Same(TlvSubfields.Instance, spec.Composite);
        Assert.Equal((ContentType.B, FieldEncoding.Binary), (spec.Type, spec.Encoding));
        var message = dialect.CreateMessage(new Mti(200));
        message.Set("55.9F26", "0102030405060708");
        message.Set("55.82", "1980");
        var decoded = dialect.Decode(message.Encode());
        Assert.Equal("0102030405060708", decoded.Get("55.9F26"));
        Assert.Equal("1980", decoded.Get("55.82"));
    }

    // ---- errors ------------------------------------------------------------------------------------------------

    private static string LoadError(string json) => Assert.Throws<FormatException>(() => MoovSpecLoader.Load(json)).Message;

    [Fact]
    public void Unknown_encoding_is_named_with_its_field()
    {
        var message = LoadError(Spec("""
            "2": {"type":"String","length":19,"enc":"UTF8","prefix":"ASCII.LL"}
            """));
        Assert.Contains("field 2", message);
        Assert.Contains("unknown encoding 'UTF8'", message);
    }

    [Theory]
    [InlineData("ASCII.LLLLLLL")]
    [InlineData("Morse.LL")]
    [InlineData("LL")]
    [InlineData("ASCII.Variable")]
    public void Unknown_prefix_is_named_with_its_field(string prefix)
    {
        var message = LoadError(Spec($$"""
            "2": {"type":"String","length":19,"enc":"ASCII","prefix":"{{prefix}}"}
            """));
        Assert.Contains("field 2", message);
        Assert.Contains($"unknown prefix '{prefix}'", message);
    }

    [Fact]
    public void Missing_mti_field_is_an_error()
    {
        var message = LoadError("""
            {"fields":{"1":{"type":"Bitmap","length":8,"enc":"HexToASCII","prefix":"Hex.Fixed"},
                       "2":{"type":"String","length":19,"enc":"ASCII","prefix":"ASCII.LL"}}}
            """);
        Assert.Contains("field 0", message);
        Assert.Contains("MTI", message);
    }

    [Fact]
    public void Missing_bitmap_field_is_an_error()
    {
        var message = LoadError("""{"fields":{"0":{"type":"String","length":4,"enc":"ASCII","prefix":"ASCII.Fixed"}}}""");
        Assert.Contains("field 1", message);
        Assert.Contains("bitmap", message);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"name":"x"}""", "no \"fields\"")]
    public void Malformed_documents_are_format_errors(string json, string expected) =>
        Assert.Contains(expected, LoadError(json));

    [Theory]
    [InlineData("""{"type":"Text","length":6,"enc":"ASCII","prefix":"ASCII.Fixed"}""", "unknown field type 'Text'")]
    [InlineData("""{"type":"String","enc":"ASCII","prefix":"ASCII.Fixed"}""", "no \"length\"")]
    [InlineData("""{"type":"String","length":6,"prefix":"ASCII.Fixed"}""", "no \"enc\"")]
    [InlineData("""{"type":"String","length":6,"enc":"ASCII"}""", "no \"prefix\"")]
    [InlineData("""{"type":"Binary","length":6,"enc":"BCD","prefix":"BCD.Fixed"}""", "cannot be BCD")]
    [InlineData("""{"type":"Numeric","length":6,"enc":"ASCII","prefix":"ASCII.Fixed","padding":{"type":"Left","pad":" "}}""", "numeric content cannot be padded")]
    [InlineData("""{"type":"String","length":6,"enc":"ASCII","prefix":"ASCII.Fixed","padding":{"type":"Middle","pad":" "}}""", "unknown padding type 'Middle'")]
    [InlineData("""{"type":"String","length":6,"enc":"ASCII","prefix":"BerTLV"}""", "BerTLV prefix")]
    [InlineData("""{"type":"String","length":6,"enc":"ASCII","prefix":"Hex.LLLL"}""", "not supported")]
    [InlineData("""{"type":"Bitmap","length":8,"enc":"Binary","prefix":"Binary.Fixed"}""", "only field 1")]
    public void Field_faults_name_the_field(string field, string expected)
    {
        var message = LoadError(Spec($"\"37\": {field}"));
        Assert.Contains("field 37", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Composite_with_ascii_tags_is_not_supported()
    {
        var message = LoadError(Spec("""
            "48": {"type":"Composite","length":999,"prefix":"ASCII.LLL",
              "tag":{"length":2,"enc":"ASCII","sort":"StringsByInt"},
              "subfields":{"01":{"type":"String","length":10,"enc":"ASCII","prefix":"ASCII.LL"}}}
            """));
        Assert.Contains("field 48", message);
        Assert.Contains("not supported", message);
    }

    [Fact]
    public void Positional_composite_with_a_variable_subfield_is_not_supported()
    {
        var message = LoadError(Spec("""
            "48": {"type":"Composite","length":999,"prefix":"ASCII.LLL",
              "subfields":{"1":{"type":"String","length":2,"enc":"ASCII","prefix":"ASCII.Fixed"},
                           "2":{"type":"String","length":10,"enc":"ASCII","prefix":"ASCII.LL"}}}
            """));
        Assert.Contains("field 48.2", message);
        Assert.Contains("fixed-length", message);
    }

    [Fact]
    public void Positional_composite_that_does_not_add_up_is_an_error()
    {
        var message = LoadError(Spec("""
            "90": {"type":"Composite","length":42,"prefix":"ASCII.Fixed",
              "subfields":{"1":{"type":"Numeric","length":4,"enc":"ASCII","prefix":"ASCII.Fixed"}}}
            """));
        Assert.Contains("field 90", message);
        Assert.Contains("add up to 4", message);
    }

    [Fact]
    public void Field_defined_twice_under_both_key_styles_is_an_error() =>
        Assert.Contains("field 2: is defined twice", LoadError(Spec("""
            "2": {"type":"String","length":19,"enc":"ASCII","prefix":"ASCII.LL"},
            "Field002": {"type":"String","length":19,"enc":"ASCII","prefix":"ASCII.LL"}
            """)));

    [Fact]
    public void Mti_in_hex_is_not_supported() =>
        Assert.Contains("field 0", LoadError(Spec("", mti: """{"type":"String","length":4,"enc":"HexToASCII","prefix":"Hex.Fixed"}""")));

    [Fact]
    public void Bitmap_of_an_unsupported_size_is_an_error() =>
        Assert.Contains("field 1", LoadError(Spec("", bitmap: """{"type":"Bitmap","length":4,"enc":"Binary","prefix":"Binary.Fixed"}""")));

    [Fact]
    public void Field_beyond_the_bitmaps_is_an_error() =>
        Assert.Contains("does not fit", LoadError(Spec("""
            "70": {"type":"Numeric","length":3,"enc":"ASCII","prefix":"ASCII.Fixed"}
            """, bitmap: """{"type":"Bitmap","length":8,"enc":"Binary","prefix":"Binary.Fixed","disableAutoExpand":true}""")));
}
