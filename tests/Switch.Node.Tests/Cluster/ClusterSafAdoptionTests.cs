using Switch.Actors.Security;
using Switch.Actors.Transactions;
using Switch.Node.Tests.EndToEnd;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.Cluster;

/// <summary>
/// A node that dies owing a bank a reversal advice does not take the advice with it: another node adopts its
/// store-and-forward queue, sends the advice through its own connection until the bank acknowledges it, and hands the
/// queue back when the node returns.
/// </summary>
public sealed class ClusterSafAdoptionTests
{
    private const long HeldBack = 7101;

    [Fact]
    public async Task A_dead_nodes_reversal_advices_are_sent_by_another_node_and_its_queue_goes_back_when_it_returns()
    {
        var behaviour = new BankHostBehaviour
        {
            Rules =
            [
                new ResponseRule { Amount = HeldBack, NeverAnswer = true },
                new ResponseRule { Mti = new Mti(420), NeverAnswer = true },
                new ResponseRule { Mti = new Mti(421), NeverAnswer = true },
            ],
        };
        await using var cluster = await ClusterNodes.StartAsync("switch_cluster_saf", behaviour);
        await Task.WhenAll(cluster.StartNodeAsync("node-1", "dc-a"), cluster.StartNodeAsync("node-2", "dc-b"));
        await cluster.WaitForBalanceAsync("node-1", "node-2");
        var owners = await cluster.OwnersAsync();
        var protector = CardDataProtector.FromHex(TestNode.CardDataKey);
        var card = Enumerable.Range(0, 100).Select(ClusterLoad.CardOf).First(c => owners[ClusterNodes.ShardOf(protector.AccountKey(c.Pan))] == "node-2");

        // The purchase times out at the bank on node-2's channel: node-2 owes the bank a reversal advice, held back too.
        var terminal = new TransactionFactory(Dialects.Iso87Ascii, new AcquirerTerminal { AcquirerId = ClusterNodes.AcquirerId, TerminalId = "SAF00001" });
        var purchase = terminal.Purchase(card, HeldBack);
        await using (var client = await AcquirerClient.ConnectAsync(await cluster["node-2"].AcquirerEndpoint, new AcquirerClientOptions(Dialects.Iso87Ascii, FrameFormat.Binary2)))
            Assert.Equal(ResponseCodes.IssuerUnavailable, (await client.SendAsync(purchase, TimeSpan.FromSeconds(20))).ResponseCode);
        await Scenario.Eventually(() => Scenario.AdvicesFor(cluster.Bank, purchase).Count >= 1, "node-2 sent the advice");
        const string queue = "saf-bank-a-1@node-2";
        Assert.Equal(1, await cluster.EventsAsync(queue, "saf.reversal-queued.v1"));

        await cluster["node-2"].KillAsync();
        await Scenario.Eventually(async () => await cluster.LeaseOwnerAsync("saf@node-2", 0) == "node-1", "node-1 adopted node-2's queue", seconds: 30);
        var beforeAdoption = Scenario.AdvicesFor(cluster.Bank, purchase).Count;
        cluster.Bank.Behaviour = BankHostBehaviour.ApproveAll;
        await Scenario.Eventually(async () => await cluster.EventsAsync(queue, "saf.reversal-acknowledged.v1") == 1,
            "node-1 sent node-2's advice and the bank acknowledged it", seconds: 30);
        Assert.True(Scenario.AdvicesFor(cluster.Bank, purchase).Count > beforeAdoption);
        Assert.All(Scenario.AdvicesFor(cluster.Bank, purchase).Skip(1), a => Assert.True(a.IsRepeat)); // 0421 after the first 0420

        // node-2 returns: node-1 hands the queue back before node-2's channels start theirs.
        await cluster.StartNodeAsync("node-2", "dc-b");
        Assert.NotEqual("node-1", await cluster.LeaseOwnerAsync("saf@node-2", 0));
        await cluster.WaitForBalanceAsync("node-1", "node-2");
        Assert.Equal(1, await cluster.EventsAsync(queue, "saf.reversal-acknowledged.v1"));
    }
}
