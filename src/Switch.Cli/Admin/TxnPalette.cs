using System.CommandLine;

namespace Switch.Cli.Admin;

/// <summary>
/// <c>swctl txn find</c>: a transaction in the node's journal (its latest million events) by RRN, or by STAN and
/// terminal: key, kind, amount, response code, channel, masked card number, time, and whether it is decided.
/// </summary>
internal static class TxnPalette
{
    public static Command Create()
    {
        var rrn = new Option<string?>("--rrn") { Description = "The retrieval reference number (DE 37)" };
        var stan = new Option<string?>("--stan") { Description = "The system trace audit number (DE 11), with --terminal" };
        var terminal = new Option<string?>("--terminal") { Description = "The terminal id (DE 41), with --stan" };
        var find = new Command("find", "Find a transaction in the journal by --rrn, or by --stan and --terminal") { rrn, stan, terminal };
        AdminCommand.SetAction(find, async (result, client, cancellation) =>
        {
            var query = (result.GetValue(rrn), result.GetValue(stan), result.GetValue(terminal)) switch
            {
                ({ } r, null, null) => $"rrn={Uri.EscapeDataString(r)}",
                (null, { } s, { } t) => $"stan={Uri.EscapeDataString(s)}&terminal={Uri.EscapeDataString(t)}",
                _ => throw new AdminCallException("give --rrn, or --stan with --terminal"),
            };
            var found = await client.GetAsync($"transactions?{query}", cancellation);
            AdminCommand.Print(result, found, output => AdminCommand.Rows(output, found,
                ["TIME", "KEY", "KIND", "AMOUNT", "RC", "CHANNEL", "CARD", "RRN", "STATE"],
                "at", "key", "kind", "amount", "response_code", "channel", "masked_pan", "rrn", "state"));
        });
        return new Command("txn", "Transactions in the journal") { find };
    }
}
