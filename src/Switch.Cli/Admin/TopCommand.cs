using System.CommandLine;
using Spectre.Console;

namespace Switch.Cli.Admin;

/// <summary>
/// <c>swctl top</c>: the node's live view in the terminal, refreshed from <c>GET /dashboard</c> every
/// <c>--interval</c> seconds until Ctrl+C: redrawn in place on a terminal, one frame after another in a pipe.
/// <c>--once</c> renders one frame and exits; with <c>--json</c> the node's JSON is printed instead (a line per refresh).
/// </summary>
internal static class TopCommand
{
    private static readonly string DashboardPath = $"dashboard?seconds={TopView.Seconds}";

    /// <summary>How wide a frame is drawn when the output is not a terminal (a pipe, a file, a test).</summary>
    private const int PipeWidth = 160;

    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Render one frame and exit (for scripts)" };
        var interval = new Option<double>("--interval")
        {
            Description = "Seconds between refreshes",
            DefaultValueFactory = _ => 1,
        };
        interval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (>= 0.2 and <= 3600))
                result.AddError("--interval must be from 0.2 to 3600 seconds");
        });
        var command = new Command("top", "Live view of the node: each channel's requests/s, success rate, p99 and breaker; tx/s, journal and mailboxes")
        {
            once,
            interval,
        };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var every = TimeSpan.FromSeconds(result.GetValue(interval));
            try
            {
                await RunAsync(result, client, result.GetValue(once), every, cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // Ctrl+C: the view ends
            }
        });
        return command;
    }

    private static async Task RunAsync(ParseResult result, AdminClient client, bool once, TimeSpan every, CancellationToken cancellation)
    {
        var output = result.InvocationConfiguration.Output;
        if (result.GetValue(Swctl.Json))
        {
            while (true)
            {
                output.WriteLine((await client.GetAsync(DashboardPath, cancellation)).GetRawText());
                if (once)
                    return;
                await Task.Delay(every, cancellation);
            }
        }
        var target = new AnsiConsoleOutput(output);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = target,
            Ansi = target.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            Interactive = target.IsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!target.IsTerminal)
            console.Profile.Width = PipeWidth;
        if (once || !console.Profile.Capabilities.Interactive)
        {
            while (true)
            {
                console.Write(TopView.Render(await client.GetAsync(DashboardPath, cancellation), console.Profile.Width));
                if (once)
                    return;
                console.WriteLine();
                await Task.Delay(every, cancellation);
            }
        }
        var first = await client.GetAsync(DashboardPath, cancellation); // a refusal ends the command before anything is drawn
        await console.Live(TopView.Render(first, console.Profile.Width)).AutoClear(false).StartAsync(async live =>
        {
            while (true)
            {
                await Task.Delay(every, cancellation);
                live.UpdateTarget(TopView.Render(await client.GetAsync(DashboardPath, cancellation), console.Profile.Width));
            }
        });
    }
}
