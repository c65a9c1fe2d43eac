using System.Diagnostics;
using System.Net;
using Switch.LoadTest.Capture;
using Switch.LoadTest.Live;
using Switch.LoadTest.Load;
using Switch.LoadTest.Scenarios;
using Switch.Protocol.Iso8583;

namespace Switch.LoadTest.Rehearsal;

/// <summary>
/// Drives one switch (one node or a cluster) with one scenario: the load, the timeline, the breaker poll and the live
/// view, from a common start; then waits for the last answers (at most the scenario's drain time) and measures the
/// failover window.
/// </summary>
internal static class RunDriver
{
    /// <param name="switchEndpoints">The acquirer listeners of the switch's nodes.</param>
    /// <param name="admin">The admin endpoint to poll breaker states from (null when no node runs); null: none is polled.</param>
    public static async Task<RunOutcome> DriveAsync(Scenario scenario, IReadOnlyList<EndPoint> switchEndpoints, string terminalPrefix, Func<long, ChaosTimeline>? timeline,
        Func<AdminClient?>? admin, string? captureFile, CancellationToken cancellationToken)
    {
        var cards = new CardPopulation(scenario.Cards, scenario.Banks, scenario.Seed);
        var channels = scenario.Banks.Select(b => b.Channel).ToList();
        if (scenario.Cards.OnUsShare > 0)
            channels.Add(CardPopulation.OnUs);
        var schedule = new RateSchedule(scenario.Phases);
        var seconds = (int)Math.Ceiling((scenario.Duration + scenario.Switch.Drain).TotalSeconds) + 5;
        var started = DateTimeOffset.UtcNow;
        var start = Stopwatch.GetTimestamp();
        var recorder = new RunRecorder(channels, seconds, start);
        await using var capture = captureFile is null ? null : new CaptureWriter(captureFile, scenario.Acquirer.Dialect, start);
        await using var driver = new LoadDriver(scenario, switchEndpoints, cards, recorder, terminalPrefix, capture);
        using var drained = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drained.CancelAfter(scenario.Duration + scenario.Switch.Drain);
        using var background = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var chaos = timeline?.Invoke(start);
        var chaosRun = chaos?.RunAsync(background.Token) ?? Task.CompletedTask;
        var poll = admin is null ? Task.CompletedTask : PollBreakersAsync(admin, recorder, background.Token);
        var live = new LiveView(recorder, schedule, () => driver.InFlight, () => driver.Unanswered).RunAsync(background.Token);
        await driver.RunAsync(drained.Token).ConfigureAwait(false);
        await background.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(chaosRun, poll, live).ConfigureAwait(false);
        var failover = FailoverWindows.Longest(driver.Attempts, scenario.Timeline, rank => PanMask.Mask(cards[rank].Pan));
        return new RunOutcome(recorder, schedule, driver.Ledger.ToList(), chaos?.Marks ?? [], started,
            CapacityTps(scenario, recorder), failover);
    }

    /// <summary>The answered rate over the saturating phases (the highest the switch sustains); 0 without one.</summary>
    private static double CapacityTps(Scenario scenario, RunRecorder recorder)
    {
        var from = TimeSpan.Zero;
        long answered = 0;
        double length = 0;
        foreach (var phase in scenario.Phases)
        {
            if (phase.Saturate)
            {
                // The phase's first second ramps up the windows: count whole seconds after it.
                var first = (int)from.TotalSeconds + 1;
                var last = (int)(from + phase.Duration).TotalSeconds;
                for (var s = first; s < last; s++)
                {
                    answered += recorder.AnsweredIn(s);
                    length++;
                }
            }
            from += phase.Duration;
        }
        return length == 0 ? 0 : answered / length;
    }

    private static async Task PollBreakersAsync(Func<AdminClient?> admin, RunRecorder recorder, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var live = admin() ?? throw new InvalidOperationException("no node runs");
                foreach (var (channel, state) in await live.BreakerStatesAsync(cancellationToken).ConfigureAwait(false))
                    recorder.RecordBreaker(channel, state);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException)
            {
                // The node is down (a kill on the timeline) or restarting: the state is unknown for this second.
                foreach (var channel in recorder.Channels)
                    if (channel != CardPopulation.OnUs)
                        recorder.RecordBreaker(channel, "down");
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
