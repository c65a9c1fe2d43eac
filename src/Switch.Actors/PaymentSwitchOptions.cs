using Switch.Actors.Accounts;
using Switch.Actors.Channels;
using Switch.Actors.Routing;
using Switch.Runtime.Sharding;

namespace Switch.Actors;

/// <summary>Everything the payment switch needs to start: channels, the BIN table, products and card data protection.</summary>
public sealed record PaymentSwitchOptions(
    IReadOnlyList<ChannelOptions> Channels, IReadOnlyList<BinRange> BinRanges, IReadOnlyDictionary<string, ProductLimits> Products, string CardDataKeyHex)
{
    /// <summary>How long an acquirer's request may take inside the switch before it is answered RC 91 (and counted). Default 15 s.</summary>
    public TimeSpan AuthorizationTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a pre-authorization hold lasts without completion. Default 7 days.</summary>
    public TimeSpan HoldExpiry { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a decided transaction's key is remembered for repeats. Default 3 days.</summary>
    public TimeSpan KeyRetention { get; init; } = TimeSpan.FromDays(3);

    /// <summary>Account shards (never changes once accounts exist). Default 256.</summary>
    public int AccountShards { get; init; } = 256;

    /// <summary>Idle time after which an account actor is passivated. Default 2 minutes.</summary>
    public TimeSpan AccountIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Account actors kept in memory at most (least recently used passivated first). Default 100,000.</summary>
    public int MaxActiveAccounts { get; init; } = 100_000;

    /// <summary>Where account shards live: every shard on this node (the default), or the cluster's placement.</summary>
    public IShardPlacement AccountPlacement { get; init; } = LocalShardPlacement.Instance;

    /// <summary>
    /// The node id in a cluster, null on a single node. The node's own journaled state (each channel's store-and-forward
    /// queue, the routing controls) is kept under persistence ids that end with it, since every node runs its own.
    /// </summary>
    public string? ClusterNodeId { get; init; }

    /// <summary>
    /// How many of the journal's latest events the start-up scan reads for transactions left undecided by the last
    /// stop (their accounts are started so that they are reversed). It must cover what the switch writes during
    /// <see cref="AuthorizationTimeout"/> at its peak rate (two events per transaction). Default 1,000,000.
    /// </summary>
    public int RecoveryScanEvents { get; init; } = 1_000_000;

    /// <summary>
    /// An account saves a snapshot of its state after this many journaled events (postponed while one of its
    /// transactions is undecided), so that it recovers from the snapshot and the events after it. 0: never. Default 500.
    /// </summary>
    public int SnapshotEvery { get; init; } = 500;

    /// <summary>The clock (tests move it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
