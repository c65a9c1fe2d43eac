using System.Text;
using Switch.Protocol.Iso8583;
using Switch.Protocol.Tests.Framing;

namespace Switch.Protocol.Tests.Iso8583;

public class MessageApiTests
{
    private const string Pan = "4761739001010119";

    private static IsoMessage Purchase(Dialect dialect)
    {
        var m = dialect.CreateMessage(new Mti(200));
        m.Pan = Pan;
        m.ProcessingCode = "000000";
        m.Amount = 12_345;
        m.TransmissionDateTime = "1121093000";
        m.Stan = "004711";
        m.LocalTime = "093000";
        m.LocalDate = "1121";
        m.AcquirerId = "123456";
        m.Set(35, Pan + "=29121010000012300000");
        m.Rrn = "532509004711";
        m.TerminalId = "TERM0001";
        m.MerchantId = "MERCHANT0000001";
        m.Currency = "840";
        m.Set(52, "0123456789ABCDEF");
        return m;
    }

    [Fact]
    public void Response_echoes_the_transaction_fields_and_carries_the_response_code()
    {
        var request = Purchase(Dialects.Postilion);
        request.Set("127.2", "KEY-1");

        var response = request.CreateResponse("00");

        Assert.Equal(new Mti(210), response.Mti);
        Assert.Equal("00", response.ResponseCode);
        foreach (var f in new[] { 2, 3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49 })
            Assert.Equal(request.GetString(f), response.GetString(f));
        Assert.Equal("KEY-1", response.Get("127.2"));
        Assert.False(response.Has(35), "track 2 must not be echoed");
        Assert.False(response.Has(52), "the PIN block must not be echoed");
        Assert.Equal(request.MatchKey, response.MatchKey);
    }

    [Fact]
    public void Reversal_fills_original_data_elements_from_the_request()
    {
        var request = Purchase(Dialects.Iso87Ascii);

        var reversal = request.CreateReversal(stan: "004712", transmissionDateTime: "1121093030");
        var advice = request.CreateReversal(advice: true);

        Assert.Equal(new Mti(400), reversal.Mti);
        Assert.Equal(new Mti(420), advice.Mti);
        Assert.Equal(new Mti(421), advice.Mti.Repeat);
        Assert.Equal(new Mti(430), advice.Mti.Repeat.Response);
        Assert.Equal("0200" + "004711" + "1121093000" + "00000123456" + "00000000000", reversal.OriginalDataElements);
        Assert.Equal("0200", reversal.Get("90.1"));
        Assert.Equal("004711", reversal.Get("90.2"));
        Assert.Equal("00000123456", reversal.Get("90.4"));
        Assert.Equal("004712", reversal.Stan);
        Assert.Equal(request.Amount, reversal.Amount);
        Assert.Equal(request.Pan, reversal.Pan);
        Assert.False(reversal.Has(52));
        Assert.Equal(reversal.Encode(), Dialects.Iso87Ascii.Decode(reversal.Encode()).Encode());
    }

    [Fact]
    public void Iso93_reversal_records_the_original_in_DE_56()
    {
        var request = Dialects.Iso93Ascii.CreateMessage(new Mti(1200));
        request.Stan = "000001";
        request.LocalTime = "261121093000";
        request.AcquirerId = "1234";

        var reversal = request.CreateReversal();

        Assert.Equal(new Mti(1400), reversal.Mti);
        Assert.Equal("1200" + "000001" + "261121093000" + "04" + "1234", reversal.GetString(56));
    }

    [Fact]
    public void Match_key_pairs_request_and_response_but_not_other_classes()
    {
        var request = Purchase(Dialects.Iso87Binary);
        var response = request.CreateResponse("05");
        var reversal = request.CreateReversal();
        var other = Purchase(Dialects.Iso87Binary);
        other.Stan = "004712";

        Assert.Equal(request.MatchKey, response.MatchKey);
        Assert.NotEqual(request.MatchKey, reversal.MatchKey);
        Assert.NotEqual(request.MatchKey, other.MatchKey);
        Assert.Equal(reversal.MatchKey, reversal.CreateResponse("00").MatchKey);
        Assert.DoesNotContain(Pan, request.MatchKey.ToString());
    }

    [Fact]
    public void Match_key_fields_are_configurable_per_dialect()
    {
        var byRrn = new Dialect("rrn", "pairs by RRN", FieldEncoding.Ascii, Dialects.Iso87Ascii.Fields, matchKeyFields: [37]);
        var a = byRrn.CreateMessage(new Mti(200));
        a.Rrn = "000000000001";
        a.Stan = "000001";
        var b = byRrn.CreateMessage(new Mti(210));
        b.Rrn = "000000000001";
        b.Stan = "999999";

        Assert.Equal(a.MatchKey, b.MatchKey);
        Assert.Throws<ArgumentException>(() => new Dialect("bad", "PAN in key", FieldEncoding.Ascii, Dialects.Iso87Ascii.Fields, matchKeyFields: [2]));
    }

