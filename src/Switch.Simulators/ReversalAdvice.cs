using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>A reversal advice (0420) or its repeat (0421) as the bank host received it.</summary>
/// <param name="Mti">0420, or 0421 for a repeat.</param>
/// <param name="MatchKey">The advice's match key.</param>
/// <param name="Stan">DE 11 of the advice.</param>
/// <param name="Rrn">DE 37, the retrieval reference number of the reversed transaction.</param>
/// <param name="OriginalDataElements">DE 90: the original MTI, STAN, transmission time and institution ids.</param>
public sealed record ReversalAdvice(Mti Mti, MatchKey MatchKey, string? Stan, string? Rrn, string? OriginalDataElements)
{
    /// <summary>True for a repeat (0421).</summary>
    public bool IsRepeat => Mti.Origin == 1;
}
