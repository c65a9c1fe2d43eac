using System.CommandLine;
using Switch.Cli.Iso;

namespace Switch.Cli;

/// <summary>The <c>swctl</c> command tree: one palette per concern, pbm-style.</summary>
internal static class Swctl
{
    /// <summary>Prints machine-readable JSON instead of aligned tables.</summary>
    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of aligned tables", Recursive = true };

    public static RootCommand Create()
    {
        var root = new RootCommand("swctl: operate a Switch payment switch");
        root.Options.Add(Json);
        root.Subcommands.Add(IsoPalette.Create());
        return root;
    }
}
