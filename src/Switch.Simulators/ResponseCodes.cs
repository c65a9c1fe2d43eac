namespace Switch.Simulators;

/// <summary>The ISO 8583:1987 response codes (DE 39) the bank host answers with on its own.</summary>
internal static class ResponseCodes
{
    public const string Approved = "00";
    public const string InvalidTransaction = "12";
    public const string FormatError = "30";
    public const string IssuerUnavailable = "91";
}
