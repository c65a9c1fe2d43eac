using System.CommandLine;
using System.Text.Json;

namespace Switch.Cli.Admin;

/// <summary>
/// What every command of the admin palettes shares: a client built from the global options (--node, --token,
/// --operator), the node's JSON printed as it came with --json or as aligned tables, one <c>swctl: ...</c> line and
/// exit code 1 on failure.
/// </summary>
internal static class AdminCommand
{
    /// <summary>Makes <paramref name="body"/> the command's action: it calls the node and prints the answer.</summary>
    public static void SetAction(Command command, Func<ParseResult, AdminClient, CancellationToken, Task> body) =>
        command.SetAction(async (result, cancellation) =>
        {
            try
            {
                using var client = new AdminClient(result.GetValue(Swctl.Node)!, result.GetValue(Swctl.Token), result.GetValue(Swctl.Operator)!);
                await body(result, client, cancellation);
                return 0;
            }
            catch (AdminCallException error)
            {
                result.InvocationConfiguration.Error.WriteLine($"swctl: {error.Message}");
                return 1;
            }
        });

    /// <summary>With --json, the node's answer; otherwise what <paramref name="table"/> writes.</summary>
    public static void Print(ParseResult result, JsonElement answer, Action<TextWriter> table)
    {
        var output = result.InvocationConfiguration.Output;
        if (result.GetValue(Swctl.Json))
            output.WriteLine(answer.GetRawText());
        else
            table(output);
    }

    /// <summary>An object's fields as a FIELD / VALUE table, but those named in <paramref name="except"/>.</summary>
    public static void Fields(TextWriter output, JsonElement answer, params string[] except) =>
        Table.Write(output, ["FIELD", "VALUE"], answer.EnumerateObject()
            .Where(p => !except.Contains(p.Name))
            .Select(p => new[] { p.Name, Text(p.Value) })
            .ToList());

    /// <summary>Rows of <paramref name="answer"/> (an array of objects): the named fields of each.</summary>
    public static void Rows(TextWriter output, JsonElement answer, string[] headers, params string[] fields) =>
        Table.Write(output, headers, answer.EnumerateArray().Select(row => fields.Select(f => Text(row.GetProperty(f))).ToArray()).ToList());

    /// <summary>A JSON value as a table cell: strings as they are, arrays comma-separated, null as "-".</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "-",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "-" : string.Join(", ", value.EnumerateArray().Select(Text)),
        _ => value.GetRawText(),
    };

    /// <summary>A string field of the node's answer.</summary>
    public static string Field(JsonElement answer, string name) => Text(answer.GetProperty(name));
}
