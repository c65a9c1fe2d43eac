using System.Net;
using System.Text.Json;
using Switch.Node.Tests.EndToEnd;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// The cluster calls of the admin endpoint on real cluster nodes sharing a private PostgreSQL: the members and who owns
/// the shards, isolating a data centre and failing it back, the injected partition, a graceful leave and downing a
/// member. The single node's refusals are in <see cref="RuntimeApiTests"/>.
/// </summary>
public sealed class ClusterApiTests
{
    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();

    private static Func<Task<JsonElement>> Cluster(AdminHttp admin) => async () => (await admin.GetAsync("cluster")).Expect(HttpStatusCode.OK);

    [Fact]
    public async Task Cluster_show_lists_both_members_and_the_shards_and_dc_isolate_moves_every_shard_out_until_failback()
    {
        await using var cluster = AdminCluster.Start("switch_admin_cluster_show");
        var node1 = await cluster.StartNodeAsync("node-1", "dc-a");
        var node2 = await cluster.StartNodeAsync("node-2", "dc-b");
        using var admin1 = new AdminHttp(node1.AdminEndpoint);
        using var admin2 = new AdminHttp(node2.AdminEndpoint);

        var shown = await AdminCluster.WaitForAsync(Cluster(admin1),
            c => AdminCluster.Status(c, "node-2") == "up" && AdminCluster.SpreadOver(c, "node-1", "node-2")
                 && AdminCluster.OwnedHere(c).Count == AdminCluster.Owners(c)["node-1"],
            "both members up, the shards spread over them");
        Assert.Equal("cluster", shown.GetProperty("mode").GetString());
        Assert.Equal("node-1", shown.GetProperty("self_node").GetString());
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("leader").ValueKind);
        Assert.Equal(1, shown.GetProperty("incarnation").GetInt64());
        Assert.Equal("dc-a", shown.GetProperty("data_center").GetString());
        Assert.False(shown.GetProperty("partitioned").GetBoolean());
        Assert.Empty(Strings(shown.GetProperty("unreachable")));
        Assert.Equal(["node-1", "node-2"], shown.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("node_id").GetString()));
        foreach (var (id, dc) in new[] { ("node-1", "dc-a"), ("node-2", "dc-b") })
        {
            var member = AdminCluster.Member(shown, id)!.Value;
            Assert.Equal(dc, member.GetProperty("data_center").GetString());
            Assert.Equal(1, member.GetProperty("incarnation").GetInt64());
            Assert.True(IPEndPoint.TryParse(member.GetProperty("address").GetString()!, out _), member.GetRawText());
            Assert.Empty(Strings(member.GetProperty("roles")));
            Assert.True(member.GetProperty("heartbeat_age_ms").GetInt64() >= 0);
            Assert.True(member.GetProperty("uptime_seconds").GetInt64() >= 0);
        }
        Assert.Equal(["dc-a", "dc-b"], shown.GetProperty("data_centers").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.All(shown.GetProperty("data_centers").EnumerateArray(), d =>
        {
            Assert.False(d.GetProperty("isolated").GetBoolean());
            Assert.Equal(JsonValueKind.Null, d.GetProperty("changed_by").ValueKind);
        });
        var fromNode2 = await AdminCluster.WaitForAsync(Cluster(admin2),
            c => AdminCluster.SpreadOver(c, "node-1", "node-2") && AdminCluster.OwnedHere(c).Count == AdminCluster.Owners(c)["node-2"],
            "node-2 sees the shards spread and owns its share");
        Assert.Equal(("node-2", "dc-b"), (fromNode2.GetProperty("self_node").GetString(), fromNode2.GetProperty("data_center").GetString()));
        Assert.Empty(AdminCluster.OwnedHere(shown).Intersect(AdminCluster.OwnedHere(fromNode2)));

        var isolated = (await admin1.PostAsync("dc/dc-b/isolate")).Expect(HttpStatusCode.OK);
        Assert.Equal(("dc-b", true, AdminHttp.Operator), (isolated.GetProperty("name").GetString(), isolated.GetProperty("isolated").GetBoolean(),
            isolated.GetProperty("changed_by").GetString()));
        Assert.InRange(isolated.GetProperty("changed_at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        var evacuated = await AdminCluster.WaitForAsync(Cluster(admin1), c => AdminCluster.SpreadOver(c, "node-1"), "every account shard on node-1");
        Assert.Contains(evacuated.GetProperty("data_centers").EnumerateArray(), d => d.GetProperty("name").GetString() == "dc-b"
            && d.GetProperty("isolated").GetBoolean() && d.GetProperty("changed_by").GetString() == AdminHttp.Operator);
        await AdminCluster.WaitForAsync(Cluster(admin2), c => AdminCluster.OwnedHere(c).Count == 0, "node-2 owns no shard");

        var failedBack = (await admin2.PostAsync("dc/dc-b/failback")).Expect(HttpStatusCode.OK);
        Assert.False(failedBack.GetProperty("isolated").GetBoolean());
        await AdminCluster.WaitForAsync(Cluster(admin1), c => AdminCluster.SpreadOver(c, "node-1", "node-2"), "node-2 takes shards again");

        var unknownDc = await admin1.PostAsync("dc/dc-z/isolate");
        Assert.Equal((HttpStatusCode.NotFound, "no member was ever in data centre 'dc-z'"), (unknownDc.Status, unknownDc.Error));
        var unknownNode = await admin1.PostAsync("cluster/down/node-9");
        Assert.Equal((HttpStatusCode.NotFound, "no member 'node-9' in the cluster"), (unknownNode.Status, unknownNode.Error));
        var self = await admin1.PostAsync("cluster/down/node-1");
        Assert.Equal(HttpStatusCode.Conflict, self.Status);
        Assert.Empty(Strings((await admin1.PostAsync("cluster/down-unreachable")).Expect(HttpStatusCode.OK).GetProperty("downed")));
        var partition = await admin1.PostAsync("faults/partition", """{"partitioned": true}""");
        Assert.Equal(HttpStatusCode.Forbidden, partition.Status);
        Assert.StartsWith("fault injection is off on this node", partition.Error);
        Assert.Equal("up", AdminCluster.Status(await Cluster(admin1)(), "node-2"));
    }

    [Fact]
    public async Task A_partition_injected_on_a_node_moves_its_shards_to_the_other()
    {
        await using var cluster = AdminCluster.Start("switch_admin_cluster_partition");
        var node1 = await cluster.StartNodeAsync("node-1", "dc-a");
        var node2 = await cluster.StartNodeAsync("node-2", "dc-a", faultInjection: true);
        using var admin1 = new AdminHttp(node1.AdminEndpoint);
        using var admin2 = new AdminHttp(node2.AdminEndpoint);
        await AdminCluster.WaitForAsync(Cluster(admin1), c => AdminCluster.SpreadOver(c, "node-1", "node-2"), "the shards spread over both nodes");

        foreach (var bad in new[] { "{}", """{"partitioned": "yes"}""", "" })
            Assert.Equal(HttpStatusCode.BadRequest, (await admin2.PostAsync("faults/partition", bad)).Status);
        // Never ended in this test: a node that learns it was downed exits its process, here the test host.
        var cut = (await admin2.PostAsync("faults/partition", """{"partitioned": true}""")).Expect(HttpStatusCode.OK);
        Assert.Equal(("node-2", true), (cut.GetProperty("node_id").GetString(), cut.GetProperty("partitioned").GetBoolean()));

        // The leases move first, then node-1 starts serving each shard it took: wait for both.
        var taken = await AdminCluster.WaitForAsync(Cluster(admin1),
            c => AdminCluster.SpreadOver(c, "node-1") && AdminCluster.Status(c, "node-2") == "down" && AdminCluster.OwnedHere(c).Count == AdminCluster.Shards,
            "node-2 marked down and every shard served by node-1");
        Assert.Equal(AdminCluster.Shards, AdminCluster.OwnedHere(taken).Count);
        var partitioned = await AdminCluster.WaitForAsync(Cluster(admin2), c => AdminCluster.OwnedHere(c).Count == 0, "node-2 serves no shard");
        Assert.True(partitioned.GetProperty("partitioned").GetBoolean());
    }

    [Fact]
    public async Task Leave_answers_202_and_the_node_process_hands_its_shards_off_and_exits_0_then_down_marks_its_next_incarnation_down()
    {
        await using var cluster = AdminCluster.Start("switch_admin_cluster_leave");
        var node1 = await cluster.StartNodeAsync("node-1", "dc-a");
        using var admin1 = new AdminHttp(node1.AdminEndpoint);
        var directory = Directory.CreateTempSubdirectory("switch-admin-cluster-").FullName;
        try
        {
            var config = Path.Combine(directory, "node.conf");
            await File.WriteAllTextAsync(config, $$"""
                switch {
                  node.data-dir = "{{directory}}"
                  logging.file = ""
                  security.card-data-key = "{{TestNode.CardDataKey}}"
                  admin { port = 0, token = "{{TestNode.AdminToken}}" }
                  acquirers = [ { name = acquirer, acquirer-id = "000077", port = 0 } ]
                  {{cluster.Configuration("node-2", "dc-a")}}
                }
                """);
            await using (var node2 = await NodeProcess.StartAsync(config))
            {
                await AdminCluster.WaitForAsync(Cluster(admin1), c => AdminCluster.SpreadOver(c, "node-1", "node-2"), "the shards spread over both nodes");
                using var admin2 = new AdminHttp(await node2.AdminEndpoint);
                var leaving = (await admin2.PostAsync("cluster/leave")).Expect(HttpStatusCode.Accepted);
                Assert.Equal("node-2", leaving.GetProperty("node_id").GetString());
                Assert.Equal(0, await node2.WaitForExitAsync(TimeSpan.FromSeconds(90)));
                Assert.Contains("stop requested (admin: test-operator: cluster leave)", node2.Output);
                Assert.Contains("node node-2 left the cluster", node2.Output);
                await AdminCluster.WaitForAsync(Cluster(admin1), c => AdminCluster.Status(c, "node-2") == "removed" && AdminCluster.SpreadOver(c, "node-1"),
                    "node-2 removed and every shard on node-1");
            }

            await using (var node2 = await NodeProcess.StartAsync(config))
            {
                await AdminCluster.WaitForAsync(Cluster(admin1), c => AdminCluster.Member(c, "node-2")?.GetProperty("incarnation").GetInt64() == 2
                    && AdminCluster.SpreadOver(c, "node-1", "node-2"), "node-2's second incarnation up and owning shards");
                var downed = (await admin1.PostAsync("cluster/down/node-2")).Expect(HttpStatusCode.OK);
                Assert.Equal(("node-2", true), (downed.GetProperty("node_id").GetString(), downed.GetProperty("downed").GetBoolean()));
                Assert.Equal(3, await node2.WaitForExitAsync(TimeSpan.FromSeconds(90)));
                await AdminCluster.WaitForAsync(Cluster(admin1), c => AdminCluster.Status(c, "node-2") == "down" && AdminCluster.SpreadOver(c, "node-1"),
                    "node-2 down and every shard on node-1");
                var again = (await admin1.PostAsync("cluster/down/node-2")).Expect(HttpStatusCode.OK);
                Assert.Equal((false, "node node-2 was down or removed already"), (again.GetProperty("downed").GetBoolean(), again.GetProperty("message").GetString()));
            }
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }
}
