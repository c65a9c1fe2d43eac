using System.Diagnostics;
using Spectre.Console;
using Switch.LoadTest.Load;

namespace Switch.LoadTest.Live;

/// <summary>
/// Progress in the terminal while a run goes: the last second's rate, p99 and failures, what is in flight, and every
/// channel's breaker. On an interactive terminal a live table (Spectre.Console) redrawn every second; otherwise (CI,
/// a pipe) one plain line every five seconds.
/// </summary>
internal sealed class LiveView(RunRecorder recorder, RateSchedule schedule, Func<long> inFlight, Func<long> unanswered)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            await AnsiConsole.Live(Render()).AutoClear(false).StartAsync(async context =>
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    context.UpdateTarget(Render());
                }
            }).ConfigureAwait(false);
            return;
        }
        while (!cancellationToken.IsCancellationRequested)
        {
            await Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            Console.WriteLine(Line());
        }
    }

    private string Line()
    {
        var elapsed = Stopwatch.GetElapsedTime(recorder.StartTimestamp);
        var last = recorder.LastSecond();
        var breakers = string.Join(" ", recorder.Channels.Select(c => $"{c}:{recorder.BreakerOf(c) ?? "-"}"));
        return $"t={elapsed.TotalSeconds,5:0}s {schedule.PhaseAt(elapsed).Name,-10} target {schedule.RateAt(elapsed),7:0}/s answered {last.Answered,6}/s " +
               $"approved {last.Approved,6}/s p99 {last.P99Ms,7:0.0} ms failed {last.Errors,4}/s in flight {inFlight(),6} unanswered {unanswered()} {breakers}";
    }

    private Table Render()
    {
        var elapsed = Stopwatch.GetElapsedTime(recorder.StartTimestamp);
        var last = recorder.LastSecond();
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]rehearsal[/] t={elapsed.TotalSeconds:0}s of {schedule.Duration.TotalSeconds:0}s, phase {Markup.Escape(schedule.PhaseAt(elapsed).Name)}");
        table.AddColumn("target/s").AddColumn("answered/s").AddColumn("approved/s").AddColumn("p99 ms").AddColumn("failed/s").AddColumn("in flight").AddColumn("unanswered");
        table.AddRow($"{schedule.RateAt(elapsed):0}", $"{last.Answered}", $"{last.Approved}", $"{last.P99Ms:0.0}",
            last.Errors > 0 ? $"[red]{last.Errors}[/]" : "0", $"{inFlight()}", unanswered() > 0 ? $"[red]{unanswered()}[/]" : "0");
        var channels = new Table().Border(TableBorder.Simple).AddColumn("channel").AddColumn("breaker");
        foreach (var channel in recorder.Channels)
        {
            var state = recorder.BreakerOf(channel) ?? "-";
            channels.AddRow(Markup.Escape(channel), state switch { "closed" => "[green]closed[/]", "open" => "[red]open[/]", "-" => "-", _ => $"[yellow]{Markup.Escape(state)}[/]" });
        }
        var outer = new Table().HideHeaders().NoBorder().AddColumn("");
        outer.AddRow(table);
        outer.AddRow(channels);
        return outer;
    }

    private static async Task Delay(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
