using Switch.Actors.Channels;
using Switch.Actors.Routing;
using Switch.Actors.Security;

namespace Switch.Actors.Accounts;

/// <summary>What every account actor shares: the router, the channels, card data protection, products and retention.</summary>
public sealed class AccountServices(
    Router router, IReadOnlyDictionary<string, ChannelEntry> channels, CardDataProtector protector,
    IReadOnlyDictionary<string, ProductLimits> products)
{
    /// <summary>The router.</summary>
    public Router Router { get; } = router;

    /// <summary>The bank channels by name.</summary>
    public IReadOnlyDictionary<string, ChannelEntry> Channels { get; } = channels;

    /// <summary>Account keys and sealing.</summary>
    public CardDataProtector Protector { get; } = protector;

    /// <summary>Limits by product name; a product without an entry is unlimited.</summary>
    public IReadOnlyDictionary<string, ProductLimits> Products { get; } = products;

    /// <summary>How long a pre-authorization's hold lasts without a completion. Default 7 days.</summary>
    public TimeSpan HoldExpiry { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a decided transaction's key is remembered (repeats get its answer). Default 3 days.</summary>
    public TimeSpan KeyRetention { get; init; } = TimeSpan.FromDays(3);

    /// <summary>
    /// An account saves a snapshot of its state after this many events (at the first event after, with no transaction
    /// of the account undecided), so that its recovery replays at most about this many. 0: never. Default 500.
    /// </summary>
    public int SnapshotEvery { get; init; } = 500;

    /// <summary>The clock (tests move it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
