using System.CommandLine;
using System.Text.Json;

namespace Switch.Cli.Admin;

/// <summary>
/// <c>swctl dc</c>: the data centres (list), moving every shard out of one (isolate) and letting it take shards again
/// (failback). A node that is not in a cluster lists its one data centre and refuses the moves.
/// </summary>
internal static class DcPalette
{
    public static Command Create()
    {
        var dc = new Command("dc", "Data centres: list, isolate and fail back");
        dc.Subcommands.Add(List());
        dc.Subcommands.Add(Move("isolate", "Move every shard out of a data centre"));
        dc.Subcommands.Add(Move("failback", "Let an isolated data centre take its shards back"));
        return dc;
    }

    /// <summary>The data centres of a GET /cluster answer: isolated or not, members up in each, who changed it last.</summary>
    public static void WriteDataCenters(TextWriter output, JsonElement cluster)
    {
        var members = cluster.GetProperty("members").EnumerateArray().ToList();
        Table.Write(output, ["DC", "ISOLATED", "UP", "CHANGED-BY", "CHANGED-AT"], cluster.GetProperty("data_centers").EnumerateArray().Select(dc => new[]
        {
            AdminCommand.Field(dc, "name"), AdminCommand.Field(dc, "isolated"),
            members.Count(m => AdminCommand.Field(m, "data_center") == AdminCommand.Field(dc, "name") && AdminCommand.Field(m, "status") == "up").ToString(),
            AdminCommand.Field(dc, "changed_by"), AdminCommand.Field(dc, "changed_at"),
        }).ToList());
    }

    private static Command List()
    {
        var command = new Command("list", "The data centres: isolated or not, members up, who changed it last and when");
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var cluster = await client.GetAsync("cluster", cancellation);
            AdminCommand.Print(result, cluster.GetProperty("data_centers"), output => WriteDataCenters(output, cluster));
        });
        return command;
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
