using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;

namespace Switch.Actors.Tests.Transactions;

public sealed class TransactionKindTests
{
    private static IsoMessage Message(int mti, string? processingCode)
    {
        var message = Dialects.Iso87Ascii.CreateMessage(new Mti(mti));
        message.ProcessingCode = processingCode;
        return message;
    }

    [Theory]
    [InlineData(100, "000000", TransactionKind.PreAuthorization)]
    [InlineData(100, "310000", TransactionKind.BalanceInquiry)]
    [InlineData(200, "000000", TransactionKind.Purchase)]
    [InlineData(200, "001000", TransactionKind.Purchase)]   // only the transaction type (first two digits) counts
    [InlineData(200, "200000", TransactionKind.Refund)]
    [InlineData(200, "310000", TransactionKind.BalanceInquiry)]
    [InlineData(220, "000000", TransactionKind.Completion)]
    [InlineData(220, "200000", TransactionKind.Completion)]
    [InlineData(400, "000000", TransactionKind.Reversal)]
    [InlineData(401, "000000", TransactionKind.Reversal)]
    [InlineData(420, "000000", TransactionKind.Reversal)]
    [InlineData(421, "200000", TransactionKind.Reversal)]
    public void The_kind_comes_from_the_mti_and_the_processing_code(int mti, string processingCode, TransactionKind expected) =>
        Assert.Equal(expected, TransactionKinds.Of(Message(mti, processingCode)));

    [Theory]
    [InlineData(200, "010000")] // cash
    [InlineData(200, "400000")] // transfer
    [InlineData(100, "200000")] // a refund is not authorized with a 0100
    [InlineData(100, "010000")]
    [InlineData(120, "000000")]
    [InlineData(210, "000000")] // responses are not requests
    [InlineData(230, "000000")]
    [InlineData(410, "000000")]
    [InlineData(430, "000000")]
    [InlineData(800, "000000")]
    [InlineData(810, "000000")]
    [InlineData(500, "000000")]
    public void Transactions_the_switch_does_not_handle_have_no_kind(int mti, string processingCode) =>
        Assert.Null(TransactionKinds.Of(Message(mti, processingCode)));

    [Fact]
    public void A_network_management_message_without_a_processing_code_has_no_kind() =>
        Assert.Null(TransactionKinds.Of(Message(800, null)));

    [Fact]
    public void A_request_without_a_processing_code_counts_as_type_00() =>
        Assert.Equal(TransactionKind.Purchase, TransactionKinds.Of(Message(200, null)));

    [Theory]
    [InlineData(TransactionKind.Purchase, "purchase")]
    [InlineData(TransactionKind.PreAuthorization, "pre-authorization")]
    [InlineData(TransactionKind.Completion, "completion")]
    [InlineData(TransactionKind.Refund, "refund")]
    [InlineData(TransactionKind.BalanceInquiry, "balance-inquiry")]
    [InlineData(TransactionKind.Reversal, "reversal")]
    public void Every_kind_has_an_operator_name_that_parses_back(TransactionKind kind, string name)
    {
        Assert.Equal(name, kind.Name());
        Assert.Equal(kind, TransactionKinds.Parse(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Purchase")]
    [InlineData("sale")]
    [InlineData("PreAuthorization")]
    [InlineData(" refund")]
    public void An_unknown_name_is_rejected_with_the_known_ones_listed(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => TransactionKinds.Parse(name));
        Assert.Contains("purchase, pre-authorization, completion, refund, balance-inquiry, reversal", error.Message);
    }

    [Fact]
    public void A_value_outside_the_enum_has_no_name() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((TransactionKind)99).Name());
}
