using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.LoadTest.Scenarios;

/// <summary>A rehearsal scenario: the load, the banks behind the switch, the faults on the run's clock and the SLOs.</summary>
internal sealed record Scenario
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required int Seed { get; init; }
    public required AcquirerSide Acquirer { get; init; }
    public required IReadOnlyList<LoadPhase> Phases { get; init; }
    public required TransactionMix Mix { get; init; }
    public required double Duplicates { get; init; }
    public required CardSettings Cards { get; init; }
    public required long MinAmount { get; init; }
    public required long MaxAmount { get; init; }
    public required IReadOnlyList<BankSettings> Banks { get; init; }
    public required IReadOnlyList<TimelineAction> Timeline { get; init; }
    public required SloSettings Slo { get; init; }
    public required SwitchSettings Switch { get; init; }
    public required RelayBaselineSettings RelayBaseline { get; init; }

    /// <summary>The load phases' total length.</summary>
    public TimeSpan Duration => Phases.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Duration);
}

/// <summary>The acquirer side: connections to the switch and how an acquirer repeats what goes unanswered.</summary>
internal sealed record AcquirerSide(string AcquirerId, int Connections, Dialect Dialect, FrameFormat Framing, string FramingName,
    TimeSpan RequestTimeout, int MaxRepeats, TimeSpan ReconnectDelay);

/// <summary>One load phase: open loop from <see cref="Rate"/> to <see cref="ToRate"/>, or closed loop when saturating.</summary>
internal sealed record LoadPhase(string Name, TimeSpan Duration, double Rate, double ToRate, bool Saturate, int Window);

/// <summary>The card population: how many cards and how skewed their popularity is.</summary>
internal sealed record CardSettings(int Count, double ZipfExponent, double OnUsShare);

/// <summary>An issuer bank: its simulator, its channel and its cards.</summary>
internal sealed record BankSettings(string Channel, string Bin, double Share, TimeSpan MedianLatency, TimeSpan P99Latency,
    double DeclineRatio, int Connections, TimeSpan RequestTimeout);

/// <summary>
/// A fault or operator action at <see cref="At"/>, undone after <see cref="For"/> when that is not zero. It acts on a
/// bank channel, a switch node or a data centre, as its kind says.
/// </summary>
internal sealed record TimelineAction(TimeSpan At, string Action, string Channel, TimeSpan For, TimeSpan Latency, string Node, string DataCentre)
{
    public const string BankDown = "bank-down", BankBlackHole = "bank-blackhole", BankSlow = "bank-slow", BankDisconnect = "bank-disconnect",
        SwitchKill = "switch-kill", SwitchRestart = "switch-restart", BreakerIsolate = "breaker-isolate", BreakerClose = "breaker-close",
        DbPause = "db-pause", NodeKill = "node-kill", NodeStop = "node-stop", NodeStart = "node-start", RollingRestart = "rolling-restart",
        NodePartition = "node-partition", DcIsolate = "dc-isolate", DcFailback = "dc-failback", DcKill = "dc-kill";

    public static readonly string[] All = [BankDown, BankBlackHole, BankSlow, BankDisconnect, SwitchKill, SwitchRestart, BreakerIsolate, BreakerClose, DbPause,
        NodeKill, NodeStop, NodeStart, RollingRestart, NodePartition, DcIsolate, DcFailback, DcKill];

    /// <summary>The actions on the nodes of a cluster (more than one node).</summary>
    public static readonly string[] OnCluster = [NodeKill, NodeStop, NodeStart, RollingRestart, NodePartition, DcIsolate, DcFailback, DcKill];

    /// <summary>The actions that take nodes away abruptly: the failover window is measured after them.</summary>
    public static readonly string[] Abrupt = [NodeKill, DcKill, NodePartition];

    public bool NeedsChannel => Action.StartsWith("bank-", StringComparison.Ordinal) || Action.StartsWith("breaker-", StringComparison.Ordinal);

    public bool NeedsNode => Action is NodeKill or NodeStop or NodeStart or NodePartition;

    public bool NeedsDataCentre => Action.StartsWith("dc-", StringComparison.Ordinal);

    public override string ToString() =>
        (NeedsChannel ? $"{Action} {Channel}" : NeedsNode ? $"{Action} {Node}" : NeedsDataCentre ? $"{Action} {DataCentre}" : Action)
        + (For > TimeSpan.Zero ? $" for {For.TotalSeconds:0.#} s" : "");
}

/// <summary>What a run must achieve.</summary>
internal sealed record SloSettings(double MinTps, TimeSpan MaxP99, long MaxLost, long MaxDuplicated, long MaxPhantom, long MaxUnanswered,
    TimeSpan MaxFailoverWindow);

/// <summary>The switch a rehearsal starts: one node, or a cluster of <see cref="Nodes"/> sharing the PostgreSQL journal.</summary>
internal sealed record SwitchSettings(string Journal, string NodeConfig, TimeSpan Drain, IReadOnlyList<SwitchNodeSettings> Nodes)
{
    /// <summary>More than one node: they form a cluster.</summary>
    public bool Clustered => Nodes.Count > 1;
}

/// <summary>One switch node a rehearsal starts, and the data centre it is in (cluster mode).</summary>
internal sealed record SwitchNodeSettings(string Id, string DataCentre);

/// <summary>The bare relay measured before the scenario.</summary>
internal sealed record RelayBaselineSettings(bool Enabled, TimeSpan Duration, int Window);
