using System.CommandLine;
using System.Text.Json.Nodes;

namespace Switch.Cli.Admin;

/// <summary><c>swctl maintenance</c>: banks' announced maintenance windows, during which the router skips their channels.</summary>
internal static class MaintenancePalette
{
    private static readonly string[] Headers = ["ID", "BANK", "FROM", "UNTIL", "OPEN", "REASON"];
    private static readonly string[] Columns = ["id", "bank", "from", "until", "open", "reason"];

    public static Command Create()
    {
        var maintenance = new Command("maintenance", "Banks' maintenance windows");
        maintenance.Subcommands.Add(Add());
        maintenance.Subcommands.Add(List());
        maintenance.Subcommands.Add(Remove());
        return maintenance;
    }

    private static Command Add()
    {
        var bank = new Argument<string>("bank") { Description = "The bank whose channels are skipped" };
        var from = new Option<DateTimeOffset>("--from")
        {
            Description = "When the window opens, ISO 8601 (e.g. 2025-11-21T02:00Z); default now",
            DefaultValueFactory = _ => DateTimeOffset.UtcNow,
        };
        var until = new Option<DateTimeOffset>("--until") { Description = "When the window closes, ISO 8601", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why, for the other operators", DefaultValueFactory = _ => "" };
        var command = new Command("add", "Announce a bank's maintenance window") { bank, from, until, reason };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var body = new JsonObject
            {
                ["bank"] = result.GetValue(bank), ["from"] = result.GetValue(from), ["until"] = result.GetValue(until), ["reason"] = result.GetValue(reason),
            };
            var window = await client.PostAsync("maintenance", body, cancellation);
            AdminCommand.Print(result, window, output => Table.Write(output, Headers, [Columns.Select(c => AdminCommand.Field(window, c)).ToArray()]));
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Every announced window, open or not");
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var windows = await client.GetAsync("maintenance", cancellation);
            AdminCommand.Print(result, windows, output => AdminCommand.Rows(output, windows, Headers, Columns));
        });
        return command;
    }

    private static Command Remove()
    {
        var id = new Argument<string>("id") { Description = "The window's id (mw-...)" };
        var command = new Command("remove", "Withdraw a maintenance window") { id };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var answer = await client.DeleteAsync($"maintenance/{AdminClient.Segment(result.GetValue(id)!)}", cancellation);
            AdminCommand.Print(result, answer, output => output.WriteLine(AdminCommand.Field(answer, "message")));
        });
        return command;
    }
}
