using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Switch.Node.Tests;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Cli.Tests.Admin;

/// <summary><c>swctl top</c> against a real node: one frame with --once (a table, or the node's JSON), frames until cancelled, one line and exit 1 on refusal.</summary>
public sealed class TopCommandTests
{
    [Fact]
    public async Task Top_once_renders_every_channel_with_its_breaker_traffic_and_codes()
    {
        await using var node = await AdminNode.StartAsync();
        Assert.Equal(0, (await node.SwctlAsync("channel", "isolate", "bank-b-1")).Code);
        await using (var acquirer = await node.Node.ConnectAsync())
        {
            var factory = new TransactionFactory(Dialects.Iso87Ascii);
            for (var i = 0; i < 2; i++)
                Assert.Equal("00", (await acquirer.SendAsync(factory.Purchase(new Card(AdminNode.Pan, "2912"), 1000), TimeSpan.FromSeconds(15))).ResponseCode);
        }
        await WaitUntilAsync(node, dashboard => dashboard.GetProperty("channels")[0].GetProperty("top_response_codes").GetArrayLength() > 0);

        var (code, output, error) = await node.SwctlAsync("top", "--once");

        Assert.Equal((0, ""), (code, error));
        Assert.Matches(@"^node-1 ready, up \d\d:\d\d:\d\d\n", output);
        Assert.Matches(@"(?m)^tx/s [\d.]+ \(approved [\d.]+, declined [\d.]+, errors [\d.]+\)\s+shards \d+\s+entities \d+$", output);
        Assert.Matches(@"(?m)^journal commit p99 (-|[\d.]+) ms \((-|[\d.]+) events/commit\)\s+mailbox \d+ \(deepest \d+\)\s+dead letters \d+$", output);
        Assert.Matches(@"(?m)^\s+CHANNEL\s+BANK\s+BREAKER\s+REQ/S\s+SUCCESS\s+P99 MS\s+IN-FLIGHT\s+SAF\s+TOP CODES\s+REQ/S LAST 30 S\s*$", output);
        Assert.Matches(@"(?m)^\s+bank-a-1\s+bank-a\s+closed\s+[\d.]+\s+(-|[\d.]+%)\s+(-|[\d.]+)\s+0\s+0\s+00×2\s+[▁▂▃▄▅▆▇█]{1,30}\s*$", output);
        Assert.Matches(@"(?m)^\s+bank-b-1\s+bank-b\s+isolated\s+0\.0\s+-\s+-\s+0\s+0\s+-\s+▁{1,30}\s*$", output);
        Assert.DoesNotContain("\u001b[", output); // no terminal escapes into a pipe
        Assert.DoesNotContain(AdminNode.Pan, output);
    }

    [Fact]
    public async Task Top_json_once_prints_the_nodes_dashboard()
    {
        await using var node = await AdminNode.StartAsync();

        var (code, output, error) = await node.SwctlAsync("top", "--once", "--json");

        Assert.Equal((0, ""), (code, error));
        Assert.Single(output.TrimEnd().Split('\n'));
        var dashboard = JsonDocument.Parse(output).RootElement;
        Assert.Equal("node-1", dashboard.GetProperty("node_id").GetString());
        Assert.Equal(30, dashboard.GetProperty("seconds").GetInt32());
        Assert.Equal(["bank-a-1", "bank-b-1"], dashboard.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.All(dashboard.GetProperty("channels").EnumerateArray(), c => Assert.Equal("closed", c.GetProperty("breaker").GetString()));
        var samples = dashboard.GetProperty("times").GetArrayLength();
        Assert.Equal(samples, dashboard.GetProperty("channels")[1].GetProperty("series").GetProperty("requests_per_second").GetArrayLength());
    }

    [Fact]
    public async Task Top_redraws_every_interval_until_cancelled_and_then_exits_0()
    {
        await using var node = await AdminNode.StartAsync();
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();

        var code = await Swctl.Create().Parse(["top", "--interval", "0.2", "--node", node.Address, "--token", TestNode.AdminToken])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop.Token);

        Assert.Equal((0, ""), (code, error.ToString()));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(30));
        var frames = System.Text.RegularExpressions.Regex.Matches(output.ToString(), @"(?m)^node-1 ready, up ").Count;
        Assert.InRange(frames, 2, 11);
    }

    [Fact]
    public async Task Top_refused_or_unreachable_prints_one_line_and_exits_1()
    {
        await using var node = await AdminNode.StartAsync();

        foreach (var (args, message) in new[]
                 {
                     (new[] { "top", "--once", "--token", "" }, "swctl: an admin token is required (Authorization: Bearer <token>); give --token or set SWITCH_ADMIN_TOKEN"),
                     (["top", "--token", "guess"], "swctl: wrong admin token"),
                     (["top", "--once", "--json", "--token", "guess"], "swctl: wrong admin token"),
                 })
        {
            var refused = await node.SwctlAsync(args);
            Assert.Equal((1, "", message), (refused.Code, refused.Output, refused.Error.TrimEnd()));
        }

        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closed = $"127.0.0.1:{((System.Net.IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();
        var unreachable = await node.SwctlAsync("top", "--once", "--node", closed);
        Assert.Equal((1, ""), (unreachable.Code, unreachable.Output));
        Assert.StartsWith($"swctl: cannot reach the node at {closed}: ", unreachable.Error);
        Assert.Single(unreachable.Error.TrimEnd().Split('\n'));

        Assert.NotEqual(0, (await node.SwctlAsync("top", "--interval", "0")).Code);
    }

    private static async Task WaitUntilAsync(AdminNode node, Func<JsonElement, bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var run = await node.SwctlAsync("top", "--once", "--json");
            Assert.Equal(0, run.Code);
            if (condition(JsonDocument.Parse(run.Output).RootElement))
                return;
            if (deadline.Elapsed > TimeSpan.FromSeconds(15))
                Assert.Fail("the node's dashboard did not show the traffic within 15 s");
            await Task.Delay(100);
        }
    }
}
