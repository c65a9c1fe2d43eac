using System.Text.Json;
using System.Text.RegularExpressions;
using Switch.Node.Tests;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Cli.Tests.Admin;

/// <summary>
/// swctl's pbm-style palettes against a real node over HTTP: cluster, cluster sharding, dc, actor hierarchy and txn
/// find. Tables by default, the node's JSON with --json, one <c>swctl: ...</c> line and exit 1 on refusal.
/// </summary>
public sealed class RuntimePaletteTests
{
    private const string SingleNode = "swctl: this node is not part of a cluster (single-node mode): ";

    private static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    private static string[] Lines(string output) => output.TrimEnd().Split('\n');

    private static void AssertRefused((int Code, string Output, string Error) run, string message)
    {
        Assert.Equal(1, run.Code);
        Assert.Equal("", run.Output);
        Assert.Equal($"swctl: {message}", run.Error.TrimEnd());
    }

    /// <summary>
    /// A node with one bank host behind channel palette-a-1 for cards 476173. Its own channel name, because channel
    /// metrics are counted per channel name in the whole process, and other tests count bank-a-1's traffic.
    /// </summary>
    private sealed class PaletteNode(TestNode node, BankHostSimulator bank) : IAsyncDisposable
    {
        public TestNode Node { get; } = node;

        public string Address => Node.AdminEndpoint.ToString();

        public static async Task<PaletteNode> StartAsync()
        {
            var bank = new BankHostSimulator(new BankHostOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));
            await bank.StartAsync();
            var node = await TestNode.StartAsync($$"""
                channels = [ { name = palette-a-1, bank = bank-a, port = {{bank.Endpoint.Port}}, reconnect-delay = 200ms } ]
                bin-table = [ { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = palette-a-1 } ] } ]
                products { classic {} }
                """);
            return new PaletteNode(node, bank);
        }

        public Task<(int Code, string Output, string Error)> SwctlAsync(params string[] args) =>
            AdminNode.RunAsync([.. args, "--node", Address, "--token", TestNode.AdminToken]);

        /// <summary>Sends a purchase as the node's acquirer; the request as sent.</summary>
        public async Task<IsoMessage> PurchaseAsync(long amount = 1000)
        {
            await using var acquirer = await Node.ConnectAsync();
            var purchase = new TransactionFactory(Dialects.Iso87Ascii).Purchase(new Card(AdminNode.Pan, "2912"), amount);
            Assert.Equal("00", (await acquirer.SendAsync(purchase, TimeSpan.FromSeconds(15))).ResponseCode);
            return purchase;
        }

