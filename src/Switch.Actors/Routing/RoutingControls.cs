using System.Collections.Immutable;
using Switch.Actors.Transactions;

namespace Switch.Actors.Routing;

/// <summary>
/// What operators have switched off: banks, channels, transaction types on one channel, and banks' maintenance
/// windows. Immutable: the routing control actor publishes a new value for each change, and the router reads the
/// current one without a lock.
/// </summary>
public sealed record RoutingControls
{
    /// <summary>Nothing switched off.</summary>
    public static RoutingControls None { get; } = new();

    /// <summary>Banks whose every channel is skipped.</summary>
    public ImmutableHashSet<string> DisabledBanks { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>Channels that are skipped.</summary>
    public ImmutableHashSet<string> DisabledChannels { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>Transaction types skipped on one channel ("bank-a-1/refund").</summary>
    public ImmutableHashSet<string> DisabledTransactionTypes { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>Announced maintenance windows; a bank's channels are skipped while one of its windows is open.</summary>
    public ImmutableList<MaintenanceWindow> MaintenanceWindows { get; init; } = ImmutableList<MaintenanceWindow>.Empty;

    /// <summary>The key of a disabled transaction type on a channel.</summary>
    public static string TransactionTypeKey(string channel, TransactionKind kind) => $"{channel}/{kind.Name()}";

    /// <summary>Why <paramref name="channel"/> of <paramref name="bank"/> may not carry <paramref name="kind"/> at <paramref name="now"/>, or null.</summary>
    public string? Excludes(string bank, string channel, TransactionKind kind, DateTimeOffset now)
    {
        if (DisabledBanks.Contains(bank))
            return "bank disabled";
        if (DisabledChannels.Contains(channel))
            return "channel disabled";
        if (!DisabledTransactionTypes.IsEmpty && DisabledTransactionTypes.Contains(TransactionTypeKey(channel, kind)))
            return $"{kind.Name()} disabled on the channel";
        foreach (var window in MaintenanceWindows)
            if (window.Bank == bank && window.IsOpenAt(now))
                return $"maintenance window {window.Id}";
        return null;
    }
}

/// <summary>A bank's announced maintenance: its channels are skipped from <see cref="From"/> until <see cref="Until"/>.</summary>
public sealed record MaintenanceWindow(string Id, string Bank, DateTimeOffset From, DateTimeOffset Until, string Reason)
{
    /// <summary>True while the window is open.</summary>
    public bool IsOpenAt(DateTimeOffset now) => From <= now && now < Until;
}
