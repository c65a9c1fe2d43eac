using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switch.Node.Tests.EndToEnd;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// The calls behind swctl's pbm-style palettes over real HTTP: cluster (a node alone, refusing what needs a cluster;
/// a real cluster's in <see cref="ClusterApiTests"/>), shard regions after real purchases, the actor hierarchy, the log (card numbers masked) and finding a transaction in
/// the journal.
/// </summary>
public sealed partial class RuntimeApiTests
{
    private const string SingleNode = "this node is not part of a cluster (single-node mode): ";

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToList();

    /// <summary>
    /// A node for the tests that send purchases: one bank host behind channel runtime-a-1 for cards 476173 and 455555,
    /// and on-us cards 627700. Its own channel name, because channel metrics are counted per channel name in the whole
    /// process, and the metrics tests count bank-a-1's requests.
    /// </summary>
    private static async Task<Scenario> StartWithBankAsync()
    {
        var bank = await BankSimulator.StartAsync();
        return await Scenario.StartAsync($$"""
            channels = [ {{Scenario.Channel("runtime-a-1", "bank-a", bank)}} ]
            bin-table = [
              { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = runtime-a-1 } ] }
              { range = "455555", issuer = bank-a, product = classic, candidates = [ { channel = runtime-a-1 } ] }
              { range = "627700", issuer = switch, product = prepaid, on-us = true }
            ]
            products {
              classic {}
              prepaid { opening-balance = 100000 }
            }
            """, [bank]);
    }

    private static async Task<string?> PurchaseAsync(Scenario s, Card card, long amount = 1000) =>
        (await s.SendAsync(s.Factory.Purchase(card, amount))).ResponseCode;

    [Fact]
    public async Task Cluster_show_lists_this_node_as_its_own_leader_and_refuses_what_needs_a_cluster()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();

        var cluster = (await admin.GetAsync("cluster")).Expect(HttpStatusCode.OK);
        Assert.Equal("single-node", cluster.GetProperty("mode").GetString());
        Assert.Equal("node-1", cluster.GetProperty("self_node").GetString());
        Assert.Equal("node-1", cluster.GetProperty("leader").GetString());
        Assert.Empty(Strings(cluster.GetProperty("unreachable")));
        var self = Assert.Single(cluster.GetProperty("members").EnumerateArray());
        Assert.Equal("node-1", self.GetProperty("node_id").GetString());
        Assert.Equal(s.Node.AdminEndpoint.ToString(), self.GetProperty("address").GetString());
        Assert.Equal("up", self.GetProperty("status").GetString());
        Assert.Equal("default", self.GetProperty("data_center").GetString());
        Assert.InRange(self.GetProperty("uptime_seconds").GetInt64(), 0, 600);
        Assert.Equal(JsonValueKind.Null, self.GetProperty("incarnation").ValueKind);
        Assert.Equal(JsonValueKind.Null, cluster.GetProperty("incarnation").ValueKind);
        Assert.Equal("default", cluster.GetProperty("data_center").GetString());
        Assert.False(cluster.GetProperty("partitioned").GetBoolean());
        var dataCenter = Assert.Single(cluster.GetProperty("data_centers").EnumerateArray());
        Assert.Equal(("default", false), (dataCenter.GetProperty("name").GetString(), dataCenter.GetProperty("isolated").GetBoolean()));
        Assert.Empty(cluster.GetProperty("shards").EnumerateArray());

