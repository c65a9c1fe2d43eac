using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>What the simulators assume of a dialect, and the message kinds they tell apart.</summary>
internal static class Iso87
{
    /// <summary>
    /// The simulators speak ISO 8583:1987 numbering: DE 12 hhmmss, DE 39 two-character response codes, DE 70 network
    /// management code, DE 90 original data elements. ISO 8583:1993 dialects number these differently.
    /// </summary>
    public static void Require(Dialect dialect, string paramName)
    {
        ArgumentNullException.ThrowIfNull(dialect, paramName);
        if (dialect.OriginalDataField != 90 || dialect.Fields[12] is not { MaxLength: 6 } || dialect.Fields[39] is not { MaxLength: 2 }
            || dialect.Fields[70] is not { MaxLength: 3 })
            throw new ArgumentException($"dialect {dialect.Name} does not follow ISO 8583:1987 numbering (DE 12, 39, 70, 90)", paramName);
    }

    /// <summary>An authorization or financial request (0100, 0200 and their repeats): the messages an issuer may decline.</summary>
    public static bool IsCardRequest(Mti mti) => mti.Class is 1 or 2 && mti.Function == 0;

    /// <summary>A reversal advice or its repeat (0420, 0421).</summary>
    public static bool IsReversalAdvice(Mti mti) => mti.Class == 4 && mti.Function == 2;

    /// <summary>Network management (0800 sign-on, sign-off, echo; 0820 advices).</summary>
    public static bool IsNetworkManagement(Mti mti) => mti.Class == 8;
}