        public async ValueTask DisposeAsync()
        {
            await Node.DisposeAsync();
            await bank.DisposeAsync();
            Node.DeleteDirectory();
        }
    }

    [Fact]
    public async Task Cluster_show_status_leader_and_dc_list_print_this_node_alone()
    {
        await using var node = await PaletteNode.StartAsync();
        var address = Regex.Escape(node.Address);

        var (code, output, error) = await node.SwctlAsync("cluster", "show");
        Assert.Equal((0, ""), (code, error));
        var lines = Lines(output);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^NODE\s+ADDRESS\s+STATUS\s+ROLES\s+DC\s+UPTIME$", lines[0]);
        Assert.Matches($@"^node-1\s+{address}\s+up\s+-\s+default\s+\d\d:\d\d:\d\d$", lines[1]);
        Assert.Equal("leader: node-1 (single-node mode)", lines[2]);

        var json = Json((await node.SwctlAsync("cluster", "show", "--json")).Output);
        Assert.Equal("node-1", json.GetProperty("leader").GetString());
        Assert.Equal(node.Address, json.GetProperty("members")[0].GetProperty("address").GetString());

        var status = await node.SwctlAsync("cluster", "status");
        Assert.Equal(0, status.Code);
        Assert.Matches(@"(?m)^status\s+up$", status.Output);
        Assert.Matches(@"(?m)^data_center\s+default$", status.Output);
        Assert.Equal("up", Json((await node.SwctlAsync("cluster", "status", "--json")).Output).GetProperty("members")[0].GetProperty("status").GetString());

        Assert.Equal($"node-1 at {node.Address}", (await node.SwctlAsync("cluster", "leader")).Output.TrimEnd());

        var dcs = await node.SwctlAsync("dc", "list");
        Assert.Equal((0, ""), (dcs.Code, dcs.Error));
        Assert.Matches(@"^DC\s+ISOLATED\s+UP\s+CHANGED-BY\s+CHANGED-AT\ndefault\s+no\s+1\s+-\s+-$", dcs.Output.TrimEnd());
    }

    [Fact]
    public async Task Cluster_changes_and_data_centre_moves_are_refused_with_one_line_and_exit_1()
    {
        await using var node = await PaletteNode.StartAsync();

        foreach (var args in new[]
                 {
                     new[] { "cluster", "leave" }, ["cluster", "down", "node-2"], ["cluster", "down-unreachable"], ["dc", "isolate", "dc-east"],
                     ["dc", "failback", "dc-east", "--json"],
                 })
        {
            var run = await node.SwctlAsync(args);
            Assert.Equal(1, run.Code);
            Assert.Equal("", run.Output);
            Assert.StartsWith(SingleNode, run.Error);
            Assert.Single(Lines(run.Error));
        }
    }

    [Fact]
    public async Task Sharding_palette_after_a_purchase_shows_the_account_region_and_fetches_its_account_keys()
    {
        await using var node = await PaletteNode.StartAsync();
        await node.PurchaseAsync();
        var key = node.Node.Node.Payments.Protector.AccountKey(AdminNode.Pan);

        var regions = await node.SwctlAsync("cluster", "sharding", "regions");
        Assert.Equal((0, ""), (regions.Code, regions.Error));
        Assert.Matches(@"^REGION\s+NODE\s+SHARDS\s+ENTITIES$", Lines(regions.Output)[0]);
        Assert.Matches(@"^account\s+node-1\s+1\s+1$", Lines(regions.Output)[1]);
        Assert.Equal("account", Json((await node.SwctlAsync("cluster", "sharding", "regions", "--json")).Output)[0].GetProperty("name").GetString());

        var stats = await node.SwctlAsync("cluster", "sharding", "region-stats", "account");
        Assert.Matches(@"(?m)^entities\s+1$", stats.Output);
        Assert.Matches(@"(?m)^shards\s+1$", stats.Output);

        var shards = await node.SwctlAsync("cluster", "sharding", "shard-stats", "account");
        Assert.Matches(@"^SHARD\s+NODE\s+ENTITIES$", Lines(shards.Output)[0]);
        var shard = Json((await node.SwctlAsync("cluster", "sharding", "shard-stats", "account", "--json")).Output)[0].GetProperty("shard").GetInt32();
        Assert.Matches($@"^{shard}\s+node-1\s+1$", Lines(shards.Output)[1]);

        var entities = await node.SwctlAsync("cluster", "sharding", "fetch-entities", "account", shard.ToString());
        Assert.Equal((0, $"ENTITY\n{key}"), (entities.Code, entities.Output.TrimEnd()));
        var entitiesJson = await node.SwctlAsync("cluster", "sharding", "fetch-entities", "account", shard.ToString(), "--json");
        Assert.Equal([key], Json(entitiesJson.Output).GetProperty("entities").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(AdminNode.Pan, entities.Output + entitiesJson.Output + regions.Output + shards.Output);

        AssertRefused(await node.SwctlAsync("cluster", "sharding", "region-stats", "channel"), "no shard region 'channel' on this node");
        AssertRefused(await node.SwctlAsync("cluster", "sharding", "fetch-entities", "account", (shard + 1).ToString()),
            $"shard {shard + 1} of region account is not running on this node");
    }

    [Fact]
    public async Task Actor_hierarchy_prints_the_tree_with_mailboxes_and_children()
    {
        await using var node = await PaletteNode.StartAsync();
        await node.PurchaseAsync();
        var key = node.Node.Node.Payments.Protector.AccountKey(AdminNode.Pan);

        var (code, output, _) = await node.SwctlAsync("actor", "hierarchy");
        Assert.Equal(0, code);
        var lines = Lines(output);
        Assert.Matches(@"^ACTOR\s+MAILBOX\s+CHILDREN$", lines[0]);
        Assert.Matches(@"^switch://node-1/user\s+\d+\s+\d+$", lines[1]);
        var channel = Array.FindIndex(lines, l => Regex.IsMatch(l, @"^  channel-palette-a-1\s+\d+\s+1$"));
        Assert.True(channel > 1, output);
        Assert.Matches(@"^    saf\s+\d+\s+0$", lines[channel + 1]); // the channel's store-and-forward queue, one level down
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^  sharding-account\s+\d+\s+1$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, $@"^      {key}\s+\d+\s+0$"));

        var top = Lines((await node.SwctlAsync("actor", "hierarchy", "--depth", "1")).Output);
        Assert.DoesNotContain(top, l => l.StartsWith("    ", StringComparison.Ordinal));
        Assert.Contains(top, l => Regex.IsMatch(l, @"^  sharding-account\s+\d+\s+1$"));

        var json = Json((await node.SwctlAsync("actor", "hierarchy", "--json")).Output);
        Assert.Contains(json.EnumerateArray(), a => a.GetProperty("path").GetString() == "switch://node-1/user/channel-palette-a-1");
        AssertRefused(await node.SwctlAsync("actor", "hierarchy", "--depth", "0"), "depth must be a whole number, at least 1");
    }

    [Fact]
    public async Task Txn_find_prints_the_purchase_by_rrn_and_by_stan_and_terminal()
    {
        await using var node = await PaletteNode.StartAsync();
        var purchase = await node.PurchaseAsync(4321);
        var key = $"000042|{purchase.TerminalId}|{purchase.Stan}|{purchase.TransmissionDateTime}";

        var byRrn = await node.SwctlAsync("txn", "find", "--rrn", purchase.Rrn!);
        Assert.Equal((0, ""), (byRrn.Code, byRrn.Error));
        var lines = Lines(byRrn.Output);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^TIME\s+KEY\s+KIND\s+AMOUNT\s+RC\s+CHANNEL\s+CARD\s+RRN\s+STATE$", lines[0]);
        Assert.Matches($@"^\S+\s+{Regex.Escape(key)}\s+purchase\s+4321\s+00\s+palette-a-1\s+476173\*{{6}}0010\s+{purchase.Rrn}\s+decided$", lines[1]);
        Assert.DoesNotContain(AdminNode.Pan, byRrn.Output);

        var json = Json((await node.SwctlAsync("txn", "find", "--stan", purchase.Stan!, "--terminal", purchase.TerminalId!, "--json")).Output);
        Assert.Equal(key, Assert.Single(json.EnumerateArray()).GetProperty("key").GetString());
        Assert.Equal(node.Node.Node.Payments.Protector.AccountKey(AdminNode.Pan), json[0].GetProperty("account_key").GetString());

        AssertRefused(await node.SwctlAsync("txn", "find", "--rrn", "ABC123"), "no transaction with RRN ABC123 in the journal's latest 1,000,000 events");
        AssertRefused(await node.SwctlAsync("txn", "find"), "give --rrn, or --stan with --terminal");
        AssertRefused(await node.SwctlAsync("txn", "find", "--stan", purchase.Stan!), "give --rrn, or --stan with --terminal");
    }
}