    [Theory]
    [MemberData(nameof(AllDialects))]
    public void ToString_masks_the_pan_and_leaves_secrets_out(string dialectName)
    {
        var m = Purchase(Dialects.Get(dialectName));
        if (dialectName == "postilion") m.Set("127.10", "123");

        var text = m.ToString();

        Assert.Contains("476173******0119", text);
        Assert.DoesNotContain(Pan, text);
        Assert.DoesNotContain("29121010000012300000", text);
        Assert.DoesNotContain("0123456789ABCDEF", text);
        Assert.DoesNotContain("127.10=123", text);
        Assert.Contains("TERM0001", text);
    }

    public static TheoryData<string> AllDialects() => new(Dialects.All.Select(d => d.Name));

    [Theory]
    [MemberData(nameof(AllDialects))]
    public void Every_dialect_round_trips_a_purchase(string dialectName)
    {
        var dialect = Dialects.Get(dialectName);
        var m = Purchase(dialect);

        var back = dialect.Decode(m.Encode());

        Assert.Equal(m.FieldNumbers, back.FieldNumbers);
        foreach (var n in m.FieldNumbers) Assert.Equal(m.GetString(n), back.GetString(n));
        Assert.Equal(m.Encode(), back.Encode());
    }

    [Fact]
    public void ConvertTo_translates_between_dialects()
    {
        var ascii = Purchase(Dialects.Iso87Ascii);

        var binary = ascii.ConvertTo(Dialects.Iso87Binary);
        var back = Dialects.Iso87Binary.Decode(binary.Encode()).ConvertTo(Dialects.Iso87Ascii);

        Assert.Equal(ascii.Encode(), back.Encode());
        Assert.True(binary.EncodedLength < ascii.EncodedLength);
    }

    [Fact]
    public void Setting_a_value_that_does_not_fit_raises_the_format_exception_without_the_value()
    {
        var m = Dialects.Iso87Ascii.CreateMessage(new Mti(200));

        var tooLong = Assert.Throws<IsoFormatException>(() => m.Pan = "47617390010101191234");
        var notNumeric = Assert.Throws<IsoFormatException>(() => m.Stan = "12A456");
        var undefined = Assert.Throws<IsoFormatException>(() => m.Set("127.2", "x"));
        var notHex = Assert.Throws<IsoFormatException>(() => m.Set(52, "not hex"));

        Assert.Equal("2", tooLong.Field);
        Assert.DoesNotContain("4761739001", tooLong.Message);
        Assert.Equal("11", notNumeric.Field);
        Assert.Equal("127.2", undefined.Field);
        Assert.Equal("52", notHex.Field);
        Assert.False(m.Has(2));
    }

    [Fact]
    public void Fixed_fields_are_padded_the_iso_way()
    {
        var m = Dialects.Iso87Ascii.CreateMessage(new Mti(200));
        m.Stan = "42";
        m.TerminalId = "T1";

        Assert.Equal("000042", m.Stan);
        Assert.Equal("T1      ", m.TerminalId);
    }

    [Fact]
    public void Every_field_set_in_any_order_then_some_removed_keeps_each_value_with_its_field()
    {
        var dialect = Dialects.Iso87Ascii;
        var m = dialect.CreateMessage(new Mti(200));
        var numbers = dialect.Fields.Fields.Select(f => f.Number).ToArray();
        new Random(7).Shuffle(numbers);
        string ValueFor(FieldSpec f) => f.Type switch
        {
            ContentType.B => (f.Number % 256).ToString("X2"),
            ContentType.N or ContentType.Z => (f.Number % 10).ToString(),
            _ => f.MaxLength >= 4 ? "F" + f.Number : ((char)('A' + f.Number % 26)).ToString(),
        };
        foreach (var n in numbers) m.Set(n, ValueFor(dialect.Fields[n]!));
        foreach (var n in numbers.Where(n => n % 3 == 0)) m.Remove(n);

        var back = dialect.Decode(m.Encode());

        var kept = numbers.Where(n => n % 3 != 0).Order().ToArray();
        Assert.Equal(kept, m.FieldNumbers);
        Assert.Equal(kept, back.FieldNumbers);
        foreach (var n in kept)
        {
            var expected = m.GetString(n);
            Assert.StartsWith(dialect.Fields[n]!.Type == ContentType.N ? "" : ValueFor(dialect.Fields[n]!), expected);
            Assert.Equal(expected, back.GetString(n));
        }
    }

    [Fact]
    public void Decode_accepts_a_multi_segment_sequence()
    {
        var bytes = Purchase(Dialects.Postilion).Encode();

        Assert.Equal(bytes, Dialects.Postilion.Decode(TestSegment.Split(bytes, 17, 40)).Encode());
    }

    [Fact]
    public void TryReadMti_reads_the_mti_of_a_message_that_fails_to_decode()
    {
        var bytes = Encoding.ASCII.GetBytes("0200ZZZZ");

        Assert.Throws<IsoFormatException>(() => Dialects.Iso87Ascii.Decode(bytes));
        Assert.True(Dialects.Iso87Ascii.TryReadMti(bytes, out var mti));
        Assert.Equal(new Mti(200), mti);
        Assert.False(Dialects.Iso87Ascii.TryReadMti("02X0"u8, out _));
    }
}
