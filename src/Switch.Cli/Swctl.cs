using System.CommandLine;
using Switch.Cli.Admin;
using Switch.Cli.Iso;

namespace Switch.Cli;

/// <summary>The <c>swctl</c> command tree: one palette per concern, pbm-style.</summary>
internal static class Swctl
{
    /// <summary>Prints machine-readable JSON instead of aligned tables.</summary>
    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of aligned tables", Recursive = true };

    /// <summary>The node's admin endpoint.</summary>
    public static readonly Option<string> Node = new("--node")
    {
        Description = "The node's admin endpoint, host:port",
        DefaultValueFactory = _ => "127.0.0.1:9110",
        Recursive = true,
    };

    /// <summary>The admin token the node expects.</summary>
    public static readonly Option<string?> Token = new("--token")
    {
        Description = "The node's admin token (default: the SWITCH_ADMIN_TOKEN environment variable)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SWITCH_ADMIN_TOKEN"),
        Recursive = true,
    };

    /// <summary>Who is operating: the node logs and journals it with every change.</summary>
    public static readonly Option<string> Operator = new("--operator")
    {
        Description = "Your name in the node's log and journal (default: $USER)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("USER") ?? Environment.UserName,
        Recursive = true,
    };

    public static RootCommand Create()
    {
        var root = new RootCommand("swctl: operate a Switch payment switch");
        root.Options.Add(Json);
        root.Options.Add(Node);
        root.Options.Add(Token);
        root.Options.Add(Operator);
        root.Subcommands.Add(IsoPalette.Create());
        root.Subcommands.Add(ChannelPalette.Create());
        root.Subcommands.Add(MaintenancePalette.Create());
        root.Subcommands.Add(RoutePalette.Create());
        root.Subcommands.Add(AccountPalette.Create());
        root.Subcommands.Add(SafPalette.Create());
        root.Subcommands.Add(NodePalette.Create());
        root.Subcommands.Add(TopCommand.Create());
        root.Subcommands.Add(ClusterPalette.Create());
        root.Subcommands.Add(ActorPalette.Create());
        root.Subcommands.Add(LogPalette.Create());
        root.Subcommands.Add(TxnPalette.Create());
        root.Subcommands.Add(DcPalette.Create());
        return root;
    }
}
