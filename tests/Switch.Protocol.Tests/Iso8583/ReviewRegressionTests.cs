using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583;

/// <summary>Faults a code review found, each pinned by the smallest case that showed it.</summary>
public class ReviewRegressionTests
{
    private static Dialect Single(FieldSpec spec, FieldEncoding bitmap = FieldEncoding.HexAscii) =>
        new("t", "test", FieldEncoding.Ascii, new FieldSetSpec(bitmap, 1, [spec]), matchKeyFields: []);

    [Fact]
    public void Padding_the_content_type_cannot_hold_is_refused_when_the_spec_is_built()
    {
        Assert.Throws<ArgumentException>(() =>
            new FieldSpec(2, "track", ContentType.Z, FieldEncoding.Ascii, LengthPrefix.Fixed, 10, new Padding(PaddingSide.Right, (byte)' ')));
        Assert.Throws<ArgumentException>(() =>
            new FieldSpec(2, "n", ContentType.N, FieldEncoding.Ascii, LengthPrefix.Fixed, 4, new Padding(PaddingSide.Left, (byte)' ')));
    }

    [Fact]
    public void A_fixed_track_field_takes_only_full_length_values()
    {
        var dialect = Single(new FieldSpec(2, "track", ContentType.Z, FieldEncoding.Bcd, LengthPrefix.Fixed, 10));
        var m = dialect.CreateMessage(new Mti(200));

        Assert.Throws<IsoFormatException>(() => m.Set(2, "1234=5"));
        m.Set(2, "1234=56789");
        Assert.Equal("1234=56789", dialect.Decode(m.Encode()).GetString(2));
    }