        foreach (var change in new[] { "cluster/leave", "cluster/down/node-2", "cluster/down-unreachable", "dc/default/isolate", "dc/default/failback" })
        {
            var refused = await admin.PostAsync(change);
            Assert.True(refused.Status == HttpStatusCode.Conflict, $"{change}: {(int)refused.Status} {refused.Text}");
            Assert.StartsWith(SingleNode, refused.Error);
        }
        var partition = await admin.PostAsync("faults/partition", """{"partitioned": true}""");
        Assert.Equal(HttpStatusCode.Forbidden, partition.Status);
        Assert.Equal("fault injection is off on this node: POST /faults/partition needs switch.admin.fault-injection = true (rehearsals only, never in production)",
            partition.Error);
        Assert.Equal("up", (await admin.GetAsync("cluster")).Expect(HttpStatusCode.OK).GetProperty("members")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Sharding_after_purchases_shows_the_account_region_and_its_entities_by_account_key_only()
    {
        await using var s = await StartWithBankAsync();
        using var admin = s.Http();
        var cards = new[] { Scenario.OffUs, AdminScenario.SingleChannel, AdminScenario.OnUs };
        foreach (var card in cards)
            Assert.Equal("00", await PurchaseAsync(s, card));
        var keys = cards.Select(c => s.Payments.Protector.AccountKey(c.Pan)).Order(StringComparer.Ordinal).ToList();

        var regions = (await admin.GetAsync("sharding/regions")).Expect(HttpStatusCode.OK);
        var account = Assert.Single(regions.EnumerateArray());
        Assert.Equal("account", account.GetProperty("name").GetString());
        Assert.Equal("node-1", account.GetProperty("node").GetString());
        Assert.Equal(3, account.GetProperty("entities").GetInt32());
        var region = (await admin.GetAsync("sharding/regions/account")).Expect(HttpStatusCode.OK);
        Assert.Equal(account.GetRawText(), region.GetRawText());

        var shards = (await admin.GetAsync("sharding/regions/account/shards")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        Assert.Equal(region.GetProperty("shards").GetInt32(), shards.Count);
        Assert.Equal(3, shards.Sum(shard => shard.GetProperty("entities").GetInt32()));
        var fetched = new List<string>();
        foreach (var shard in shards)
        {
            var answer = await admin.GetAsync($"sharding/regions/account/shards/{shard.GetProperty("shard").GetInt32()}/entities");
            var entities = answer.Expect(HttpStatusCode.OK);
            Assert.Equal(shard.GetProperty("shard").GetInt32(), entities.GetProperty("shard").GetInt32());
            foreach (var card in cards)
                Assert.DoesNotContain(card.Pan, answer.Text);
            fetched.AddRange(Strings(entities.GetProperty("entities")));
        }
        Assert.Equal(keys, fetched.Order(StringComparer.Ordinal));
        Assert.All(fetched, key => Assert.Matches("^acct-[0-9a-f]{32}$", key));

        Assert.Equal("no shard region 'channel' on this node", (await admin.GetAsync("sharding/regions/channel")).Error);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("sharding/regions/channel/shards")).Status);
        var idle = Enumerable.Range(0, 4096).First(n => shards.All(shard => shard.GetProperty("shard").GetInt32() != n));
        var notRunning = await admin.GetAsync($"sharding/regions/account/shards/{idle}/entities");
        Assert.Equal((HttpStatusCode.NotFound, $"shard {idle} of region account is not running on this node"), (notRunning.Status, notRunning.Error));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("sharding/regions/account/shards/x/entities")).Status);
    }

    [Fact]
    public async Task Actor_hierarchy_holds_the_channel_actors_and_the_account_region_with_its_accounts()
    {
        await using var s = await StartWithBankAsync();
        using var admin = s.Http();
        Assert.Equal("00", await PurchaseAsync(s, Scenario.OffUs));
        var key = s.Payments.Protector.AccountKey(Scenario.OffUs.Pan);

        var actors = (await admin.GetAsync("actors")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        var paths = actors.Select(a => a.GetProperty("path").GetString()!).ToList();
        Assert.Equal("switch://node-1/user", paths[0]);
        Assert.Contains("switch://node-1/user/channel-runtime-a-1", paths);
        Assert.Contains("switch://node-1/user/routing-controls", paths);
        Assert.Contains("switch://node-1/user/sharding-account", paths);
        Assert.Single(paths, p => p.StartsWith("switch://node-1/user/sharding-account/", StringComparison.Ordinal) && p.EndsWith("/" + key, StringComparison.Ordinal));
        Assert.All(actors, a => Assert.True(a.GetProperty("mailbox_depth").GetInt32() >= 0));

        var top = (await admin.GetAsync("actors?depth=1")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        Assert.All(top.Skip(1), a => Assert.Equal(4, a.GetProperty("path").GetString()!.Count(c => c == '/')));
        var region = top.Single(a => a.GetProperty("path").GetString() == "switch://node-1/user/sharding-account");
        Assert.Equal(1, region.GetProperty("children").GetInt32()); // the one shard of the one account
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("actors?depth=0")).Status);
    }

    [Fact]
    public async Task Transaction_find_by_rrn_and_by_stan_and_terminal_finds_a_purchase_sent_by_the_test()
    {
        await using var s = await StartWithBankAsync();
        using var admin = s.Http();
        var purchase = s.Factory.Purchase(Scenario.OffUs, 1234);
        Assert.Equal("00", (await s.SendAsync(purchase)).ResponseCode);
        Assert.Equal("00", await PurchaseAsync(s, Scenario.OffUs)); // another one of the same card, not sought

        var byRrn = await admin.GetAsync($"transactions?rrn={purchase.Rrn}");
        var found = Assert.Single(byRrn.Expect(HttpStatusCode.OK).EnumerateArray());
        Assert.DoesNotContain(Scenario.OffUs.Pan, byRrn.Text);
        Assert.Equal($"000042|{purchase.TerminalId}|{purchase.Stan}|{purchase.TransmissionDateTime}", found.GetProperty("key").GetString());
        Assert.Equal(s.Payments.Protector.AccountKey(Scenario.OffUs.Pan), found.GetProperty("account_key").GetString());
        Assert.Equal("purchase", found.GetProperty("kind").GetString());
        Assert.Equal(1234, found.GetProperty("amount").GetInt64());
        Assert.Equal("00", found.GetProperty("response_code").GetString());
        Assert.Equal("runtime-a-1", found.GetProperty("channel").GetString());
        Assert.Equal("476173******0010", found.GetProperty("masked_pan").GetString());
        Assert.Equal(purchase.Rrn, found.GetProperty("rrn").GetString());
        Assert.Equal("decided", found.GetProperty("state").GetString());
        Assert.InRange(found.GetProperty("at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));

        var stan = int.Parse(purchase.Stan!).ToString(); // without its leading zeros, as an operator may type it
        var byStan = (await admin.GetAsync($"transactions?stan={stan}&terminal={purchase.TerminalId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(found.GetRawText(), Assert.Single(byStan.EnumerateArray()).GetRawText());

        var missing = await admin.GetAsync("transactions?rrn=ABC123");
        Assert.Equal((HttpStatusCode.NotFound, "no transaction with RRN ABC123 in the journal's latest 1,000,000 events"), (missing.Status, missing.Error));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"transactions?stan=999999&terminal={purchase.TerminalId}")).Status);
        foreach (var bad in new[] { "", "?stan=1", "?terminal=T1", $"?rrn={purchase.Rrn}&stan=1&terminal=T1", "?rrn=1234567890123", "?stan=12a&terminal=T1" })
            Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("transactions" + bad)).Status);
    }

    [Fact]
    public async Task Log_tail_gives_the_newest_file_s_last_lines_masked_and_reads_on_where_it_stopped()
    {
        await using var s = await AdminScenario.StartAsync(extra: """logging.file = "logs/switch-.log" """);
        using var admin = s.Http();
        var none = await admin.GetAsync("log");
        Assert.Equal((HttpStatusCode.NotFound, "the node has not written a log file yet"), (none.Status, none.Error));
        var logs = Directory.CreateDirectory(Path.Combine(s.Node.Directory, "logs")).FullName;
        const string pan = "4761739001010010";
        // A line that escaped the logger's masking: the endpoint masks it again.
        await File.WriteAllTextAsync(Path.Combine(logs, "switch-20250101.log"), "old day\n");
        await File.WriteAllTextAsync(Path.Combine(logs, "switch-20250102.log"), $"line 1\nline 2\ncard {pan} in clear\r\nline 4\npartial");

        var tail = await admin.GetAsync("log?lines=3");
        var view = tail.Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(pan, tail.Text);
        Assert.Equal("switch-20250102.log", view.GetProperty("file").GetString());
        Assert.Equal(["line 2", "card 476173******0010 in clear", "line 4"], Strings(view.GetProperty("lines")));
        var next = view.GetProperty("next").GetInt64();
        Assert.Equal(new FileInfo(Path.Combine(logs, "switch-20250102.log")).Length - "partial".Length, next);

        await File.AppendAllTextAsync(Path.Combine(logs, "switch-20250102.log"), " line 5\nline 6\n");
        var more = (await admin.GetAsync($"log?file=switch-20250102.log&from={next}")).Expect(HttpStatusCode.OK);
        Assert.Equal(["partial line 5", "line 6"], Strings(more.GetProperty("lines")));
        next = more.GetProperty("next").GetInt64();
        Assert.Empty(Strings((await admin.GetAsync($"log?file=switch-20250102.log&from={next}")).Expect(HttpStatusCode.OK).GetProperty("lines")));

        // The logger rolls over to a new part: reading on from the end of the old one continues in the new one.
        await File.WriteAllTextAsync(Path.Combine(logs, "switch-20250102_001.log"), "rolled\n");
        var rolled = (await admin.GetAsync($"log?file=switch-20250102.log&from={next}")).Expect(HttpStatusCode.OK);
        Assert.Equal("switch-20250102_001.log", rolled.GetProperty("file").GetString());
        Assert.Equal(["rolled"], Strings(rolled.GetProperty("lines")));
        Assert.Equal(["rolled"], Strings((await admin.GetAsync("log")).Expect(HttpStatusCode.OK).GetProperty("lines")));

        foreach (var bad in new[] { "?lines=0", "?lines=10001", "?lines=x", "?from=0", "?file=switch-20250102.log&from=-1" })
            Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("log" + bad)).Status);
    }

    [Fact]
    public async Task A_node_without_a_log_file_says_so()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();

        var answer = await admin.GetAsync("log?lines=5");
        Assert.Equal((HttpStatusCode.NotFound, "this node writes no log file (switch.logging.file is empty)"), (answer.Status, answer.Error));
    }

    [Fact]
    public async Task Log_tail_of_the_real_node_process_has_its_lines_and_no_card_number_after_a_purchase()
    {
        var directory = Directory.CreateTempSubdirectory("switch-runtime-log-").FullName;
        try
        {
            await using var bank = await BankSimulator.StartAsync();
            var config = Path.Combine(directory, "node.conf");
            await File.WriteAllTextAsync(config, $$"""
                switch {
                  node.data-dir = "{{directory}}"
                  logging { level = Debug, file = "logs/switch-.log" }
                  security.card-data-key = "{{TestNode.CardDataKey}}"
                  admin { port = 0, token = "{{TestNode.AdminToken}}" }
                  acquirers = [ { name = log-acquirer, acquirer-id = "000099", port = 0 } ]
                  channels = [ {{BankSimulator.Channel("bank-a-1", "bank-a", bank)}} ]
                  bin-table = [ { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] } ]
                  products { classic {} }
                }
                """);
            await using var node = await NodeProcess.StartAsync(config);
            using var admin = new AdminHttp(IPEndPoint.Parse(AdminLine().Match(node.Output).Groups[1].Value));
            await using (var acquirer = await AcquirerClient.ConnectAsync(await node.AcquirerEndpoint,
                             new AcquirerClientOptions(Dialects.Iso87Ascii, FrameFormat.Binary2)))
            {
                var purchase = new TransactionFactory(Dialects.Iso87Ascii).Purchase(Scenario.OffUs, 1000);
                Assert.Equal("00", (await acquirer.SendAsync(purchase, Scenario.AnswerTimeout)).ResponseCode);
            }
            (await admin.PostAsync("account", $$"""{"key_or_pan": "{{Scenario.OffUs.Pan}}"}""")).Expect(HttpStatusCode.OK);

            AdminAnswer tail = null!;
            await Scenario.Eventually(async () =>
            {
                tail = await admin.GetAsync("log?lines=1000");
                return tail.Status == HttpStatusCode.OK && tail.Text.Contains("acquirer log-acquirer: connection", StringComparison.Ordinal)
                    && tail.Text.Contains(" closed (", StringComparison.Ordinal);
            }, "the purchase's connection, opened and closed, in the node's log file");
            Assert.Matches(@"^switch-\d{8}\.log$", tail.Json.GetProperty("file").GetString());
            var lines = Strings(tail.Json.GetProperty("lines"));
            Assert.Contains(lines, line => line.Contains("admin endpoint listening on", StringComparison.Ordinal));
            Assert.Contains(lines, line => line.Contains("node node-1 started", StringComparison.Ordinal));
            Assert.DoesNotContain(Scenario.OffUs.Pan, tail.Text);
            Assert.Equal(0, await node.TerminateAsync());
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

    [GeneratedRegex(@"admin endpoint listening on (\S+)")]
    private static partial Regex AdminLine();
}
