using Switch.Protocol.Iso8583;

namespace Switch.Actors.Transactions;

/// <summary>
/// The stable identity of an acquirer's transaction (DESIGN.md invariant 2): acquirer id + terminal (DE 41) + STAN
/// (DE 11) + transmission date-time (DE 7). A repeat of the key returns the first answer and changes nothing.
/// </summary>
public static class TransactionKey
{
    /// <summary>The key of <paramref name="request"/> as sent by acquirer <paramref name="acquirerId"/>.</summary>
    public static string Of(string acquirerId, IsoMessage request) =>
        $"{acquirerId}|{request.TerminalId}|{request.Stan}|{request.TransmissionDateTime}";

    /// <summary>
    /// The key of the transaction a reversal or completion refers to, from its original data elements (DE 90:
    /// original MTI, STAN, DE 7), or null when they are missing.
    /// </summary>
    public static string? OfOriginal(string acquirerId, IsoMessage request)
    {
        var original = request.OriginalDataElements;
        if (original is null || original.Length < 20)
            return null;
        return $"{acquirerId}|{request.TerminalId}|{original.AsSpan(4, 6)}|{original.AsSpan(10, 10)}";
    }
}