    [Fact]
    public void Lengths_beyond_what_a_prefix_can_announce_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new FieldSpec(2, "huge", ContentType.B, FieldEncoding.HexAscii, LengthPrefix.Fixed, 1 << 30));
        Assert.Throws<ArgumentException>(() => new PositionalSubfields(("a", 2), ("b", -1)));
        Assert.Throws<ArgumentException>(() =>
            new FieldSpec(90, "too short", ContentType.N, FieldEncoding.Ascii, LengthPrefix.Fixed, 10, composite: new PositionalSubfields(("a", 6), ("b", 6))));
    }

    [Fact]
    public void Iso93_DE_90_is_a_count_not_the_1987_original_data_elements()
    {
        var m = Dialects.Iso93Ascii.CreateMessage(new Mti(1200));
        m.Set(90, "1234567890");

        Assert.Null(Dialects.Iso93Ascii.Fields[90]!.Composite);
        Assert.Throws<IsoFormatException>(() => m.Get("90.2"));
        Assert.NotNull(Dialects.Iso87Ascii.Fields[90]!.Composite);
    }

    [Fact]
    public void Removing_an_absent_subfield_creates_nothing_and_removing_the_last_removes_the_parent()
    {
        var m = Dialects.Postilion.CreateMessage(new Mti(200));
        m.Set("127.2", null);
        m.Set("127.25.2", null);
        Assert.False(m.Has(127));

        m.Set("127.25.2", "000000001000");
        m.Set("127.25.2", null);
        Assert.False(m.Has(127));

        var chip = Dialects.Iso87Binary.CreateMessage(new Mti(100));
        chip.Set("55.9F26", null);
        Assert.False(chip.Has(55));
        chip.Set("55.9F26", "0102030405060708");
        chip.Set("55.9F26", null);
        Assert.False(chip.Has(55));
    }

    [Theory]
    [InlineData("0200" + "4000000000000000" + "03" + "123F")]
    [InlineData("0200" + "0000040000000000" + "F051")]
    public void Packed_numbers_with_a_foreign_pad_nibble_are_refused_so_every_decode_is_byte_exact(string hex)
    {
        Assert.Throws<IsoFormatException>(() => Dialects.Iso87Binary.Decode(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Amount_of_a_signed_field_is_a_format_error_not_a_wrong_number()
    {
        var dialect = Single(new FieldSpec(4, "amount", ContentType.Ans, FieldEncoding.Ascii, LengthPrefix.Fixed, 13));
        var m = dialect.CreateMessage(new Mti(200));
        m.Set(4, "D000000001000");

        Assert.Throws<IsoFormatException>(() => m.Amount);
    }

    [Fact]
    public void Chip_data_that_is_not_parsed_as_tlv_is_never_shown()
    {
        foreach (var dialect in new[] { Dialects.Iso87Ascii, Dialects.Postilion })
        {
            var m = dialect.CreateMessage(new Mti(200));
            m.Set(55, "5A0847617390010100109F2608AABBCCDDEEFF0011");

            Assert.DoesNotContain("4761739001010010", m.ToString());
            Assert.Contains("55=[secret]", m.ToString());
        }
    }

    [Fact]
    public void Emv_pin_data_and_pan_inside_templates_are_hidden()
    {
        var m = Dialects.Iso87Binary.CreateMessage(new Mti(100));
        m.Set("55.99", "1122334455667788");
        m.Set("55.70.5A", "4761739001010010");

        var text = m.ToString();

        Assert.DoesNotContain("1122334455667788", text);
        Assert.DoesNotContain("4761739001010010", text);
        Assert.Contains("55.70.5A=476173******0010", text);
    }

    [Fact]
    public void A_postilion_response_echoes_the_switch_key_but_not_cvv2_or_chip_data()
    {
        var request = Dialects.Postilion.CreateMessage(new Mti(200));
        request.Set("127.2", "KEY-1");
        request.Set("127.10", "123");
        request.Set("127.25.12", "0011223344556677");

        var response = request.CreateResponse("00");

        Assert.Equal("KEY-1", response.Get("127.2"));
        Assert.Null(response.Get("127.10"));
        Assert.Null(response.Get("127.25.12"));
        Assert.DoesNotContain("123", request.ToString().Split(' ').Where(p => p.StartsWith("127.10=")));
    }

    [Fact]
    public void Replacing_a_field_many_times_does_not_grow_the_message_without_bound()
    {
        var m = Dialects.Iso87Ascii.CreateMessage(new Mti(200));
        var value = new string('x', 999);

        for (var i = 0; i < 100_000; i++) m.Set(48, value);

        Assert.Equal(value, m.GetString(48));
        Assert.True(m.EncodedLength < 1100);
        Assert.True(GC.GetTotalMemory(forceFullCollection: true) < 64 * 1024 * 1024, "replaced values are kept alive");
    }

    [Fact]
    public void Loaded_definitions_hide_secrets_by_name_in_subfields_and_mask_the_extended_pan()
    {
        const string xml = """
            <isopackager>
              <isofield id="0" length="4" name="MTI" class="org.jpos.iso.IFA_NUMERIC"/>
              <isofield id="1" length="16" name="BITMAP" class="org.jpos.iso.IFB_BITMAP"/>
              <isofield id="34" length="28" name="EXTENDED PRIMARY ACCOUNT" class="org.jpos.iso.IFA_LLCHAR"/>
              <isofieldpackager id="127" length="999999" name="PRIVATE" class="org.jpos.iso.IFA_LLLLLLBINARY"
                  packager="org.jpos.iso.packager.GenericSubFieldPackager" emitBitmap="true">
                <isofield id="0" length="0" name="PLACEHOLDER" class="org.jpos.iso.IF_CHAR"/>
                <isofield id="1" length="8" name="BITMAP" class="org.jpos.iso.IFB_BITMAP"/>
                <isofield id="2" length="32" name="SWITCH KEY" class="org.jpos.iso.IFA_LLCHAR"/>
                <isofield id="10" length="3" name="CVV2" class="org.jpos.iso.IFA_NUMERIC"/>
              </isofieldpackager>
            </isopackager>
            """;
        var dialect = JposPackagerLoader.Load(xml);
        var m = dialect.CreateMessage(new Mti(200));
        m.Set(34, "4761739001010010123");
        m.Set("127.2", "KEY-1");
        m.Set("127.10", "987");

        var text = m.ToString();

        Assert.Contains("34=476173*********0123", text);
        Assert.Contains("127.2=KEY-1", text);
        Assert.Contains("127.10=[secret]", text);
        Assert.DoesNotContain("987", text);
    }
}
