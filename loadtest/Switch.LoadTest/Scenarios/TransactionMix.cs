namespace Switch.LoadTest.Scenarios;

/// <summary>What the acquirer sends, as relative weights; <see cref="Draw"/> maps a uniform draw to a flow.</summary>
internal sealed record TransactionMix(double Purchase, double PreAuthorization, double Refund, double Reversal, double BalanceInquiry)
{
    private double Total => Purchase + PreAuthorization + Refund + Reversal + BalanceInquiry;

    /// <summary>The flow for a uniform draw in [0, 1).</summary>
    public Flow Draw(double uniform)
    {
        var x = uniform * Total;
        if ((x -= Purchase) < 0) return Flow.Purchase;
        if ((x -= PreAuthorization) < 0) return Flow.PreAuthorizationAndCompletion;
        if ((x -= Refund) < 0) return Flow.Refund;
        if ((x -= Reversal) < 0) return Flow.PurchaseAndReversal;
        return Flow.BalanceInquiry;
    }
}

/// <summary>What one scheduled acquirer transaction does.</summary>
internal enum Flow
{
    Purchase,
    PreAuthorizationAndCompletion,
    Refund,
    PurchaseAndReversal,
    BalanceInquiry,
}
