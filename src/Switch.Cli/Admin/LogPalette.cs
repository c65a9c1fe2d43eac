using System.CommandLine;
using System.Text.Json;

namespace Switch.Cli.Admin;

/// <summary>
/// <c>swctl log</c>, as pbm's: the node's log file, card numbers masked. <c>peek</c> prints the last lines once;
/// <c>tail --follow</c> then keeps printing what the node writes, asking every second, until Ctrl+C.
/// </summary>
internal static class LogPalette
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var log = new Command("log", "The node's log");
        log.Subcommands.Add(Tail());
        log.Subcommands.Add(Peek());
        return log;
    }

    private static Command Tail()
    {
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the last lines (1 to 10000)", DefaultValueFactory = _ => 50 };
        var follow = new Option<bool>("--follow", "-f") { Description = "Then print new lines as the node writes them, until Ctrl+C" };
        var command = new Command("tail", "The last lines of the node's log, and optionally what follows") { lines, follow };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var answer = await client.GetAsync($"log?lines={result.GetValue(lines)}", cancellation);
            Print(result, answer);
            if (!result.GetValue(follow))
                return;
            try
            {
                while (true)
                {
                    await Task.Delay(FollowInterval, cancellation);
                    answer = await client.GetAsync(
                        $"log?file={Uri.EscapeDataString(AdminCommand.Field(answer, "file"))}&from={AdminCommand.Field(answer, "next")}", cancellation);
                    if (answer.GetProperty("lines").GetArrayLength() > 0)
                        Print(result, answer);
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // Ctrl+C: following ends here
            }
        });
        return command;
    }

    private static Command Peek()
    {
        var command = new Command("peek", "The last 20 lines of the node's log");
        AdminCommand.SetAction(command, async (result, client, cancellation) => Print(result, await client.GetAsync("log?lines=20", cancellation)));
        return command;
    }

    private static void Print(ParseResult result, JsonElement answer) => AdminCommand.Print(result, answer, output =>
    {
        foreach (var line in answer.GetProperty("lines").EnumerateArray())
            output.WriteLine(line.GetString());
    });
}
