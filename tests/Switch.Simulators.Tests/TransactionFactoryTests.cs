using Switch.Protocol.Iso8583;

namespace Switch.Simulators.Tests;

/// <summary>The requests a terminal sends, as the factory builds them.</summary>
public class TransactionFactoryTests
{
    private static readonly TimeZoneInfo Athens = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2");

    [Theory]
    [InlineData("iso87ascii")]
    [InlineData("iso87binary")]
    [InlineData("postilion")]
    public void Card_requests_carry_what_an_acquirer_sends_and_survive_the_wire(string dialectName)
    {
        var dialect = Dialects.Get(dialectName);
        var clock = new FixedClock(new DateTimeOffset(2026, 3, 9, 23, 30, 15, TimeSpan.Zero), Athens);
        var factory = new TransactionFactory(dialect, new AcquirerTerminal { TerminalId = "T0000042", AcquirerId = "12345" }, clock);

        var purchase = dialect.Decode(factory.Purchase(Loopback.Card, 1999).Encode());

        Assert.Equal(new Mti(200), purchase.Mti);
        Assert.Equal([2, 3, 4, 7, 11, 12, 13, 14, 18, 22, 25, 32, 37, 41, 42, 43, 49], purchase.FieldNumbers);
        Assert.Equal(Loopback.Card.Pan, purchase.Pan);
        Assert.Equal("000000", purchase.ProcessingCode);
        Assert.Equal(1999, purchase.Amount);
        Assert.Equal("0309233015", purchase.TransmissionDateTime);
        Assert.Equal("000001", purchase.Stan);
        Assert.Equal(("013015", "0310"), (purchase.LocalTime, purchase.LocalDate));
        Assert.Equal("3012", purchase.GetString(14));
        Assert.Equal("012", purchase.GetString(22));
        Assert.Equal("12345", purchase.AcquirerId);
        Assert.Equal("606901000001", purchase.Rrn);
        Assert.Equal(("T0000042", "MERCHANT0000001", "826"), (purchase.TerminalId, purchase.MerchantId, purchase.Currency));

        var refund = factory.Refund(Loopback.Card, 700);
        Assert.Equal(("200000", 700L), (refund.ProcessingCode, refund.Amount!.Value));
        var balance = factory.BalanceInquiry(Loopback.Card);
        Assert.Equal(("310000", 0L), (balance.ProcessingCode, balance.Amount!.Value));
        var preAuthorization = factory.PreAuthorization(Loopback.Card, 5000);
        Assert.Equal((new Mti(100), "06"), (preAuthorization.Mti, preAuthorization.GetString(25)));
        Assert.Equal((new Mti(800), "001"), (factory.SignOn().Mti, factory.SignOn().GetString(70)));
        Assert.Equal(["002", "301"], new[] { factory.SignOff(), factory.Echo() }.Select(m => dialect.Decode(m.Encode()).GetString(70)));
    }

    [Fact]
    public async Task Every_request_gets_its_own_STAN_and_RRN_even_from_many_threads()
    {
        var factory = new TransactionFactory(Dialects.Iso87Ascii);

        var requests = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 500).Select(i => i % 2 == 0 ? factory.Purchase(Loopback.Card, i) : factory.Refund(Loopback.Card, i)).ToList())));

        var all = requests.SelectMany(r => r).ToList();
        Assert.Equal(4000, all.Select(r => r.Stan).Distinct().Count());
        Assert.Equal(4000, all.Select(r => r.Rrn).Distinct().Count());
    }

    [Fact]
    public void A_completion_references_its_pre_authorization()
    {
        var factory = new TransactionFactory(Dialects.Postilion);
        var preAuthorization = factory.PreAuthorization(Loopback.Card, 5000);

        var completion = factory.Completion(preAuthorization, 4200, "A1B2C3");

        Assert.Equal(new Mti(220), completion.Mti);
        Assert.Equal((4200L, "A1B2C3"), (completion.Amount!.Value, completion.ApprovalCode));
        Assert.NotEqual(preAuthorization.Stan, completion.Stan);
        Assert.NotEqual(preAuthorization.Rrn, completion.Rrn);
        Assert.Equal("0100" + preAuthorization.Stan + preAuthorization.TransmissionDateTime + "00000400001" + "00000000000", completion.OriginalDataElements);
        Assert.Equal(preAuthorization.Pan, completion.Pan);
        Assert.Throws<ArgumentException>(() => factory.Completion(factory.Purchase(Loopback.Card, 1), 1));
    }

    [Fact]
    public void A_reversal_has_its_own_STAN_and_names_the_original()
    {
        var factory = new TransactionFactory(Dialects.Iso87Ascii);
        var purchase = factory.Purchase(Loopback.Card, 1000);

        var reversal = factory.Reversal(purchase);
        var advice = factory.ReversalAdvice(purchase);

        Assert.Equal((new Mti(400), new Mti(420)), (reversal.Mti, advice.Mti));
        Assert.Equal(3, new[] { purchase.Stan, reversal.Stan, advice.Stan }.Distinct().Count());
        Assert.All(new[] { reversal, advice }, r => Assert.Equal(purchase.Rrn, r.Rrn));
        Assert.All(new[] { reversal, advice }, r => Assert.StartsWith("0200" + purchase.Stan, r.OriginalDataElements));
        Assert.Equal(1000, advice.Amount);
    }

    [Fact]
    public void Dialects_numbered_as_ISO_8583_1993_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new TransactionFactory(Dialects.Iso93Ascii));
        Assert.Throws<ArgumentException>(() => new BankHostSimulator(new BankHostOptions(Dialects.Iso93Ascii, Protocol.Framing.FrameFormat.Binary2)));
    }

    private sealed class FixedClock(DateTimeOffset now, TimeZoneInfo zone) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => zone;
    }
}
