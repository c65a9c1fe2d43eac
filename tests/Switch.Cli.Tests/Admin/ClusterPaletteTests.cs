using System.Text.Json;
using Switch.Node.Tests;
using Switch.Node.Tests.Admin;

namespace Switch.Cli.Tests.Admin;

/// <summary>
/// swctl's cluster and dc palettes against two real cluster nodes in this process (node-1 in dc-a, node-2 in dc-b)
/// sharing a private PostgreSQL: tables by default, the node's JSON with --json, one <c>swctl: ...</c> line and exit 1
/// on refusal. The single node's answers are in <see cref="RuntimePaletteTests"/>.
/// </summary>
public sealed class ClusterPaletteTests
{
    private static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    private static string[] Lines(string output) => output.TrimEnd().Split('\n');

    private static Task<(int Code, string Output, string Error)> SwctlAsync(TestNode node, params string[] args) =>
        AdminNode.RunAsync([.. args, "--node", node.AdminEndpoint.ToString(), "--token", TestNode.AdminToken, "--operator", "alice"]);

    private static Func<Task<JsonElement>> Cluster(TestNode node) => async () =>
    {
        var (code, output, error) = await SwctlAsync(node, "cluster", "show", "--json");
        Assert.True(code == 0, error);
        return Json(output);
    };

    private static void AssertRefused((int Code, string Output, string Error) run, string message)
    {
        Assert.Equal(1, run.Code);
        Assert.Equal("", run.Output);
        Assert.Equal($"swctl: {message}", run.Error.TrimEnd());
    }

