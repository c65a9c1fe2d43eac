using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Switch.Actors.Security;
using Switch.Actors.Transactions;
using Switch.Node.Tests.EndToEnd;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.Cluster;

/// <summary>
/// Three switch nodes as real processes (two in dc-a, one in dc-b) sharing one PostgreSQL: accounts are sharded over
/// them, an acquirer on any node reaches any account, and when a node dies its shards serve again on the others.
/// </summary>
public sealed class ClusterFailoverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CardDataProtector _protector = CardDataProtector.FromHex(TestNode.CardDataKey);

    private static Card OffUs(int i) => new("476173" + (1000000000L + i).ToString("D10"), "2912");

    private static TransactionFactory Terminal(string id) =>
        new(Dialects.Iso87Ascii, new AcquirerTerminal { AcquirerId = ClusterNodes.AcquirerId, TerminalId = id });

    private static Task<AcquirerClient> ConnectAsync(IPEndPoint endpoint) =>
        AcquirerClient.ConnectAsync(endpoint, new AcquirerClientOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));

    [Fact]
    public async Task Any_node_reaches_any_account_and_a_killed_nodes_shards_serve_again_on_the_others_within_5_seconds()
    {
        await using var cluster = await ClusterNodes.StartAsync("switch_cluster_failover");
        var nodes = await Task.WhenAll(
            cluster.StartNodeAsync("node-1", "dc-a"), cluster.StartNodeAsync("node-2", "dc-a"), cluster.StartNodeAsync("node-3", "dc-b"));
        await cluster.WaitForBalanceAsync("node-1", "node-2", "node-3");
        var owners = await cluster.OwnersAsync();

        // Every node answers for cards of every shard: most of them live on another node.
        var cards = Enumerable.Range(0, 48).Select(OffUs).ToArray();
        var answers = new ConcurrentDictionary<string, IsoMessage>();
        for (var n = 0; n < nodes.Length; n++)
        {
            await using var client = await ConnectAsync(await nodes[n].AcquirerEndpoint);
            var terminal = Terminal($"TERM000{n}");
            foreach (var card in cards)
            {
                var request = terminal.Purchase(card, 1000);
                var answer = await client.SendAsync(request, Timeout);
                Assert.Equal(ResponseCodes.Approved, answer.ResponseCode);
                answers[TransactionKey.Of(ClusterNodes.AcquirerId, request)] = answer;
            }
        }
        var onNode2 = cards.Where(c => owners[ClusterNodes.ShardOf(_protector.AccountKey(c.Pan))] == "node-2").ToArray();
        Assert.NotEmpty(onNode2);

        // SIGKILL node-2: its accounts answer again through node-1 (their shards move to node-1 or node-3).
        await cluster["node-2"].KillAsync();
        var killed = Stopwatch.StartNew();
        var servedAgain = new List<TimeSpan>();
        await using (var client = await ConnectAsync(await nodes[0].AcquirerEndpoint))
        {
            var terminal = Terminal("TERM0009");
            foreach (var card in onNode2)
            {
                while (true)
                {
                    var request = terminal.Purchase(card, 500);
                    var answer = await client.SendAsync(request, Timeout);
                    answers[TransactionKey.Of(ClusterNodes.AcquirerId, request)] = answer;
                    if (answer.ResponseCode == ResponseCodes.Approved)
                        break;
                    Assert.Contains(answer.ResponseCode, new[] { ResponseCodes.IssuerUnavailable, ResponseCodes.SystemMalfunction }); // retryable only
                    Assert.True(killed.Elapsed < TimeSpan.FromSeconds(30), $"{card.Pan[..6]}…: still {answer.ResponseCode} after {killed.Elapsed}");
                }
                servedAgain.Add(killed.Elapsed);
            }
        }
        Assert.True(servedAgain[0] <= TimeSpan.FromSeconds(5), $"the first of node-2's accounts served again after {servedAgain[0].TotalSeconds:0.0} s");
        var after = await cluster.OwnersAsync();
        Assert.DoesNotContain("node-2", after.Values);
        Assert.Equal(ClusterNodes.Shards, after.Count);

        // The journal holds every answer the acquirer got, each transaction decided once.
        await cluster.AssertReconciledAsync(answers);
    }
}
