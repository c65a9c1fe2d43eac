namespace Switch.Actors.Transactions;

/// <summary>The ISO 8583:1987 response codes (DE 39) the switch itself gives.</summary>
public static class ResponseCodes
{
    /// <summary>Approved.</summary>
    public const string Approved = "00";
    /// <summary>Do not honour.</summary>
    public const string Declined = "05";
    /// <summary>Invalid transaction (a type the switch does not handle).</summary>
    public const string InvalidTransaction = "12";
    /// <summary>Invalid amount.</summary>
    public const string InvalidAmount = "13";
    /// <summary>Invalid card number.</summary>
    public const string InvalidCard = "14";
    /// <summary>Unable to locate the original (a reversal or completion of an unknown transaction).</summary>
    public const string OriginalNotFound = "25";
    /// <summary>Format error.</summary>
    public const string FormatError = "30";
    /// <summary>Not sufficient funds.</summary>
    public const string InsufficientFunds = "51";
    /// <summary>Exceeds the amount limit.</summary>
    public const string ExceedsAmountLimit = "61";
    /// <summary>Exceeds the frequency limit.</summary>
    public const string ExceedsFrequencyLimit = "65";
    /// <summary>Response received too late (the alternative to 91 for bank timeouts).</summary>
    public const string ResponseTooLate = "68";
    /// <summary>Issuer or switch inoperative: retryable.</summary>
    public const string IssuerUnavailable = "91";
    /// <summary>No route to the issuer.</summary>
    public const string NoRoute = "92";
    /// <summary>System malfunction: retryable.</summary>
    public const string SystemMalfunction = "96";

    /// <summary>True for codes that say the bank side failed rather than decided (they count against a channel's breaker).</summary>
    public static bool IsSystemFailure(string? code) => code is "91" or "96" or "68" or "92";
}
