namespace Switch.Protocol.Iso8583;

/// <summary>
/// Which fields are card secrets, for built-in and loaded dialects alike: by ISO 8583 number at the top level, and
/// by name anywhere (subfields and banks' own definitions carry names such as "CVV2" or "TRACK 2 DATA").
/// </summary>
internal static class IsoSensitivity
{
    private static readonly string[] SecretWords = ["CVV", "CVC", "CARD VERIFICATION", "TRACK", "PIN DATA", "PIN BLOCK", "KEY MANAGEMENT"];

    /// <summary>The stricter of what the number (when <paramref name="topLevel"/>) and the name call for.</summary>
    public static Sensitivity Of(int number, string name, bool topLevel)
    {
        var byNumber = topLevel ? OfNumber(number) : Sensitivity.Clear;
        var byName = OfName(name);
        return byNumber > byName ? byNumber : byName;
    }

    /// <summary>
    /// PAN (2) and extended PAN (34) masked; track 2, 3 and 1 (35, 36, 45), the PIN block (52) and chip data (55, which
    /// carries the PAN and track 2 equivalent; dialects that parse it as BER-TLV mask inside it instead) hidden.
    /// </summary>
    private static Sensitivity OfNumber(int number) => number switch
    {
        2 or 34 => Sensitivity.Pan,
        35 or 36 or 45 or 52 or 55 => Sensitivity.Secret,
        _ => Sensitivity.Clear,
    };

    private static Sensitivity OfName(string name)
    {
        var upper = name.ToUpperInvariant();
        if (SecretWords.Any(upper.Contains)) return Sensitivity.Secret;
        return upper.StartsWith("PRIMARY ACCOUNT NUMBER", StringComparison.Ordinal) || upper.StartsWith("PAN", StringComparison.Ordinal)
            ? Sensitivity.Pan
            : Sensitivity.Clear;
    }
}
