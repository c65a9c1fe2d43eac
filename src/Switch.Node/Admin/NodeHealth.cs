namespace Switch.Node.Admin;

/// <summary>Where the node is in its life, for the health checks: starting, ready (serving acquirers) or stopping.</summary>
internal enum NodePhase
{
    Starting,
    Ready,
    Stopping,
}

/// <summary>
/// The node's phase and what it listens on, written by <see cref="SwitchNode"/> as it starts and stops, read by the
/// admin endpoint. Ready means the routing controls are recovered and the acquirer listeners are open.
/// </summary>
internal sealed class NodeHealth
{
    private volatile NodePhase _phase = NodePhase.Starting;
    private volatile IReadOnlyList<AcquirerView> _acquirers = [];

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public NodePhase Phase => _phase;

    /// <summary>The acquirer listeners with their bound endpoints (empty until ready).</summary>
    public IReadOnlyList<AcquirerView> Acquirers => _acquirers;

    public void MarkReady(IReadOnlyList<AcquirerView> acquirers)
    {
        _acquirers = acquirers;
        _phase = NodePhase.Ready;
    }

    public void MarkStopping() => _phase = NodePhase.Stopping;
}
