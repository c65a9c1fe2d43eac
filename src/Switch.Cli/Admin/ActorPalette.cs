using System.CommandLine;

namespace Switch.Cli.Admin;

/// <summary><c>swctl actor hierarchy</c>, as pbm's: the node's live actors as a tree, with their mailbox depths.</summary>
internal static class ActorPalette
{
    public static Command Create()
    {
        var depth = new Option<int?>("--depth", "-d") { Description = "Levels below /user to list (the deepest show their children counted); default all" };
        var hierarchy = new Command("hierarchy", "The live actors as a tree: messages waiting in each mailbox, children") { depth };
        AdminCommand.SetAction(hierarchy, async (result, client, cancellation) =>
        {
            var actors = await client.GetAsync(result.GetValue(depth) is { } d ? $"actors?depth={d}" : "actors", cancellation);
            AdminCommand.Print(result, actors, output =>
            {
                var rows = actors.EnumerateArray().Select(a => (Path: AdminCommand.Field(a, "path"), Row: a)).ToList();
                var root = rows.Count == 0 ? 0 : Levels(rows[0].Path);
                Table.Write(output, ["ACTOR", "MAILBOX", "CHILDREN"], rows.Select((r, i) => new[]
                {
                    i == 0 ? r.Path : new string(' ', 2 * (Levels(r.Path) - root)) + r.Path[(r.Path.LastIndexOf('/') + 1)..],
                    AdminCommand.Field(r.Row, "mailbox_depth"), AdminCommand.Field(r.Row, "children"),
                }).ToList());
            });
        });
        return new Command("actor", "The node's actors") { hierarchy };
    }

    private static int Levels(string path) => path.Count(c => c == '/');
}
