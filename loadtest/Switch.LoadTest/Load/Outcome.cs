namespace Switch.LoadTest.Load;

/// <summary>How the report counts an answer's response code.</summary>
internal enum Outcome
{
    Approved,
    Declined,
    /// <summary>RC 91 (issuer unavailable) or 68 (response received too late): the switch gave up on the bank.</summary>
    Timeout,
    /// <summary>RC 30, 96 and the other codes that mean the switch or the message failed, not the cardholder.</summary>
    Error,
}

internal static class Outcomes
{
    public static Outcome Of(string? responseCode) => responseCode switch
    {
        "00" or "10" or "11" => Outcome.Approved,
        "91" or "68" => Outcome.Timeout,
        "30" or "96" or "06" or "12" or "92" or "94" or null => Outcome.Error,
        _ => Outcome.Declined,
    };
}
