using System.CommandLine;
using System.Text.Json;
using Switch.Node.Tests;

namespace Switch.Cli.Tests.Admin;

/// <summary>swctl log peek and tail against a real node: its log file's last lines with card numbers masked, and --follow printing what comes next.</summary>
public sealed class LogPaletteTests
{
    private const string Pan = "4761739001010010";

    /// <summary>A node whose log file the test writes (the node in this process logs nowhere), deleted with the node.</summary>
    private sealed class LogNode(TestNode node, string file) : IAsyncDisposable
    {
        public string File { get; } = file;

        public static async Task<LogNode> StartAsync(int lines)
        {
            var node = await TestNode.StartAsync("""
                logging.file = "logs/switch-.log"
                bin-table = [ { range = "627700", issuer = switch, product = prepaid, on-us = true } ]
                products { prepaid {} }
                """);
            var file = Path.Combine(Directory.CreateDirectory(Path.Combine(node.Directory, "logs")).FullName, "switch-20250102.log");
            // The node's logger masks card numbers already; one in clear shows that the endpoint masks them again.
            await System.IO.File.WriteAllLinesAsync(file, Enumerable.Range(1, lines).Select(n => $"line {n} card {Pan}"));
            return new LogNode(node, file);
        }

        public string[] Args(params string[] args) => [.. args, "--node", node.AdminEndpoint.ToString(), "--token", TestNode.AdminToken];

        public Task<(int Code, string Output, string Error)> SwctlAsync(params string[] args) => AdminNode.RunAsync(Args(args));

        public async ValueTask DisposeAsync()
        {
            await node.DisposeAsync();
            node.DeleteDirectory();
        }
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"not in 15 s: {what}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Peek_prints_the_last_20_lines_and_tail_the_last_n_masked()
    {
        await using var node = await LogNode.StartAsync(30);

        var peek = await node.SwctlAsync("log", "peek");
        Assert.Equal((0, ""), (peek.Code, peek.Error));
        Assert.Equal(Enumerable.Range(11, 20).Select(n => $"line {n} card 476173******0010"), peek.Output.TrimEnd().Split('\n'));

        var tail = await node.SwctlAsync("log", "tail", "--lines", "3");
        Assert.Equal(["line 28 card 476173******0010", "line 29 card 476173******0010", "line 30 card 476173******0010"], tail.Output.TrimEnd().Split('\n'));
        var json = JsonDocument.Parse((await node.SwctlAsync("log", "tail", "-n", "2", "--json")).Output).RootElement;
        Assert.Equal("switch-20250102.log", json.GetProperty("file").GetString());
        Assert.Equal(2, json.GetProperty("lines").GetArrayLength());
        Assert.DoesNotContain(Pan, peek.Output + tail.Output + json.GetRawText());

        var refused = await node.SwctlAsync("log", "tail", "--lines", "0");
        Assert.Equal((1, "", "swctl: lines must be a whole number from 1 to 10000"), (refused.Code, refused.Output, refused.Error.TrimEnd()));
    }

    [Fact]
    public async Task Tail_follow_prints_new_lines_as_they_are_written_until_cancelled()
    {
        await using var node = await LogNode.StartAsync(5);
        var output = new StringWriter();
        var synchronized = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource();
        var run = Swctl.Create().Parse(node.Args("log", "tail", "--lines", "1", "--follow"))
            .InvokeAsync(new InvocationConfiguration { Output = synchronized, Error = synchronized }, stop.Token);
        string Printed()
        {
            lock (synchronized)
                return output.ToString();
        }

        await Eventually(() => Printed().Contains("line 5", StringComparison.Ordinal), "the last line first");
        await File.AppendAllTextAsync(node.File, $"line 6 card {Pan}\nline 7\n");
        await Eventually(() => Printed().Contains("line 7", StringComparison.Ordinal), "the lines written since");
        await stop.CancelAsync();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["line 5 card 476173******0010", "line 6 card 476173******0010", "line 7"], Printed().TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task A_node_without_a_log_file_is_refused_with_exit_1()
    {
        await using var node = await AdminNode.StartAsync();

        var peek = await node.SwctlAsync("log", "peek");
        Assert.Equal((1, "", "swctl: this node writes no log file (switch.logging.file is empty)"), (peek.Code, peek.Output, peek.Error.TrimEnd()));
    }
}
