using System.Diagnostics;
using Switch.Actors.Transactions;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>The stop SIGTERM triggers: no new requests, in-flight ones answered, quiet connections closed at once.</summary>
public sealed class GracefulStopTests
{
    // The bank's 500 ms answer must not race the channel's timeout: on two cores the thread pool can stall for about
    // a second while the node stops (seen here; raising its minimum threads removes the stall), and the answer is
    // then read after a 1 s timeout. What this test proves is the stop, so the timeout has room.
    [Fact]
    public async Task Stopping_answers_what_is_in_flight_then_closes_every_connection_without_waiting_for_the_timeout()
    {
        await using var bank = await BankSimulator.StartAsync(new BankHostBehaviour { Latency = Latency.Fixed(TimeSpan.FromMilliseconds(500)) });
        var node = await TestNode.StartAsync($$"""
            channels = [ {{BankSimulator.Channel("bank-a-1", "bank-a", bank, ", request-timeout = 3s")}} ]
            bin-table = [ { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] } ]
            products { classic {} }
            """);
        try
        {
            await using var busy = await node.ConnectAsync();
            await using var quiet = await node.ConnectAsync();
            var factory = new TransactionFactory(Protocol.Iso8583.Dialects.Iso87Ascii);
            var inFlight = busy.SendAsync(factory.Purchase(new Card("4761739001010010", "2912"), 1000), TimeSpan.FromSeconds(10));
            await AuthorizationTests.Eventually(() => bank.Statistics.Received(new Protocol.Iso8583.Mti(200)) == 1);

            var clock = Stopwatch.StartNew();
            await node.Node.StopAsync();

            Assert.Equal(ResponseCodes.Approved, (await inFlight).ResponseCode);
            await quiet.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            await busy.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"the stop took {clock.Elapsed}, as if it waited for the 5 s shutdown timeout");
        }
        finally
        {
            await node.DisposeAsync();
            node.DeleteDirectory();
        }
    }
}
