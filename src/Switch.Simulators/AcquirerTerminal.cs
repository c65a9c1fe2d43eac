namespace Switch.Simulators;

/// <summary>The acquirer, merchant and terminal a <see cref="TransactionFactory"/> sends for.</summary>
public sealed record AcquirerTerminal
{
    /// <summary>DE 32, acquiring institution identification code (up to 11 digits).</summary>
    public string AcquirerId { get; init; } = "400001";

    /// <summary>DE 41, card acceptor terminal identification (8 characters).</summary>
    public string TerminalId { get; init; } = "TERM0001";

    /// <summary>DE 42, card acceptor (merchant) identification code (15 characters).</summary>
    public string MerchantId { get; init; } = "MERCHANT0000001";

    /// <summary>DE 18, merchant type (MCC); 5411 grocery stores by default.</summary>
    public string MerchantType { get; init; } = "5411";

    /// <summary>DE 43, card acceptor name (25) / city (13) / country (2).</summary>
    public string NameAndLocation { get; init; } = "SWITCH SIMULATOR STORE   LONDON       GB";

    /// <summary>DE 49, transaction currency (ISO 4217 numeric); 826 pound sterling by default.</summary>
    public string Currency { get; init; } = "826";
}
