using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Actors.Tests.Transactions;

public sealed class TransactionKeyTests
{
    private static readonly Card Card = new("4761739001010010", "3012");

    private static IsoMessage Purchase()
    {
        var message = Dialects.Iso87Ascii.CreateMessage(new Mti(200));
        message.Pan = Card.Pan;
        message.ProcessingCode = "000000";
        message.Amount = 1234;
        message.TransmissionDateTime = "0615120000";
        message.Stan = "000042";
        message.TerminalId = "TERM0001";
        message.AcquirerId = "400001";
        return message;
    }

    [Fact]
    public void The_key_is_acquirer_terminal_stan_and_transmission_time()
    {
        Assert.Equal("acq-1|TERM0001|000042|0615120000", TransactionKey.Of("acq-1", Purchase()));
    }

    [Fact]
    public void Two_acquirers_sending_the_same_fields_have_different_keys()
    {
        var request = Purchase();
        Assert.NotEqual(TransactionKey.Of("acq-1", request), TransactionKey.Of("acq-2", request));
    }

    [Fact]
    public void The_key_does_not_contain_the_pan_or_the_amount()
    {
        var key = TransactionKey.Of("acq-1", Purchase());
        Assert.DoesNotContain(Card.Pan, key);
        Assert.DoesNotContain("1234", key);
    }

    [Fact]
    public void The_original_key_reads_the_original_stan_and_transmission_time_from_de_90()
    {
        var reversal = Dialects.Iso87Ascii.CreateMessage(new Mti(420));
        reversal.TerminalId = "TERM0001";
        reversal.Stan = "000043";
        reversal.TransmissionDateTime = "0615120105";
        // DE 90: original MTI (4), STAN (6), DE 7 (10), acquirer id (11), forwarding institution id (11).
        reversal.OriginalDataElements = "0200" + "000042" + "0615120000" + "00000400001" + "00000000000";

        Assert.Equal("acq-1|TERM0001|000042|0615120000", TransactionKey.OfOriginal("acq-1", reversal));
    }

    [Fact]
    public void A_reversal_built_from_a_request_points_back_at_that_requests_key()
    {
        var factory = new TransactionFactory(Dialects.Iso87Ascii);
        var purchase = factory.Purchase(Card, 1_000);
        var reversal = factory.ReversalAdvice(purchase);

        Assert.NotEqual(TransactionKey.Of("acq-1", purchase), TransactionKey.Of("acq-1", reversal));
        Assert.Equal(TransactionKey.Of("acq-1", purchase), TransactionKey.OfOriginal("acq-1", reversal));
    }

    [Fact]
    public void A_completion_built_from_a_pre_authorization_points_back_at_its_key()
    {
        var factory = new TransactionFactory(Dialects.Iso87Ascii);
        var preAuthorization = factory.PreAuthorization(Card, 5_000);
        var completion = factory.Completion(preAuthorization, 4_000);

        Assert.Equal(TransactionKey.Of("acq-1", preAuthorization), TransactionKey.OfOriginal("acq-1", completion));
    }

    [Fact]
    public void A_reversal_of_an_iso_8583_1993_request_points_back_at_that_requests_key()
    {
        // In ISO 8583:1993 the original data elements are DE 56: MTI (4), STAN (6), local date and time DE 12 (12),
        // then the acquirer id with its length. DE 7 is not among them.
        var purchase = Dialects.Iso93Ascii.CreateMessage(new Mti(1200));
        purchase.Pan = Card.Pan;
        purchase.ProcessingCode = "000000";
        purchase.Amount = 1234;
        purchase.TransmissionDateTime = "0615120000";
        purchase.Stan = "000042";
        purchase.LocalTime = "300615130000";
        purchase.TerminalId = "TERM0001";
        purchase.AcquirerId = "400001";
        var reversal = purchase.CreateReversal(advice: true, stan: "000043", transmissionDateTime: "0615120105");
        Assert.Equal(TransactionKind.Reversal, TransactionKinds.Of(reversal));

        Assert.Equal(TransactionKey.Of("acq-1", purchase), TransactionKey.OfOriginal("acq-1", reversal));
    }

    [Fact]
    public void Without_de_90_there_is_no_original_key()
    {
        Assert.Null(TransactionKey.OfOriginal("acq-1", Purchase()));
    }
}
