using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>
/// Decides the answer to the messages it matches, ahead of the decline, timeout and disconnect ratios: a test's way
/// to say "amount 51 is declined with 51" or "this card is never answered". Criteria left null match anything; a
/// rule with no <see cref="Mti"/> matches authorization and financial requests (0100, 0200).
/// </summary>
public sealed record ResponseRule
{
    /// <summary>Matches messages for this PAN (DE 2) only.</summary>
    public string? Pan { get; init; }

    /// <summary>Matches messages for this amount (DE 4, minor units) only.</summary>
    public long? Amount { get; init; }

    /// <summary>Matches this message type only, e.g. 0420 to hold back reversal advices.</summary>
    public Mti? Mti { get; init; }

    /// <summary>The answer's DE 39; approved ("00") unless set.</summary>
    public string ResponseCode { get; init => field = CheckResponseCode(value, nameof(ResponseCode)); } = ResponseCodes.Approved;

    /// <summary>The answer's delay; the behaviour's <see cref="BankHostBehaviour.Latency"/> when null.</summary>
    public Latency? Latency { get; init; }

    /// <summary>True to never answer the messages matched (the acquirer times out).</summary>
    public bool NeverAnswer { get; init; }

    internal bool Matches(IsoMessage message)
    {
        if (Mti is { } mti ? message.Mti != mti : !Iso87.IsCardRequest(message.Mti)) return false;
        if (Amount is { } amount && message.Amount != amount) return false;
        return Pan is null || (message.TryGet(2, out var pan) && SameText(pan, Pan));
    }

    private static bool SameText(ReadOnlySpan<byte> bytes, string text)
    {
        if (bytes.Length != text.Length) return false;
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] != text[i]) return false;
        return true;
    }

    internal static string CheckResponseCode(string value, string name) =>
        value is { Length: 2 } && char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[1])
            ? value
            : throw new ArgumentException("a response code is two letters or digits", name);
}
