namespace Switch.Simulators;

/// <summary>A share of authorization and financial requests the bank host declines with a response code.</summary>
public sealed record Decline
{
    /// <summary>Declines <paramref name="ratio"/> of requests (0 to 1) with <paramref name="responseCode"/>, e.g. 0.10 with "05".</summary>
    /// <exception cref="ArgumentException">The response code is not two letters or digits or the ratio is outside 0 to 1.</exception>
    public Decline(string responseCode, double ratio)
    {
        ResponseCode = ResponseRule.CheckResponseCode(responseCode, nameof(responseCode));
        Ratio = BankHostBehaviour.CheckRatio(ratio, nameof(ratio));
    }

    /// <summary>DE 39 of the declines, e.g. "05" do not honour, "51" insufficient funds.</summary>
    public string ResponseCode { get; }

    /// <summary>The share of requests declined with it, 0 to 1.</summary>
    public double Ratio { get; }
}
