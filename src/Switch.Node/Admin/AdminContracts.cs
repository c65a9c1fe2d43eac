namespace Switch.Node.Admin;

// The admin endpoint's request and response bodies, written in snake_case by AdminJson. None carries a PAN in clear.

/// <summary>Every refusal and failure: <c>{"error": "..."}</c>.</summary>
internal sealed record ErrorBody(string Error);

/// <summary>GET /health, /health/live, /health/ready.</summary>
internal sealed record HealthView(string Status, bool Live, bool Ready, string NodeId);

/// <summary>GET /node.</summary>
internal sealed record NodeView(string NodeId, string Version, string Status, DateTimeOffset StartedAt, long UptimeSeconds, string JournalBackend,
    string AdminEndpoint, IReadOnlyList<AcquirerView> Acquirers);

/// <summary>One acquirer listener of <see cref="NodeView"/>.</summary>
internal sealed record AcquirerView(string Name, string AcquirerId, string Endpoint, string Dialect, string Framing);

/// <summary>GET /channels, /channels/{name}: the channel's published status and what operators switched off on it.</summary>
internal sealed record ChannelView(string Name, string Bank, string BankHost, string Breaker, bool Available, int Connections, int ConfiguredConnections,
    bool Enabled, IReadOnlyList<string> DisabledTypes, string? Maintenance, long InFlight, long Requests, long Timeouts, long LateAnswers, long SafDepth);

/// <summary>POST /channels/{name}/isolate and /close: the breaker's state afterwards.</summary>
internal sealed record BreakerView(string Channel, string Breaker);

/// <summary>POST /channels/{name}/saf/retry: how many queued advices were sent.</summary>
internal sealed record SafRetryView(string Channel, int Sent);

/// <summary>POST /controls/enable and /controls/disable. Level: bank, channel or txn-type (target "channel/refund").</summary>
internal sealed record ControlRequest(string Level, string Target);

/// <summary>The answer to a change of the routing controls: what was done, and the controls after it.</summary>
internal sealed record ControlView(string Message, ControlsView Controls);

/// <summary>What operators switched off.</summary>
internal sealed record ControlsView(IReadOnlyList<string> DisabledBanks, IReadOnlyList<string> DisabledChannels, IReadOnlyList<string> DisabledTransactionTypes,
    IReadOnlyList<MaintenanceView> MaintenanceWindows);

/// <summary>POST /maintenance: announce a bank's maintenance window.</summary>
internal sealed record MaintenanceRequest(string Bank, DateTimeOffset From, DateTimeOffset Until, string Reason = "");

/// <summary>A maintenance window; <c>open</c> when it is in force now.</summary>
internal sealed record MaintenanceView(string Id, string Bank, DateTimeOffset From, DateTimeOffset Until, string Reason, bool Open);

/// <summary>POST /route: the card, and optionally the transaction type (default purchase) and amount in minor units.</summary>
internal sealed record RouteRequest(string Pan, string Kind = "purchase", long Amount = 0);

/// <summary>The route a transaction would take now; the PAN masked (first 6, last 4).</summary>
internal sealed record RouteView(string MaskedPan, string Kind, long Amount, string Outcome, string? BinRange, string? Issuer, string? Product,
    IReadOnlyList<string> Channels, string Reason);

/// <summary>POST /account: an account key (acct-...) or a PAN.</summary>
internal sealed record AccountRequest(string KeyOrPan);

// ---- the runtime palettes: cluster, data centres and fault injection (served by ClusterApi); sharding, actors, log, transactions (RuntimeApi) ----

/// <summary>
/// GET /cluster. Mode single-node: this node alone, its own leader, in data centre "default", with no incarnation and
/// no shard leases (it owns every shard). Mode cluster: the members as this node last read them from the cluster's
/// database, no leader (the database decides membership and shard ownership), this node's incarnation and data
/// centre, whether an injected partition cuts it off, every data centre a member was ever in, and per shard region
/// how many shards each node holds current leases on and which this node owns. Unreachable: members joining, up or
/// leaving whose heartbeat is more than two heartbeat intervals old.
/// </summary>
internal sealed record ClusterView(string Mode, string SelfNode, string? Leader, IReadOnlyList<MemberView> Members, IReadOnlyList<string> Unreachable,
    long? Incarnation, string DataCenter, bool Partitioned, IReadOnlyList<DataCenterView> DataCenters, IReadOnlyList<RegionShardsView> Shards);

/// <summary>
/// A member of <see cref="ClusterView"/>. Single node: status joining (starting), up or leaving (stopping), address its
/// admin endpoint. Cluster: status joining, up, leaving, exiting, down or removed, address its cluster transport
/// (host:port), up since it joined, with its incarnation and how old its last heartbeat was (null on a single node).
/// </summary>
internal sealed record MemberView(string NodeId, string Address, string Status, IReadOnlyList<string> Roles, string DataCenter, DateTimeOffset UpSince,
    long UptimeSeconds, long? Incarnation, long? HeartbeatAgeMs);

/// <summary>A data centre of <see cref="ClusterView"/>, and the answer to POST /dc/{dc}/isolate and /failback; changed by and at are null until an operator sets it.</summary>
internal sealed record DataCenterView(string Name, bool Isolated, string? ChangedBy, DateTimeOffset? ChangedAt);

/// <summary>A shard region of <see cref="ClusterView"/>: the nodes holding current leases on its shards, and the shards this node owns.</summary>
internal sealed record RegionShardsView(string EntityType, IReadOnlyList<ShardOwnerView> Owners, IReadOnlyList<int> OwnedHere);

/// <summary>How many shards of a region a node holds current leases on.</summary>
internal sealed record ShardOwnerView(string NodeId, int Shards);

