using System.Text;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583;

/// <summary>Bad bytes get the one format exception, naming the field and the byte, and never a read past the end.</summary>
public class MalformedInputTests
{
    private static IsoFormatException Decode(Dialect dialect, string ascii) =>
        Assert.Throws<IsoFormatException>(() => dialect.Decode(Encoding.ASCII.GetBytes(ascii)));

    [Fact]
    public void Length_prefix_above_the_fields_maximum_is_an_error_not_a_read()
    {
        // DE 2 announces 99 digits; its maximum is 19.
        var e = Decode(Dialects.Iso87Ascii, "0200" + "4000000000000000" + "99" + new string('1', 99));

        Assert.Equal("2", e.Field);
        Assert.Equal(20, e.Offset);
        Assert.Contains("exceeds the maximum 19", e.Message);
    }

    [Fact]
    public void A_field_running_past_the_end_names_the_field_and_offset()
    {
        var e = Decode(Dialects.Iso87Ascii, "0200" + "2000000000000000" + "0000");

        Assert.Equal("3", e.Field);
        Assert.Equal(20, e.Offset);
    }

    [Fact]
    public void A_field_the_dialect_does_not_define_is_an_error()
    {
        var withoutDe3 = new Dialect("x", "x", FieldEncoding.Ascii,
            new FieldSetSpec(FieldEncoding.HexAscii, 1, [new FieldSpec(2, "PAN", ContentType.N, FieldEncoding.Ascii, new LengthPrefix(2, FieldEncoding.Ascii), 19)]),
            matchKeyFields: []);

        var e = Decode(withoutDe3, "0200" + "2000000000000000" + "000000");

        Assert.Equal("3", e.Field);
        Assert.Contains("not defined", e.Message);
    }

    [Fact]
    public void Non_numeric_content_in_an_n_field_is_an_error()
    {
        var e = Decode(Dialects.Iso87Ascii, "0200" + "2000000000000000" + "00A000");

        Assert.Equal("3", e.Field);
        Assert.Equal(22, e.Offset);
    }

    [Fact]
    public void Trailing_bytes_after_the_last_field_are_an_error()
    {
        var e = Decode(Dialects.Iso87Ascii, "0200" + "2000000000000000" + "000000" + "XX");

        Assert.Equal(26, e.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("02")]
    [InlineData("0200")]
    [InlineData("0200F23A")]
    [InlineData("0200G000000000000000")]
    [InlineData("02008000000000000000")]
    public void Short_or_broken_headers_are_errors(string ascii)
    {
        Decode(Dialects.Iso87Ascii, ascii);
    }

    [Fact]
    public void Bad_bcd_nibbles_and_prefixes_are_errors()
    {
        var badNibble = Assert.Throws<IsoFormatException>(() =>
            Dialects.Iso87Binary.Decode(Convert.FromHexString("0200" + "2000000000000000" + "0000A0")));
        var badPrefix = Assert.Throws<IsoFormatException>(() =>
            Dialects.Iso87Binary.Decode(Convert.FromHexString("0200" + "4000000000000000" + "1A" + "12345678")));

        Assert.Equal("3", badNibble.Field);
        Assert.Equal("2", badPrefix.Field);
        Assert.Contains("not a number", badPrefix.Message);
    }

    [Fact]
    public void Broken_tlv_and_nested_bitmaps_name_the_subfield()
    {
        var tlv = Assert.Throws<IsoFormatException>(() =>
            Dialects.Iso87Binary.Decode(Convert.FromHexString("0200" + "0000000000000200" + "0004" + "9F2605FF")));
        var nested = Assert.Throws<IsoFormatException>(() =>
            Dialects.Postilion.Decode(Convert.FromHexString("30323030" + "8000000000000000" + "0000000000000002" +
                "303030303130" + "4000000000000000" + "3939")));

        Assert.Equal("55", tlv.Field);
        Assert.Equal("127.2", nested.Field);
    }

    [Fact]
    public void Exceptions_never_carry_field_values()
    {
        var pan = "4761739001010119";
        var e = Decode(Dialects.Iso87Ascii, "0200" + "6000000000000000" + "16" + pan + "00A000");

        Assert.DoesNotContain(pan, e.Message);
        Assert.DoesNotContain("00A000", e.Message);
    }
}
