using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators.Tests;

/// <summary>What the bank host answers to each message, sign-on first, and the decline ratios and forced answers.</summary>
public class BankHostAnswerTests
{
    [Fact]
    public async Task Card_messages_before_sign_on_and_after_sign_off_are_answered_with_91_and_counted()
    {
        await using var loop = await Loopback.StartAsync(signOn: false);

        var early = await loop.PurchaseAsync();
        Assert.Equal(new Mti(210), early.Mti);
        Assert.Equal("91", early.ResponseCode);
        Assert.Null(early.ApprovalCode);

        var signOn = await loop.SendAsync(loop.Factory.SignOn());
        Assert.Equal(new Mti(810), signOn.Mti);
        Assert.Equal("00", signOn.ResponseCode);
        Assert.Equal("001", signOn.GetString(70));
        Assert.Equal("00", (await loop.PurchaseAsync()).ResponseCode);

        var echo = await loop.SendAsync(loop.Factory.Echo());
        Assert.Equal(("00", "301"), (echo.ResponseCode, echo.GetString(70)));

        Assert.Equal("00", (await loop.SendAsync(loop.Factory.SignOff())).ResponseCode);
        Assert.Equal("91", (await loop.PurchaseAsync()).ResponseCode);

        // Sign-on belongs to the connection, not to the host.
        await using var other = await Loopback.ConnectAsync(loop.Host);
        Assert.Equal("91", (await other.SendAsync(loop.Factory.Purchase(Loopback.Card, 5), Loopback.Patience)).ResponseCode);

        Assert.Equal(3, loop.Host.Statistics.RejectedNotSignedOn);
        Assert.Equal(3, loop.Host.Statistics.Received(new Mti(800)));
    }

    [Theory]
    [InlineData("iso87ascii")]
    [InlineData("postilion")]
    [InlineData("iso87binary")]
    public async Task Each_message_type_gets_its_answer(string dialectName)
    {
        await using var loop = await Loopback.StartAsync(
            BankHostBehaviour.ApproveAll with { AvailableBalance = 123_456 }, Dialects.Get(dialectName), FrameFormat.Ascii4);
        var factory = loop.Factory;

        var preAuthorization = factory.PreAuthorization(Loopback.Card, 5000);
        var authorized = await AssertAnswer(loop, preAuthorization, 110);
        Assert.Matches("^[0-9A-Z]{6}$", authorized.ApprovalCode);
        await AssertAnswer(loop, factory.Completion(preAuthorization, 4200, authorized.ApprovalCode), 230);

        var purchase = factory.Purchase(Loopback.Card, 1999);
        var approved = await AssertAnswer(loop, purchase, 210);
        Assert.Equal(6, approved.ApprovalCode!.Length);
        Assert.Equal(1999, approved.Amount);

        var refund = await AssertAnswer(loop, factory.Refund(Loopback.Card, 1999), 210);
        Assert.Equal("200000", refund.ProcessingCode);
        Assert.Null(refund.GetString(54));

        var balance = await AssertAnswer(loop, factory.BalanceInquiry(Loopback.Card), 210);
        Assert.Equal("0002826C000000123456", balance.GetString(54));

        await AssertAnswer(loop, factory.Reversal(purchase), 410);
        await AssertAnswer(loop, factory.ReversalAdvice(purchase), 430);

        var statistics = loop.Host.Statistics;
        Assert.Equal([1, 1, 3, 1, 1, 1], new[] { 800, 100, 200, 220, 400, 420 }.Select(m => statistics.Received(new Mti(m))));
        Assert.Equal(8, statistics.Answered);
    }

    [Fact]
    public async Task Declines_follow_their_ratios_and_the_same_seed_makes_the_same_choices()
    {
        var behaviour = BankHostBehaviour.ApproveAll with { Declines = [new Decline("05", 0.10), new Decline("51", 0.02)] };

        var first = await CountResponseCodes(behaviour, seed: 42, requests: 1000);
        var again = await CountResponseCodes(behaviour, seed: 42, requests: 1000);

        Assert.Equal(first, again);
        Assert.Equal(1000, first.Values.Sum());
        Assert.InRange(first.GetValueOrDefault("05"), 70, 130);
        Assert.InRange(first.GetValueOrDefault("51"), 8, 35);
        Assert.Equal(["00", "05", "51"], first.Keys.Order());
    }

    [Fact]
    public async Task A_rule_forces_the_answer_for_its_amount_or_card_and_can_change_live()
    {
        const string blockedPan = "5413330089020011";
        await using var loop = await Loopback.StartAsync(BankHostBehaviour.ApproveAll with
        {
            Rules = [new ResponseRule { Amount = 51, ResponseCode = "51" }, new ResponseRule { Pan = blockedPan, ResponseCode = "62" }],
        });

        Assert.Equal("51", (await loop.PurchaseAsync(51)).ResponseCode);
        Assert.Equal("00", (await loop.PurchaseAsync(52)).ResponseCode);
        Assert.Equal("62", (await loop.SendAsync(loop.Factory.Purchase(new Card(blockedPan, "2812"), 52))).ResponseCode);
        // Rules without an MTI leave advices and reversals alone.
        Assert.Equal("00", (await loop.SendAsync(loop.Factory.ReversalAdvice(loop.Factory.Purchase(Loopback.Card, 51)))).ResponseCode);

        loop.Host.Behaviour = loop.Host.Behaviour with { Rules = [] };
        Assert.Equal("00", (await loop.PurchaseAsync(51)).ResponseCode);
    }

    [Fact]
    public async Task A_never_answer_rule_leaves_only_its_messages_unanswered()
    {
        await using var loop = await Loopback.StartAsync(BankHostBehaviour.ApproveAll with
        {
            Rules = [new ResponseRule { Amount = 99, NeverAnswer = true }, new ResponseRule { Mti = new Mti(420), NeverAnswer = true }],
        });

        await Assert.ThrowsAsync<TimeoutException>(() => loop.Client.SendAsync(loop.Factory.Purchase(Loopback.Card, 99), TimeSpan.FromMilliseconds(100)));
        var purchase = loop.Factory.Purchase(Loopback.Card, 100);
        Assert.Equal("00", (await loop.SendAsync(purchase)).ResponseCode);
        await Assert.ThrowsAsync<TimeoutException>(() => loop.Client.SendAsync(loop.Factory.ReversalAdvice(purchase), TimeSpan.FromMilliseconds(100)));

        await Loopback.Eventually(() => loop.Host.Statistics.Unanswered == 2);
        Assert.Single(loop.Host.Statistics.ReversalAdvices);
    }

    private static async Task<IsoMessage> AssertAnswer(Loopback loop, IsoMessage request, int expectedMti)
    {
        var answer = await loop.SendAsync(request);
        Assert.Equal(new Mti(expectedMti), answer.Mti);
        Assert.Equal("00", answer.ResponseCode);
        Assert.Equal(request.Stan, answer.Stan);
        Assert.Equal(request.Rrn, answer.Rrn);
        Assert.Equal(request.MatchKey, answer.MatchKey);
        return answer;
    }

    private static async Task<Dictionary<string, int>> CountResponseCodes(BankHostBehaviour behaviour, int seed, int requests)
    {
        await using var loop = await Loopback.StartAsync(behaviour, seed: seed);
        var answers = await Task.WhenAll(Enumerable.Range(1, requests).Select(i => loop.PurchaseAsync(i)));
        return answers.GroupBy(a => a.ResponseCode!).ToDictionary(g => g.Key, g => g.Count());
    }
}
