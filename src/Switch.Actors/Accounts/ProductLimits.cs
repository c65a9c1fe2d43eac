namespace Switch.Actors.Accounts;

/// <summary>
/// A card product's limits on debits (purchases and pre-authorizations), in minor units: over the single or a
/// period's amount → RC 61; over a period's count → RC 65. Zero means no limit. On-us products also give new
/// accounts their opening balance.
/// </summary>
public sealed record ProductLimits
{
    /// <summary>No limits.</summary>
    public static ProductLimits Unlimited { get; } = new();

    /// <summary>Largest single debit.</summary>
    public long SingleAmount { get; init; }

    /// <summary>Debits per calendar day (UTC), amount.</summary>
    public long DailyAmount { get; init; }

    /// <summary>Debits per calendar day (UTC), count.</summary>
    public int DailyCount { get; init; }

    /// <summary>Debits per calendar month (UTC), amount.</summary>
    public long MonthlyAmount { get; init; }

    /// <summary>Debits per calendar month (UTC), count.</summary>
    public int MonthlyCount { get; init; }

    /// <summary>On-us accounts only: the balance a new account starts with.</summary>
    public long OpeningBalance { get; init; }
}
