using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>A payment card as a terminal reads it.</summary>
/// <param name="Pan">The primary account number (DE 2).</param>
/// <param name="ExpiryDate">The expiry date YYMM (DE 14).</param>
public readonly record struct Card(string Pan, string ExpiryDate)
{
    /// <summary>The card with the PAN masked (first 6, last 4).</summary>
    public override string ToString() => $"{PanMask.Mask(Pan)} exp {ExpiryDate}";
}