/// <summary>POST /cluster/leave (202 Accepted): the node hands its shards off and stops once this answer is sent.</summary>
internal sealed record LeaveView(string NodeId, string Message);

/// <summary>POST /cluster/down/{node}: downed is false when the member was down or removed already.</summary>
internal sealed record DownView(string NodeId, bool Downed, string Message);

/// <summary>POST /cluster/down-unreachable: the members it marked down (their heartbeat older than the heartbeat timeout).</summary>
internal sealed record DownUnreachableView(IReadOnlyList<string> Downed);

/// <summary>POST /faults/partition (with switch.admin.fault-injection only): cut this node off from the cluster (true) or end it (false).</summary>
internal sealed record PartitionRequest(bool Partitioned);

/// <summary>The answer to <see cref="PartitionRequest"/>: whether the node is cut off now.</summary>
internal sealed record PartitionView(string NodeId, bool Partitioned, string Message);

/// <summary>GET /sharding/regions (a list) and /sharding/regions/{name}: a region's running shards and active entities on a node.</summary>
internal sealed record RegionView(string Name, string Node, int Shards, int Entities);

/// <summary>GET /sharding/regions/{name}/shards: a running shard and its active entities.</summary>
internal sealed record ShardView(int Shard, string Node, int Entities);

/// <summary>GET /sharding/regions/{name}/shards/{shard}/entities: the ids of a shard's active entities (account keys, never card numbers).</summary>
internal sealed record ShardEntitiesView(string Region, int Shard, string Node, IReadOnlyList<string> Entities);

/// <summary>GET /actors: one live actor with the messages waiting in its mailbox; the list is the hierarchy, parents first.</summary>
internal sealed record ActorView(string Path, int MailboxDepth, int Children);

/// <summary>GET /log: complete lines of the node's log file, card numbers masked; read on with <c>?file={file}&amp;from={next}</c>.</summary>
internal sealed record LogView(string File, long Next, IReadOnlyList<string> Lines);

/// <summary>GET /transactions: a transaction as the journal last recorded it, state decided or in-flight (sent to the bank, no answer yet).</summary>
internal sealed record TransactionView(string Key, string AccountKey, string Kind, long Amount, string MaskedPan, string Rrn, string? Channel, string State,
    string? ResponseCode, string? ApprovalCode, DateTimeOffset At);

// ---- the live views (GET /dashboard, read by /ui and swctl top), served by DashboardApi ----

/// <summary>
/// GET /dashboard?seconds=N (default 300, at most 600): the node and every channel, their latest second, and their series
/// over the newest N samples, one a second, oldest first; <c>times</c> gives when each sample ended (Unix milliseconds).
/// </summary>
internal sealed record DashboardView(string NodeId, string Status, long UptimeSeconds, int Seconds, IReadOnlyList<long> Times, NodeDashboardView Node,
    IReadOnlyList<ChannelDashboardView> Channels);

/// <summary>The node's part of <see cref="DashboardView"/>; <c>latest</c> is null until the first second is sampled.</summary>
internal sealed record NodeDashboardView(NodeSecondView? Latest, NodeSeriesView Series);

/// <summary>
/// One second of the node: transactions answered to acquirers by outcome, journal group commits (p99 commit latency,
/// mean events per commit), messages waiting in mailboxes (all, and the deepest one), shards, active entities, dead
/// letters (since start, and that second).
/// </summary>
internal sealed record NodeSecondView(double TransactionsPerSecond, double ApprovedPerSecond, double DeclinedPerSecond, double ErrorsPerSecond,
    double JournalCommitsPerSecond, double? JournalCommitP99Ms, double? JournalBatchEvents, long MailboxQueued, long MailboxDeepest, long Shards,
    long Entities, long DeadLetters, double DeadLettersPerSecond);

/// <summary>The node's series, aligned with <see cref="DashboardView.Times"/>.</summary>
internal sealed record NodeSeriesView(IReadOnlyList<double> TransactionsPerSecond, IReadOnlyList<double> ErrorsPerSecond,
    IReadOnlyList<double?> JournalCommitP99Ms, IReadOnlyList<long> MailboxQueued);

/// <summary>
/// One channel of <see cref="DashboardView"/>: its state now, its latest second (null until sampled), its most
/// frequent response codes over the series' window, and its series.
/// </summary>
internal sealed record ChannelDashboardView(string Name, string Bank, string Breaker, int Connections, long InFlight, long SafDepth,
    ChannelSecondView? Latest, IReadOnlyList<ResponseCodeCount> TopResponseCodes, ChannelSeriesView Series);

/// <summary>
/// One second of a channel. Success rate: the bank's answers other than 30, 68, 91, 92 and 96 over its answers and
/// timeouts (null with neither). p99: of that second's answers, in milliseconds (the upper edge of a bucket at most
/// 12.5% wide). Response codes: that second's answers by code, most frequent first.
/// </summary>
internal sealed record ChannelSecondView(double RequestsPerSecond, double AnswersPerSecond, double TimeoutsPerSecond, double? SuccessRate,
    double? P99Ms, IReadOnlyList<ResponseCodeCount> ResponseCodes, string Breaker, long InFlight, long SafDepth);

/// <summary>A channel's series, aligned with <see cref="DashboardView.Times"/>.</summary>
internal sealed record ChannelSeriesView(IReadOnlyList<double> RequestsPerSecond, IReadOnlyList<double?> SuccessRate, IReadOnlyList<double?> P99Ms,
    IReadOnlyList<string> Breaker, IReadOnlyList<long> InFlight);

/// <summary>How many answers carried a response code.</summary>
internal sealed record ResponseCodeCount(string Code, long Count);
