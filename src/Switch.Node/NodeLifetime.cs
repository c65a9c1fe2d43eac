namespace Switch.Node;

/// <summary>
/// The one way to ask a node to stop: SIGTERM, Ctrl+C and an operator's <c>cluster leave</c> all request the same
/// graceful stop (<see cref="SwitchNode.StopAsync"/>: drain, hand the shards off, flush), after which the process exits 0.
/// </summary>
internal sealed class NodeLifetime
{
    private readonly TaskCompletionSource<string> _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes, with who asked, when the node is asked to stop; continuations never run on the asker's thread.</summary>
    public Task<string> StopRequested => _stopRequested.Task;

    /// <summary>Asks the node to stop; only the first request counts.</summary>
    /// <param name="reason">Who asked, for the log: "SIGTERM", "admin: alice: cluster leave".</param>
    public void RequestStop(string reason) => _stopRequested.TrySetResult(reason);
}
