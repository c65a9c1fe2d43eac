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
