using System.CommandLine;

namespace Switch.Cli.Admin;

/// <summary><c>swctl saf</c>: the reversal advices a channel still owes its bank (store and forward).</summary>
internal static class SafPalette
{
    public static Command Create()
    {
        var saf = new Command("saf", "Store-and-forward queues of reversal advices");
        saf.Subcommands.Add(List());
        saf.Subcommands.Add(Retry());
        return saf;
    }

    private static Argument<string> Channel() => new("channel") { Description = "The channel's name" };

    private static Command List()
    {
        var channel = Channel();
        var command = new Command("list", "The advices queued on a channel") { channel };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var entries = await client.GetAsync($"channels/{AdminClient.Segment(result.GetValue(channel)!)}/saf", cancellation);
            AdminCommand.Print(result, entries, output =>
                AdminCommand.Rows(output, entries, ["TRANSACTION", "QUEUED", "ATTEMPTS", "REASON"], "transaction_key", "queued", "attempts", "reason"));
        });
        return command;
    }

    private static Command Retry()
    {
        var channel = Channel();
        var command = new Command("retry", "Send a channel's queued advices now instead of at their next retry") { channel };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var answer = await client.PostAsync($"channels/{AdminClient.Segment(result.GetValue(channel)!)}/saf/retry", null, cancellation);
            AdminCommand.Print(result, answer, output =>
                output.WriteLine($"channel {AdminCommand.Field(answer, "channel")}: {AdminCommand.Field(answer, "sent")} queued advices sent"));
        });
        return command;
    }
}
