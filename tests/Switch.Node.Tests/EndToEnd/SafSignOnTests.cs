using Switch.Actors.Transactions;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>An advice queued while no connection was signed on goes out at the next sign-on, not at the next retry.</summary>
public sealed class SafSignOnTests
{
    [Fact]
    public async Task Queued_advices_go_out_as_soon_as_a_connection_signs_on_again()
    {
        await using var bank = await BankSimulator.StartAsync(new BankHostBehaviour
        {
            Rules = [new ResponseRule { Amount = 7777, NeverAnswer = true }],
        });
        var node = await TestNode.StartAsync($$"""
            channels = [ {{BankSimulator.Channel("bank-a-1", "bank-a", bank, ", saf-retry-interval = 1h, request-timeout = 5s")}} ]
            bin-table = [ { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] } ]
            products { classic {} }
            """);
        try
        {
            await using var client = await node.ConnectAsync();
            var factory = new TransactionFactory(Protocol.Iso8583.Dialects.Iso87Ascii);
            var answer = client.SendAsync(factory.Purchase(new Card("4761739001010010", "2912"), 7777), TimeSpan.FromSeconds(20));
            await AuthorizationTests.Eventually(() => bank.Statistics.Received(new Protocol.Iso8583.Mti(200)) == 1);

            bank.SetOutage(OutageMode.Down); // the connection drops with the purchase at the bank: 91 and an advice, no connection to send it on
            Assert.Equal(ResponseCodes.IssuerUnavailable, (await answer).ResponseCode);
            Assert.Empty(bank.Statistics.ReversalAdvices);

            bank.SetOutage(OutageMode.None);
            await AuthorizationTests.Eventually(() => bank.Statistics.ReversalAdvices.Count >= 1, seconds: 20);
            await AuthorizationTests.Eventually(() => node.Node.Payments.Channels["bank-a-1"].Status.SafDepth == 0, seconds: 20);
        }
        finally
        {
            await node.DisposeAsync();
            node.DeleteDirectory();
        }
    }
}
