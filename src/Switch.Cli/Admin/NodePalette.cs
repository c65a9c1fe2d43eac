using System.CommandLine;

namespace Switch.Cli.Admin;

/// <summary><c>swctl node show</c>: the node's id, version, status, uptime, journal and acquirer listeners.</summary>
internal static class NodePalette
{
    public static Command Create()
    {
        var show = new Command("show", "The node: id, version, status, uptime, journal, listeners");
        AdminCommand.SetAction(show, async (result, client, cancellation) =>
        {
            var node = await client.GetAsync("node", cancellation);
            AdminCommand.Print(result, node, output =>
            {
                AdminCommand.Fields(output, node, "acquirers");
                output.WriteLine();
                AdminCommand.Rows(output, node.GetProperty("acquirers"), ["ACQUIRER", "ID", "ENDPOINT", "DIALECT", "FRAMING"],
                    "name", "acquirer_id", "endpoint", "dialect", "framing");
            });
        });
        return new Command("node", "The node itself") { show };
    }
}
