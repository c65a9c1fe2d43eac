using Switch.Protocol.Iso8583;

namespace Switch.Simulators.Tests;

/// <summary>What the bank host records of the reversal advices it receives.</summary>
public class BankHostRecordTests
{
    [Fact]
    public async Task Reversal_advices_are_recorded_per_transaction_with_repeats_counted_apart()
    {
        await using var loop = await Loopback.StartAsync();
        var purchase = loop.Factory.Purchase(Loopback.Card, 1000);
        var other = loop.Factory.Purchase(Loopback.Card, 2000);
        await loop.SendAsync(purchase);
        await loop.SendAsync(other);

        var advice = loop.Factory.ReversalAdvice(purchase);
        Assert.Equal(new Mti(430), (await loop.SendAsync(advice)).Mti);
        var repeat = advice.ConvertTo(advice.Dialect);
        repeat.Mti = repeat.Mti.Repeat;
        Assert.Equal(new Mti(430), (await loop.SendAsync(repeat)).Mti);
        await loop.SendAsync(loop.Factory.ReversalAdvice(other));

        var statistics = loop.Host.Statistics;
        var forPurchase = statistics.ReversalAdvices.Where(a => a.Rrn == purchase.Rrn).ToList();
        Assert.Single(forPurchase, a => !a.IsRepeat);
        Assert.Single(forPurchase, a => a.IsRepeat);
        Assert.All(forPurchase, a => Assert.Equal(advice.Stan, a.Stan));
        Assert.All(forPurchase, a => Assert.StartsWith("0200" + purchase.Stan + purchase.TransmissionDateTime, a.OriginalDataElements));
        Assert.Equal([advice.MatchKey, repeat.MatchKey], forPurchase.Select(a => a.MatchKey));
        Assert.Equal(2, statistics.Received(new Mti(420)));
        Assert.Equal(1, statistics.Received(new Mti(421)));
    }
}
