using System.CommandLine;
using System.Text.Json.Nodes;

namespace Switch.Cli.Admin;

/// <summary>
/// <c>swctl channel</c>: the bank channels of a running node: their state, their breakers (isolate, close), and
/// what carries traffic (enable, disable a bank, a channel or a transaction type on a channel).
/// </summary>
internal static class ChannelPalette
{
    public static Command Create()
    {
        var channel = new Command("channel", "Bank channels: state, breakers, enable and disable");
        channel.Subcommands.Add(List());
        channel.Subcommands.Add(Show());
        channel.Subcommands.Add(Breaker("isolate", "Open the channel's breaker until someone closes it: no traffic goes to it"));
        channel.Subcommands.Add(Breaker("close", "Close the channel's breaker (also ends an isolation)"));
        channel.Subcommands.Add(Enablement("enable", "Let traffic through a bank, a channel or a transaction type on a channel again"));
        channel.Subcommands.Add(Enablement("disable", "Route no traffic through a bank, a channel or a transaction type on a channel"));
        return channel;
    }

    private static Argument<string> Name() => new("name") { Description = "The channel's name" };

    private static Command List()
    {
        var command = new Command("list", "Every channel: bank, breaker, signed-on connections, enabled, in flight, SAF depth");
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var channels = await client.GetAsync("channels", cancellation);
            AdminCommand.Print(result, channels, output => Table.Write(output, ["CHANNEL", "BANK", "BREAKER", "SIGNED-ON", "ENABLED", "IN-FLIGHT", "SAF"],
                channels.EnumerateArray().Select(c => new[]
                {
                    AdminCommand.Field(c, "name"), AdminCommand.Field(c, "bank"), AdminCommand.Field(c, "breaker"),
                    $"{AdminCommand.Field(c, "connections")}/{AdminCommand.Field(c, "configured_connections")}", AdminCommand.Field(c, "enabled"),
                    AdminCommand.Field(c, "in_flight"), AdminCommand.Field(c, "saf_depth"),
                }).ToList()));
        });
        return command;
    }

    private static Command Show()
    {
        var name = Name();
        var command = new Command("show", "One channel in full") { name };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var channel = await client.GetAsync($"channels/{AdminClient.Segment(result.GetValue(name)!)}", cancellation);
            AdminCommand.Print(result, channel, output => AdminCommand.Fields(output, channel));
        });
        return command;
    }

    private static Command Breaker(string action, string description)
    {
        var name = Name();
        var command = new Command(action, description) { name };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var answer = await client.PostAsync($"channels/{AdminClient.Segment(result.GetValue(name)!)}/{action}", null, cancellation);
            AdminCommand.Print(result, answer, output =>
                output.WriteLine($"channel {AdminCommand.Field(answer, "channel")}: breaker {AdminCommand.Field(answer, "breaker")}"));
        });
        return command;
    }

    private static Command Enablement(string action, string description)
    {
        var target = new Argument<string>("target") { Description = "A bank, a channel, or channel/type (e.g. bank-a-1/refund) with --level txn-type" };
        var level = new Option<string>("--level")
        {
            Description = "What the target is: bank, channel or txn-type",
            DefaultValueFactory = _ => "channel",
        }.AcceptOnlyFromAmong("bank", "channel", "txn-type");
        var command = new Command(action, description) { target, level };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var body = new JsonObject { ["level"] = result.GetValue(level), ["target"] = result.GetValue(target) };
            var answer = await client.PostAsync($"controls/{action}", body, cancellation);
            AdminCommand.Print(result, answer, output => output.WriteLine(AdminCommand.Field(answer, "message")));
        });
        return command;
    }
}