    [Fact]
    public async Task Cluster_show_dc_isolate_and_failback_then_cluster_leave_stops_the_node()
    {
        await using var cluster = AdminCluster.Start("switch_cli_cluster");
        var node1 = await cluster.StartNodeAsync("node-1", "dc-a");
        var node2 = await cluster.StartNodeAsync("node-2", "dc-b");
        var spread = await AdminCluster.WaitForAsync(Cluster(node1), c => AdminCluster.Status(c, "node-2") == "up" && AdminCluster.SpreadOver(c, "node-1", "node-2")
            && AdminCluster.OwnedHere(c).Count == AdminCluster.Owners(c)["node-1"], "both members up, the shards spread over them");
        var (owned1, owned2) = (AdminCluster.Owners(spread)["node-1"], AdminCluster.Owners(spread)["node-2"]);

        var (code, output, error) = await SwctlAsync(node1, "cluster", "show");
        Assert.Equal((0, ""), (code, error));
        var lines = Lines(output);
        Assert.Matches(@"^NODE\s+ADDRESS\s+STATUS\s+ROLES\s+DC\s+INCARNATION\s+HEARTBEAT\s+UPTIME$", lines[0]);
        Assert.Matches(@"^node-1\s+127\.0\.0\.1:\d+\s+up\s+-\s+dc-a\s+1\s+\d+ ms\s+\d\d:\d\d:\d\d$", lines[1]);
        Assert.Matches(@"^node-2\s+127\.0\.0\.1:\d+\s+up\s+-\s+dc-b\s+1\s+\d+ ms\s+\d\d:\d\d:\d\d$", lines[2]);
        Assert.Equal("", lines[3]);
        Assert.Matches(@"^DC\s+ISOLATED\s+UP\s+CHANGED-BY\s+CHANGED-AT$", lines[4]);
        Assert.Matches(@"^dc-a\s+no\s+1\s+-\s+-$", lines[5]);
        Assert.Matches(@"^dc-b\s+no\s+1\s+-\s+-$", lines[6]);
        Assert.Equal("", lines[7]);
        Assert.Matches(@"^REGION\s+NODE\s+SHARDS$", lines[8]);
        Assert.Matches($@"^account\s+node-1\s+{owned1}$", lines[9]);
        Assert.Matches($@"^account\s+node-2\s+{owned2}$", lines[10]);
        Assert.Equal("", lines[11]);
        Assert.Equal($"this node: node-1 (incarnation 1, data centre dc-a) owns {owned1} account shards", lines[12]);
        Assert.Equal(13, lines.Length);

        var status = await SwctlAsync(node2, "cluster", "status");
        Assert.Equal(0, status.Code);
        Assert.Matches(@"(?m)^node_id\s+node-2$", status.Output);
        Assert.Matches(@"(?m)^data_center\s+dc-b$", status.Output);
        Assert.Matches(@"(?m)^incarnation\s+1$", status.Output);
        Assert.Equal("no leader: the cluster's database decides membership and shard ownership", (await SwctlAsync(node1, "cluster", "leader")).Output.TrimEnd());

        var dcs = await SwctlAsync(node1, "dc", "list");
        Assert.Equal((0, ""), (dcs.Code, dcs.Error));
        Assert.Equal(lines[4..7], Lines(dcs.Output));
        Assert.Equal(["dc-a", "dc-b"], Json((await SwctlAsync(node1, "dc", "list", "--json")).Output).EnumerateArray().Select(d => d.GetProperty("name").GetString()));

        var isolated = await SwctlAsync(node1, "dc", "isolate", "dc-b");
        Assert.Equal((0, ""), (isolated.Code, isolated.Error));
        Assert.Matches(@"(?m)^name\s+dc-b$", isolated.Output);
        Assert.Matches(@"(?m)^isolated\s+yes$", isolated.Output);
        Assert.Matches(@"(?m)^changed_by\s+alice$", isolated.Output);
        await AdminCluster.WaitForAsync(Cluster(node1), c => AdminCluster.SpreadOver(c, "node-1"), "every account shard on node-1");
        Assert.Matches(@"(?m)^dc-b\s+yes\s+1\s+alice\s+\S+$", (await SwctlAsync(node1, "dc", "list")).Output);

        var failedBack = Json((await SwctlAsync(node2, "dc", "failback", "dc-b", "--json")).Output);
        Assert.False(failedBack.GetProperty("isolated").GetBoolean());
        await AdminCluster.WaitForAsync(Cluster(node1), c => AdminCluster.SpreadOver(c, "node-1", "node-2"), "node-2 takes shards again");

        AssertRefused(await SwctlAsync(node1, "dc", "isolate", "dc-z"), "no member was ever in data centre 'dc-z'");
        AssertRefused(await SwctlAsync(node1, "cluster", "down", "node-9"), "no member 'node-9' in the cluster");
        var unreachable = await SwctlAsync(node1, "cluster", "down-unreachable");
        Assert.Equal((0, ""), (unreachable.Code, unreachable.Error));
        Assert.Matches(@"(?m)^downed\s+-$", unreachable.Output);

        var leave = await SwctlAsync(node2, "cluster", "leave");
        Assert.Equal((0, ""), (leave.Code, leave.Error));
        Assert.Matches(@"(?m)^node_id\s+node-2$", leave.Output);
        Assert.Matches(@"(?m)^message\s+node node-2 is leaving the cluster: it hands its shards off to the other nodes, then stops$", leave.Output);
        await AdminCluster.WaitForAsync(Cluster(node1), c => AdminCluster.Status(c, "node-2") == "removed" && AdminCluster.SpreadOver(c, "node-1"),
            "node-2 removed and every shard on node-1");
        await node2.Node.StopAsync().WaitAsync(TimeSpan.FromSeconds(90)); // the stop the leave began
        var gone = await SwctlAsync(node2, "cluster", "show");
        Assert.Equal(1, gone.Code);
        Assert.StartsWith($"swctl: cannot reach the node at {node2.AdminEndpoint}", gone.Error);

        var down = await SwctlAsync(node1, "cluster", "down", "node-2");
        Assert.Equal(0, down.Code);
        Assert.Matches(@"(?m)^downed\s+no$", down.Output);
    }
}
