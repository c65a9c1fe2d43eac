using System.Text;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583;

public sealed class DecodeReadableTests
{
    private static IsoMessage Purchase(Dialect dialect)
    {
        var m = dialect.CreateMessage(new Mti(200));
        m.Pan = "4761739001010010";
        m.ProcessingCode = "000000";
        m.Amount = 1000;
        m.TransmissionDateTime = "1121101010";
        m.Stan = "123456";
        m.TerminalId = "TERM0001";
        m.Currency = "826";
        return m;
    }

    [Theory]
    [InlineData("iso87ascii")]
    [InlineData("postilion")]
    public void A_message_cut_short_after_its_STAN_keeps_the_MTI_and_the_fields_in_front_of_the_bad_one(string name)
    {
        var dialect = Dialects.Get(name);
        var whole = Purchase(dialect).Encode();
        var bytes = whole[..^1]; // DE 49, the last field, is cut short
        Assert.Throws<IsoFormatException>(() => dialect.Decode(bytes));
        var readable = dialect.DecodeReadable(bytes)!;
        Assert.Equal(200, readable.Mti.Value);
        Assert.Equal("123456", readable.Stan);
        Assert.Equal("TERM0001", readable.TerminalId);
        Assert.Null(readable.Currency);
        Assert.Equal("0210", readable.CreateResponse("30").Mti.ToString());
    }

    [Fact]
    public void Bytes_without_a_readable_MTI_give_null_and_a_valid_message_decodes_whole()
    {
        Assert.Null(Dialects.Iso87Ascii.DecodeReadable(Encoding.ASCII.GetBytes("02x0")));
        var valid = Purchase(Dialects.Iso87Ascii).Encode();
        Assert.Equal("826", Dialects.Iso87Ascii.DecodeReadable(valid)!.Currency);
    }
}
