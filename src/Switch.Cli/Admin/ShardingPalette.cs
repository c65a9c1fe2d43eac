using System.CommandLine;

namespace Switch.Cli.Admin;

/// <summary>
/// <c>swctl cluster sharding</c>, as pbm's: the shard regions, a region's totals, its shards with their entity counts,
/// and the entity ids of one shard (account keys, never card numbers).
/// </summary>
internal static class ShardingPalette
{
    public static Command Create()
    {
        var sharding = new Command("sharding", "Shard regions, their shards and entities");
        sharding.Subcommands.Add(Regions());
        sharding.Subcommands.Add(RegionStats());
        sharding.Subcommands.Add(ShardStats());
        sharding.Subcommands.Add(FetchEntities());
        return sharding;
    }

    private static Argument<string> Region() => new("region") { Description = "The region's entity type, e.g. account" };

    private static Command Regions()
    {
        var command = new Command("regions", "Every shard region: shards running, active entities");
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var regions = await client.GetAsync("sharding/regions", cancellation);
            AdminCommand.Print(result, regions, output => AdminCommand.Rows(output, regions, ["REGION", "NODE", "SHARDS", "ENTITIES"], "name", "node", "shards", "entities"));
        });
        return command;
    }

    private static Command RegionStats()
    {
        var region = Region();
        var command = new Command("region-stats", "One region's shards running and active entities") { region };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var stats = await client.GetAsync($"sharding/regions/{AdminClient.Segment(result.GetValue(region)!)}", cancellation);
            AdminCommand.Print(result, stats, output => AdminCommand.Fields(output, stats));
        });
        return command;
    }

    private static Command ShardStats()
    {
        var region = Region();
        var command = new Command("shard-stats", "A region's running shards, each with its active entities") { region };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var shards = await client.GetAsync($"sharding/regions/{AdminClient.Segment(result.GetValue(region)!)}/shards", cancellation);
            AdminCommand.Print(result, shards, output => AdminCommand.Rows(output, shards, ["SHARD", "NODE", "ENTITIES"], "shard", "node", "entities"));
        });
        return command;
    }

    private static Command FetchEntities()
    {
        var region = Region();
        var shard = new Argument<int>("shard") { Description = "The shard's number" };
        var command = new Command("fetch-entities", "The ids of a shard's active entities") { region, shard };
        AdminCommand.SetAction(command, async (result, client, cancellation) =>
        {
            var entities = await client.GetAsync(
                $"sharding/regions/{AdminClient.Segment(result.GetValue(region)!)}/shards/{result.GetValue(shard)}/entities", cancellation);
            AdminCommand.Print(result, entities, output =>
                Table.Write(output, ["ENTITY"], entities.GetProperty("entities").EnumerateArray().Select(e => new[] { AdminCommand.Text(e) }).ToList()));
        });
        return command;
    }
}
