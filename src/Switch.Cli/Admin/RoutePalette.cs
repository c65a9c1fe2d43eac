using System.CommandLine;
using System.Text.Json.Nodes;

namespace Switch.Cli.Admin;

/// <summary><c>swctl route show</c>: where a transaction on a card would go now (the card number leaves the node masked).</summary>
internal static class RoutePalette
{
    public static Command Create()
    {
        var pan = new Argument<string>("pan") { Description = "The card number (sent in the request body, shown masked)" };
        var kind = new Option<string>("--kind")
        {
            Description = "purchase, pre-authorization, completion, refund, balance-inquiry or reversal",
            DefaultValueFactory = _ => "purchase",
        };
        var amount = new Option<long>("--amount") { Description = "The amount in minor units (for the channels' amount rules)" };
        var show = new Command("show", "The route a transaction on the card would take now, and why") { pan, kind, amount };
        AdminCommand.SetAction(show, async (result, client, cancellation) =>
        {
            var body = new JsonObject { ["pan"] = result.GetValue(pan), ["kind"] = result.GetValue(kind), ["amount"] = result.GetValue(amount) };
            var route = await client.PostAsync("route", body, cancellation);
            AdminCommand.Print(result, route, output => AdminCommand.Fields(output, route));
        });
        return new Command("route", "Routing decisions") { show };
    }
}
