using Switch.Protocol.Iso8583;

namespace Switch.Actors.Transactions;

/// <summary>
/// The stable identity of an acquirer's transaction (DESIGN.md invariant 2): acquirer id + terminal (DE 41) + STAN
/// (DE 11) + transmission date-time (DE 7). A repeat of the key returns the first answer and changes nothing.
/// Dialects whose original data elements are DE 56 (ISO 8583:1993) carry the local date-time (DE 12) there instead
/// of DE 7, so for them DE 12 takes DE 7's place.
/// </summary>
public static class TransactionKey
{
    /// <summary>The key of <paramref name="request"/> as sent by acquirer <paramref name="acquirerId"/>.</summary>
    public static string Of(string acquirerId, IsoMessage request) =>
        $"{acquirerId}|{request.TerminalId}|{request.Stan}|{(UsesDe56(request) ? request.LocalTime : request.TransmissionDateTime)}";

    /// <summary>
    /// The key of the transaction a reversal or completion refers to, from its original data elements (DE 90:
    /// original MTI, STAN, DE 7; DE 56: original MTI, STAN, DE 12), or null when they are missing.
    /// </summary>
    public static string? OfOriginal(string acquirerId, IsoMessage request)
    {
        var original = request.OriginalDataElements;
        var dateLength = UsesDe56(request) ? 12 : 10;
        if (original is null || original.Length < 10 + dateLength)
            return null;
        return $"{acquirerId}|{request.TerminalId}|{original.AsSpan(4, 6)}|{original.AsSpan(10, dateLength)}";
    }

    private static bool UsesDe56(IsoMessage request) => request.Dialect.OriginalDataField == 56;
}
