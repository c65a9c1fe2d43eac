using Switch.Runtime.Persistence;

namespace Switch.Runtime.Cluster;

/// <summary>
/// The cluster's settings (<c>switch.cluster</c> in <c>hocon/reference.conf</c>, with the same defaults): membership,
/// heartbeats, shard leases and allocation, all kept in PostgreSQL.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>The defaults.</summary>
    public static ClusterSettings Default { get; } = new();

    /// <summary>True: the node joins the cluster (PostgreSQL holds membership and leases). Default false (a single node).</summary>
    public bool Enabled { get; init; }

    /// <summary>This node's data centre: allocation prefers it, and <c>dc isolate</c> moves shards out of it. Default "dc1".</summary>
    public string DataCentre { get; init; } = "dc1";

    /// <summary>This node's roles, stored with its membership. Default none.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>
    /// The Npgsql connection string of the cluster's database: the node sets the journal's
    /// (<c>switch.journal.postgres.connection-string</c>), since the journal checks leases in its own transactions.
    /// <see cref="ClusterStore.OpenAsync(ClusterSettings, CancellationToken)"/> needs it filled in.
    /// </summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>The schema that holds the cluster tables (created when missing): the journal's. Default "public".</summary>
    public string Schema { get; init; } = "public";

    /// <summary>How often a node stamps its heartbeat (the database's clock). Default 1 s.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A member whose last heartbeat (or lease renewal) is older than this, by the database's clock, is marked down
    /// and its leases may be taken at once. At least twice <see cref="HeartbeatInterval"/> and at least
    /// <see cref="LeaseTtl"/>. Default 3 s.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long an acquisition or renewal keeps a shard lease, by the database's clock. At most
    /// <see cref="HeartbeatTimeout"/>: a node that went silent has then stopped serving its shards (its leases ran out)
    /// before anyone can mark it down and take them. Default 3 s.
    /// </summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a node renews all its leases; at most half of <see cref="LeaseTtl"/>. Default 1 s.</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the shard allocator runs over the current members and leases. Default 1 s.</summary>
    public TimeSpan RebalanceInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A rebalance move happens only when the busiest node has at least this many shards more than the idlest; at
    /// least 2 (a difference of 1 would move a shard back and forth). Default 2.
    /// </summary>
    public int RebalanceThreshold { get; init; } = 2;

    /// <summary>The most shard moves (handoffs: rebalancing, leaving nodes, isolated data centres) in progress at once, per entity type. Default 8.</summary>
    public int MaxSimultaneousMoves { get; init; } = 8;

    /// <summary>
    /// How long a shard's entities may take to finish their in-flight work when the shard moves (rebalance, leave,
    /// <c>dc isolate</c>); after it they are stopped, and their next owner's recovery settles what was in flight.
    /// Default 10 s.
    /// </summary>
    public TimeSpan HandOffTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest opening a connection to the cluster's database may take. Default 2 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest one cluster store operation (a heartbeat, a renewal, an acquisition) may take. Default 2 s.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(DataCentre, nameof(DataCentre));
        ArgumentNullException.ThrowIfNull(Roles, nameof(Roles));
        ArgumentNullException.ThrowIfNull(ConnectionString, nameof(ConnectionString));
        PersistenceOptions.CheckIdentifier(Schema, nameof(Schema));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatInterval, TimeSpan.Zero, nameof(HeartbeatInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(HeartbeatTimeout, HeartbeatInterval * 2, nameof(HeartbeatTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LeaseTtl, TimeSpan.Zero, nameof(LeaseTtl));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(LeaseTtl, HeartbeatTimeout, nameof(LeaseTtl));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LeaseRenewInterval, TimeSpan.Zero, nameof(LeaseRenewInterval));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(LeaseRenewInterval, LeaseTtl / 2, nameof(LeaseRenewInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RebalanceInterval, TimeSpan.Zero, nameof(RebalanceInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(RebalanceThreshold, 2, nameof(RebalanceThreshold));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSimultaneousMoves, 1, nameof(MaxSimultaneousMoves));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandOffTimeout, TimeSpan.Zero, nameof(HandOffTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OperationTimeout, TimeSpan.Zero, nameof(OperationTimeout));
    }
}
