using System.CommandLine;
using System.Text.Json.Nodes;

namespace Switch.Cli.Admin;

/// <summary><c>swctl account show</c>: an account's balance, holds, limits used and transactions in flight.</summary>
internal static class AccountPalette
{
    public static Command Create()
    {
        var keyOrPan = new Argument<string>("key-or-pan") { Description = "The account key (acct-...) or the card number (shown masked)" };
        var show = new Command("show", "An account's state") { keyOrPan };
        AdminCommand.SetAction(show, async (result, client, cancellation) =>
        {
            var account = await client.PostAsync("account", new JsonObject { ["key_or_pan"] = result.GetValue(keyOrPan) }, cancellation);
            AdminCommand.Print(result, account, output => AdminCommand.Fields(output, account));
        });
        return new Command("account", "Accounts") { show };
    }
}
