using System.Diagnostics;
using Switch.LoadTest.Report;
using Switch.LoadTest.Scenarios;
using Switch.Runtime.Tests.Postgres;

namespace Switch.LoadTest.Rehearsal;

/// <summary>
/// Plays the scenario's timeline on the run's clock: bank faults on the simulators, kills and restarts of the switch
/// process, breaker actions through the admin endpoint, pauses of the database server. Every step becomes a mark in
/// the report; a step that fails is marked as failed (and logged) rather than ending the run.
/// </summary>
internal sealed class ChaosTimeline(IReadOnlyList<TimelineAction> actions, long startTimestamp, BankFarm? banks, SwitchProcess? node,
    AdminClient? admin, PostgresServer? database, TextWriter log)
{
    private readonly List<ChaosMark> _marks = [];

    public IReadOnlyList<ChaosMark> Marks
    {
        get
        {
            lock (_marks)
                return _marks.OrderBy(m => m.AtSeconds).ToList();
        }
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(actions.Select(action => PlayAsync(action, cancellationToken)));

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
        await StepAsync(action.Action, action.ToString(), async () =>
        {
            switch (action.Action)
            {
                case TimelineAction.SwitchKill:
                    await Required(node).KillAsync().ConfigureAwait(false);
                    break;
                case TimelineAction.SwitchRestart:
                    await Required(node).TerminateAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                    await Required(node).StartAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
                    break;
                case TimelineAction.BreakerIsolate:
                    await Required(admin).IsolateAsync(action.Channel, cancellationToken).ConfigureAwait(false);
                    break;
                case TimelineAction.BreakerClose:
                    await Required(admin).CloseAsync(action.Channel, cancellationToken).ConfigureAwait(false);
                    break;
                case TimelineAction.DbPause:
                    Required(database).Pause();
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
            _ => (action.Action + "-end", $"{action.Action} {action.Channel} over"),
        };
        await StepAsync(kind, text, async () =>
        {
            switch (action.Action)
            {
                case TimelineAction.SwitchKill:
                    await Required(node).StartAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
                    break;
                case TimelineAction.BreakerIsolate:
                    await Required(admin).CloseAsync(action.Channel, cancellationToken).ConfigureAwait(false);
                    break;
                case TimelineAction.DbPause:
                    Required(database).Resume();
                    break;
                case TimelineAction.SwitchRestart or TimelineAction.BreakerClose:
                    break;
                default:
                    Required(banks).End(action);
                    break;
            }
        }).ConfigureAwait(false);
    }

    private async Task StepAsync(string kind, string description, Func<Task> step)
    {
        var at = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        try
        {
            await step().ConfigureAwait(false);
            var took = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds - at;
            Mark(new ChaosMark(at, kind, took >= 0.5 ? $"{description} (took {took:0.0} s)" : description));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Mark(new ChaosMark(at, kind, $"{description} FAILED: {error.Message}"));
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

    private static T Required<T>(T? part) where T : class =>
        part ?? throw new InvalidOperationException($"this run has no {typeof(T).Name} to act on");
}
