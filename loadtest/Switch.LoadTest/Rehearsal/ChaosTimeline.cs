using System.Diagnostics;
using Switch.LoadTest.Report;
using Switch.LoadTest.Scenarios;
using Switch.Runtime.Tests.Postgres;

namespace Switch.LoadTest.Rehearsal;

/// <summary>
/// Plays the scenario's timeline on the run's clock: bank faults on the simulators, kills, stops and restarts of switch
/// nodes, breaker and data-centre actions through an admin endpoint, injected partitions, pauses of the database
/// server. Every step becomes a mark in the report; a step that fails is marked as failed (and logged) rather than
/// ending the run. A node that exits by itself meanwhile (it crashed, or the cluster downed it) is marked too.
/// </summary>
/// <param name="admin">The admin endpoint for calls any node can answer (null when no node runs).</param>
internal sealed class ChaosTimeline(IReadOnlyList<TimelineAction> actions, long startTimestamp, BankFarm? banks, SwitchNodes? nodes,
    Func<AdminClient?> admin, PostgresServer? database, TextWriter log)
{
    /// <summary>How long a node may take to leave gracefully, or to exit once the cluster downed it.</summary>
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The exit code of a node the cluster declared down.</summary>
    private const int DownedExitCode = 3;

    private readonly List<ChaosMark> _marks = [];

    public IReadOnlyList<ChaosMark> Marks
    {
        get
        {
            lock (_marks)
                return _marks.OrderBy(m => m.AtSeconds).ToList();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var watched = (nodes?.All ?? []).Select(node => (node, Exited: (Action<int>)(code =>
            Mark(new ChaosMark(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, "node-exit", $"{node.Id} exited by itself with code {code}"))))).ToList();
        foreach (var (node, exited) in watched)
            node.Process.ExitedUnasked += exited;
        try
        {
            await Task.WhenAll(actions.Select(action => PlayAsync(action, cancellationToken))).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false); // watching until the load is over
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            foreach (var (node, exited) in watched)
                node.Process.ExitedUnasked -= exited;
        }
    }

    private async Task PlayAsync(TimelineAction action, CancellationToken cancellationToken)
    {
        try
        {
            await WaitUntilAsync(action.At, cancellationToken).ConfigureAwait(false);
            await BeginAsync(action, cancellationToken).ConfigureAwait(false);
            if (action.For > TimeSpan.Zero || action.Action == TimelineAction.SwitchKill)
            {
                await WaitUntilAsync(action.At + action.For, cancellationToken).ConfigureAwait(false);
                await EndAsync(action, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task BeginAsync(TimelineAction action, CancellationToken cancellationToken)
    {
        if (action.Action == TimelineAction.RollingRestart)
        {
            await RollingRestartAsync(action).ConfigureAwait(false);
            return;
        }
        await StepAsync(action.Action, action.ToString(), async () =>
        {
            switch (action.Action)
            {
                case TimelineAction.SwitchKill:
                    await SingleNode.Process.KillAsync().ConfigureAwait(false);
                    break;
                case TimelineAction.SwitchRestart:
                    await SingleNode.Process.TerminateAsync(ExitTimeout).ConfigureAwait(false);
                    await Required(nodes).StartAsync(SingleNode).ConfigureAwait(false);
                    break;
                case TimelineAction.BreakerIsolate:
                    await Admin().IsolateAsync(action.Channel, cancellationToken).ConfigureAwait(false);
                    break;
                case TimelineAction.BreakerClose:
                    await Admin().CloseAsync(action.Channel, cancellationToken).ConfigureAwait(false);
                    break;
                case TimelineAction.DbPause:
                    Required(database).Pause();
                    break;
                case TimelineAction.NodeKill:
                    await Node(action).Process.KillAsync().ConfigureAwait(false);
                    break;
                case TimelineAction.NodeStop:
                    await StopAsync(Node(action)).ConfigureAwait(false);
                    break;
                case TimelineAction.NodeStart:
                    await Required(nodes).StartAsync(Node(action)).ConfigureAwait(false);
                    break;
                case TimelineAction.NodePartition:
                    await Node(action).Admin.SetPartitionedAsync(true, cancellationToken).ConfigureAwait(false);
                    break;
                case TimelineAction.DcIsolate:
                    await Admin().IsolateDataCentreAsync(action.DataCentre, cancellationToken).ConfigureAwait(false);
                    break;
                case TimelineAction.DcFailback:
                    await Admin().FailbackDataCentreAsync(action.DataCentre, cancellationToken).ConfigureAwait(false);
                    break;
                case TimelineAction.DcKill:
                    await Task.WhenAll(DataCentre(action).Select(n => n.Process.KillAsync())).ConfigureAwait(false);
                    break;
                default:
                    Required(banks).Begin(action);
                    break;
            }
        }).ConfigureAwait(false);
    }

    private async Task EndAsync(TimelineAction action, CancellationToken cancellationToken)
    {
        var (kind, text) = action.Action switch
        {
            TimelineAction.SwitchKill => ("switch-start", "switch restarted after the kill"),
            TimelineAction.BreakerIsolate => ("breaker-close", $"breaker of {action.Channel} closed again"),
            TimelineAction.DbPause => ("db-resume", "database resumed"),
            TimelineAction.NodeKill => ("node-start", $"{action.Node} restarted after the kill"),
            TimelineAction.NodeStop => ("node-start", $"{action.Node} started again after its stop"),
            TimelineAction.NodePartition => ("node-partition-end", $"partition of {action.Node} over: downed, it exited and was started again"),
            TimelineAction.DcIsolate => ("dc-failback", $"{action.DataCentre} failed back"),
            TimelineAction.DcKill => ("dc-start", $"the nodes of {action.DataCentre} restarted after the kill"),
            _ => (action.Action + "-end", $"{action.Action} {action.Channel} over"),
        };
        await StepAsync(kind, text, async () =>
        {
            switch (action.Action)
            {
                case TimelineAction.SwitchKill:
                    await Required(nodes).StartAsync(SingleNode).ConfigureAwait(false);
                    break;
                case TimelineAction.BreakerIsolate:
                    await Admin().CloseAsync(action.Channel, cancellationToken).ConfigureAwait(false);
                    break;
                case TimelineAction.DbPause:
                    Required(database).Resume();
                    break;
                case TimelineAction.NodeKill or TimelineAction.NodeStop:
                    await Required(nodes).StartAsync(Node(action)).ConfigureAwait(false);
                    break;
                case TimelineAction.NodePartition:
                    await EndPartitionAsync(Node(action), cancellationToken).ConfigureAwait(false);
                    break;
                case TimelineAction.DcIsolate:
                    await Admin().FailbackDataCentreAsync(action.DataCentre, cancellationToken).ConfigureAwait(false);
                    break;
                case TimelineAction.DcKill:
                    await Task.WhenAll(DataCentre(action).Select(Required(nodes).StartAsync)).ConfigureAwait(false);
                    break;
                case TimelineAction.SwitchRestart or TimelineAction.BreakerClose:
                    break;
                default:
                    Required(banks).End(action);
                    break;
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Each running node in turn: a graceful stop, a start, and every shard leased again before the next.</summary>
    private async Task RollingRestartAsync(TimelineAction action)
    {
        var cluster = Required(nodes);
        foreach (var node in cluster.All.Where(n => n.Running).ToList())
        {
            var restarted = await StepAsync(action.Action, $"{action.Action}: {node.Id} stopped, started again, every shard leased", async () =>
            {
                await StopAsync(node).ConfigureAwait(false);
                await cluster.StartAsync(node).ConfigureAwait(false);
                await cluster.WaitUntilServingAsync().ConfigureAwait(false);
            }).ConfigureAwait(false);
            if (!restarted)
                return; // the cluster is not whole again: restarting the next node would take more away
        }
    }

    /// <summary>SIGTERM: the node hands its shards off and leaves; anything but a clean exit fails the step.</summary>
    private static async Task StopAsync(RehearsalNode node)
    {
        var exit = await node.Process.TerminateAsync(ExitTimeout).ConfigureAwait(false);
        if (exit != 0)
            throw new InvalidOperationException($"{node.Id} exited with code {exit} (0 after a graceful leave; SIGKILL after {ExitTimeout.TotalSeconds:0} s)");
    }

    /// <summary>Ends the injected partition; the cluster downed the node meanwhile, so it exits (code 3) and is started as a new incarnation.</summary>
    private async Task EndPartitionAsync(RehearsalNode node, CancellationToken cancellationToken)
    {
        if (node.Running)
            await node.Admin.SetPartitionedAsync(false, cancellationToken).ConfigureAwait(false);
        var exit = await node.Process.WaitForExitAsync(ExitTimeout).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{node.Id} still runs {ExitTimeout.TotalSeconds:0} s after its partition ended (the cluster should have downed it)");
        await Required(nodes).StartAsync(node).ConfigureAwait(false);
        if (exit != DownedExitCode)
            throw new InvalidOperationException($"{node.Id} exited with code {exit} after its partition, not {DownedExitCode} (downed); started again");
    }

    /// <summary>Runs <paramref name="step"/> and marks it; false when it failed.</summary>
    private async Task<bool> StepAsync(string kind, string description, Func<Task> step)
    {
        var at = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        try
        {
            await step().ConfigureAwait(false);
            var took = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds - at;
            Mark(new ChaosMark(at, kind, took >= 0.5 ? $"{description} (took {took:0.0} s)" : description));
            return true;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Mark(new ChaosMark(at, kind, $"{description} FAILED: {error.Message}"));
            return false;
        }
    }

    private void Mark(ChaosMark mark)
    {
        lock (_marks)
            _marks.Add(mark);
        lock (log)
            log.WriteLine($"t={mark.AtSeconds,7:0.0}s  {mark.Description}");
    }

    private async Task WaitUntilAsync(TimeSpan at, CancellationToken cancellationToken)
    {
        var wait = at - Stopwatch.GetElapsedTime(startTimestamp);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
    }

    private RehearsalNode SingleNode => Required(nodes).All[0];

    private RehearsalNode Node(TimelineAction action) => Required(nodes)[action.Node];

    private IEnumerable<RehearsalNode> DataCentre(TimelineAction action) => Required(nodes).All.Where(n => n.DataCentre == action.DataCentre);

    private AdminClient Admin() => admin() ?? throw new InvalidOperationException("no switch node runs to take the admin call");

    private static T Required<T>(T? part) where T : class =>
        part ?? throw new InvalidOperationException($"this run has no {typeof(T).Name} to act on");
}
