using System.CommandLine;

namespace Switch.Cli.Admin;

/// <summary>
/// <c>swctl dc</c>: move every shard out of a data centre (isolate) and back (failback). A node that is not in a
/// cluster refuses both.
/// </summary>
internal static class DcPalette
{
    public static Command Create()
    {
        var dc = new Command("dc", "Data centres: isolate and fail back");
        dc.Subcommands.Add(Move("isolate", "Move every shard out of a data centre"));
        dc.Subcommands.Add(Move("failback", "Let an isolated data centre take its shards back"));
        return dc;
    }

    private static Command Move(string action, string description)
    {
        var name = new Argument<string>("dc") { Description = "The data centre" };
        var command = new Command(action, description) { name };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var answer = await client.PostAsync($"dc/{AdminClient.Segment(result.GetValue(name)!)}/{action}", null, cancellation);
            AdminCommand.Print(result, answer, output => AdminCommand.Fields(output, answer));
        });
        return command;
    }
}
