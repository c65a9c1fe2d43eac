using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Switch.Cli.Admin;

/// <summary>
/// <c>swctl cluster</c>, as pbm's: the members (show; in a cluster also the data centres and who owns the shards), this
/// node's status, the leader, the membership changes (leave, down, down-unreachable) and <c>cluster sharding</c>. A
/// node that is not in a cluster shows itself alone and refuses the changes. A cluster has no leader: its database
/// decides membership and shard ownership.
/// </summary>
internal static class ClusterPalette
{
    public static Command Create()
    {
        var cluster = new Command("cluster", "Cluster members, leader, leave and down; sharding");
        cluster.Subcommands.Add(Show());
        cluster.Subcommands.Add(Status());
        cluster.Subcommands.Add(Leader());
        cluster.Subcommands.Add(Change(new Command("leave", "Leave the cluster gracefully: this node hands its shards off, then stops"), _ => "cluster/leave"));
        var node = new Argument<string>("node") { Description = "The node to mark down (its id)" };
        cluster.Subcommands.Add(Change(new Command("down", "Mark an unreachable node down, so that its shards move to the others") { node },
            result => $"cluster/down/{AdminClient.Segment(result.GetValue(node)!)}"));
        cluster.Subcommands.Add(Change(new Command("down-unreachable", "Mark every unreachable node down"), _ => "cluster/down-unreachable"));
        cluster.Subcommands.Add(ShardingPalette.Create());
        return cluster;
    }

    private static Command Show()
    {
        var command = new Command("show", "The members: address, status, roles, data centre, uptime; in a cluster also the data centres and the shards' owners");
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var cluster = await client.GetAsync("cluster", cancellation);
            AdminCommand.Print(result, cluster, output =>
            {
                if (IsCluster(cluster))
                {
                    WriteCluster(output, cluster);
                    return;
                }
                Table.Write(output, ["NODE", "ADDRESS", "STATUS", "ROLES", "DC", "UPTIME"], cluster.GetProperty("members").EnumerateArray().Select(m => new[]
                {
                    AdminCommand.Field(m, "node_id"), AdminCommand.Field(m, "address"), AdminCommand.Field(m, "status"), AdminCommand.Field(m, "roles"),
                    AdminCommand.Field(m, "data_center"), Uptime(m),
                }).ToList());
                output.WriteLine($"leader: {AdminCommand.Field(cluster, "leader")} ({AdminCommand.Field(cluster, "mode")} mode)");
            });
        });
        return command;
    }

    /// <summary>The members, the data centres, each region's shard owners, and this node's own part.</summary>
    private static void WriteCluster(TextWriter output, JsonElement cluster)
    {
        Table.Write(output, ["NODE", "ADDRESS", "STATUS", "ROLES", "DC", "INCARNATION", "HEARTBEAT", "UPTIME"],
            cluster.GetProperty("members").EnumerateArray().Select(m => new[]
            {
                AdminCommand.Field(m, "node_id"), AdminCommand.Field(m, "address"), AdminCommand.Field(m, "status"), AdminCommand.Field(m, "roles"),
                AdminCommand.Field(m, "data_center"), AdminCommand.Field(m, "incarnation"), $"{AdminCommand.Field(m, "heartbeat_age_ms")} ms", Uptime(m),
            }).ToList());
        output.WriteLine();
        DcPalette.WriteDataCenters(output, cluster);
        output.WriteLine();
        var regions = cluster.GetProperty("shards").EnumerateArray().ToList();
        Table.Write(output, ["REGION", "NODE", "SHARDS"], regions.SelectMany(r => r.GetProperty("owners").EnumerateArray().Select(o => new[]
        {
            AdminCommand.Field(r, "entity_type"), AdminCommand.Field(o, "node_id"), AdminCommand.Field(o, "shards"),
        })).ToList());
        output.WriteLine();
        var owned = string.Join(", ", regions.Select(r => $"{r.GetProperty("owned_here").GetArrayLength()} {AdminCommand.Field(r, "entity_type")}"));
        output.WriteLine($"this node: {AdminCommand.Field(cluster, "self_node")} (incarnation {AdminCommand.Field(cluster, "incarnation")}, " +
            $"data centre {AdminCommand.Field(cluster, "data_center")}) owns {(owned.Length > 0 ? owned : "no")} shards");
        if (cluster.GetProperty("unreachable").GetArrayLength() > 0)
            output.WriteLine($"unreachable: {AdminCommand.Field(cluster, "unreachable")}");
        if (cluster.GetProperty("partitioned").GetBoolean())
            output.WriteLine("partitioned: this node is cut off from the cluster (fault injection)");
    }

    private static Command Status()
    {
        var command = new Command("status", "This node's membership: status, address, roles, data centre, uptime");
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var cluster = await client.GetAsync("cluster", cancellation);
            AdminCommand.Print(result, cluster, output => AdminCommand.Fields(output, Self(cluster)));
        });
        return command;
    }

    private static Command Leader()
    {
        var command = new Command("leader", "The cluster's leader");
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var cluster = await client.GetAsync("cluster", cancellation);
            var leader = AdminCommand.Field(cluster, "leader");
            var member = cluster.GetProperty("members").EnumerateArray().FirstOrDefault(m => AdminCommand.Field(m, "node_id") == leader);
            AdminCommand.Print(result, cluster, output => output.WriteLine(
                IsCluster(cluster) ? "no leader: the cluster's database decides membership and shard ownership"
                : member.ValueKind == JsonValueKind.Object ? $"{leader} at {AdminCommand.Field(member, "address")}" : leader));
        });
        return command;
    }

    /// <summary>A membership change: POSTed to the node; what it answers is printed.</summary>
    private static Command Change(Command command, Func<ParseResult, string> path)
    {
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var answer = await client.PostAsync(path(result), null, cancellation);
            AdminCommand.Print(result, answer, output => AdminCommand.Fields(output, answer));
        });
        return command;
    }

    private static bool IsCluster(JsonElement cluster) => AdminCommand.Field(cluster, "mode") == "cluster";

    private static JsonElement Self(JsonElement cluster)
    {
        var self = AdminCommand.Field(cluster, "self_node");
        return cluster.GetProperty("members").EnumerateArray().First(m => AdminCommand.Field(m, "node_id") == self);
    }

    private static string Uptime(JsonElement member) =>
        TimeSpan.FromSeconds(member.GetProperty("uptime_seconds").GetInt64()).ToString("c", CultureInfo.InvariantCulture);
}
