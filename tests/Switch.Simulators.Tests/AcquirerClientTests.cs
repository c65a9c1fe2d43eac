using Switch.Protocol.Iso8583;

namespace Switch.Simulators.Tests;

/// <summary>The acquirer client: pairing answers with requests, timeouts, late answers and the switch closing the connection.</summary>
public class AcquirerClientTests
{
    [Fact]
    public async Task Many_concurrent_requests_on_one_connection_each_get_their_own_answer()
    {
        await using var loop = await Loopback.StartAsync(BankHostBehaviour.ApproveAll with
        {
            Latency = Latency.Uniform(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)),
        });
        var requests = Enumerable.Range(1, 300).Select(i => loop.Factory.Purchase(Loopback.Card, i)).ToList();

        var answers = await Task.WhenAll(requests.Select(loop.SendAsync));

        Assert.Equal(requests.Select(r => (r.Rrn, r.Amount)), answers.Select(a => (a.Rrn, a.Amount)));
    }

    [Fact]
    public async Task An_answer_after_the_timeout_arrives_as_unmatched()
    {
        await using var loop = await Loopback.StartAsync(BankHostBehaviour.ApproveAll with
        {
            Rules = [new ResponseRule { Amount = 300, Latency = Latency.Fixed(TimeSpan.FromMilliseconds(300)) }],
        });
        var purchase = loop.Factory.Purchase(Loopback.Card, 300);

        await Assert.ThrowsAsync<TimeoutException>(() => loop.Client.SendAsync(purchase, TimeSpan.FromMilliseconds(50)));

        var late = await loop.Client.Unmatched.ReadAsync().AsTask().WaitAsync(Loopback.Patience);
        Assert.Equal(purchase.MatchKey, late.MatchKey);
    }

    [Fact]
    public async Task Two_requests_with_one_match_key_cannot_be_in_flight_together()
    {
        await using var loop = await Loopback.StartAsync(BankHostBehaviour.ApproveAll with
        {
            Latency = Latency.Fixed(TimeSpan.FromMilliseconds(100)),
        });
        var purchase = loop.Factory.Purchase(Loopback.Card, 1);

        var first = loop.SendAsync(purchase);
        await Assert.ThrowsAsync<InvalidOperationException>(() => loop.SendAsync(purchase));

        Assert.Equal("00", (await first).ResponseCode);
        Assert.Equal("00", (await loop.SendAsync(purchase)).ResponseCode);
    }

    [Fact]
    public async Task The_client_detects_the_switch_closing_and_fails_requests_in_flight()
    {
        await using var loop = await Loopback.StartAsync(BankHostBehaviour.ApproveAll with
        {
            Rules = [new ResponseRule { Amount = 777, NeverAnswer = true }],
        });
        var inFlight = loop.PurchaseAsync(777);
        await Loopback.Eventually(() => loop.Host.Statistics.Unanswered == 1);

        await loop.Host.StopAsync();

        await Assert.ThrowsAsync<IOException>(() => inFlight);
        await loop.Client.Closed.WaitAsync(Loopback.Patience);
        await Assert.ThrowsAsync<IOException>(() => loop.PurchaseAsync());
        await Assert.ThrowsAsync<IOException>(() => loop.Client.SendRawAsync(new byte[] { 0x30 }));
        Assert.True(loop.Client.Unmatched.Completion.IsCompleted);
    }

    [Fact]
    public async Task Messages_of_another_dialect_or_responses_are_refused()
    {
        await using var loop = await Loopback.StartAsync();
        var postilion = new TransactionFactory(Dialects.Postilion).Purchase(Loopback.Card, 1);

        await Assert.ThrowsAsync<ArgumentException>(() => loop.SendAsync(postilion));
        await Assert.ThrowsAsync<ArgumentException>(() => loop.SendAsync(loop.Factory.Echo().CreateResponse("00")));
    }
}
