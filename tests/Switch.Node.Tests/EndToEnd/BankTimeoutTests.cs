using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>
/// A bank that does not answer in time: the acquirer gets the channel's timeout code after its request timeout, the
/// bank gets a reversal advice through the store-and-forward queue, and a repeat of the request changes nothing.
/// </summary>
public sealed class BankTimeoutTests
{
    private const long Unanswered = 7001;
    private const long Late = 7002;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);

    private static async Task<Scenario> StartAsync(string extra = "")
    {
        var bank = await BankSimulator.StartAsync(new BankHostBehaviour
        {
            Rules =
            [
                new ResponseRule { Amount = Unanswered, NeverAnswer = true },
                new ResponseRule { Amount = Late, Latency = Latency.Fixed(TimeSpan.FromSeconds(1.5)) },
            ],
        });
        return await Scenario.StartAsync($$"""
            channels = [ {{Scenario.Channel("bank-a-1", "bank-a", bank, "1s", extra)}} ]
            bin-table = [ { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] } ]
            products { classic {} }
            """, [bank]);
    }

    [Fact]
    public async Task An_unanswered_purchase_gets_91_after_the_request_timeout_and_the_bank_gets_a_reversal_advice_it_acknowledges()
    {
        await using var s = await StartAsync();
        var bank = s.Banks[0];
        var purchase = s.Factory.Purchase(Scenario.OffUs, Unanswered);

        var (answer, elapsed) = await s.TimedSendAsync(purchase);

        Assert.Equal("0210", answer.Mti.ToString());
        Assert.Equal(ResponseCodes.IssuerUnavailable, answer.ResponseCode);
        Assert.Equal(purchase.Stan, answer.Stan);
        Assert.True(elapsed >= RequestTimeout - TimeSpan.FromMilliseconds(100), $"answered after {elapsed.TotalMilliseconds} ms, before the request timeout");
        Assert.Equal(1, bank.Statistics.Received(new Mti(200)));
        Assert.Equal(1, s.Status("bank-a-1").Timeouts);

        // The reversal advice reaches the bank, which answers 0430; the queue empties.
        await Scenario.Eventually(() => Scenario.AdvicesFor(bank, purchase).Count >= 1, "the bank received the reversal advice");
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0 && s.Status("bank-a-1").SafDepth == 0, "the SAF queue is empty");
        var advices = Scenario.AdvicesFor(bank, purchase);
        var advice = Assert.Single(advices);
        Assert.Equal(new Mti(420), advice.Mti);
        Assert.False(advice.IsRepeat);
        Assert.StartsWith("0200", advice.OriginalDataElements);
        Assert.Equal(0, await s.Payments.RetrySafAsync("bank-a-1", Scenario.AnswerTimeout));

        // Nothing was posted to the account.
        var account = await s.Payments.ShowAccountAsync(Scenario.OffUs.Pan, Scenario.AnswerTimeout);
        Assert.Equal((0L, 0), (account.DayAmount, account.DayCount));
    }

    [Fact]
    public async Task A_repeat_of_a_timed_out_request_gets_91_again_and_never_reaches_the_bank_again()
    {
        await using var s = await StartAsync();
        var bank = s.Banks[0];
        var purchase = s.Factory.Purchase(Scenario.OffUs, Unanswered);
        Assert.Equal(ResponseCodes.IssuerUnavailable, (await s.SendAsync(purchase)).ResponseCode);

        var again = await s.SendAsync(purchase.ConvertTo(purchase.Dialect));

        Assert.Equal(ResponseCodes.IssuerUnavailable, again.ResponseCode);
        Assert.Equal(1, bank.Statistics.Received(new Mti(200)));
        Assert.Equal(1, s.Status("bank-a-1").Timeouts);
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0, "the SAF queue is empty");
        Assert.Single(Scenario.AdvicesFor(bank, purchase));
    }

    [Fact]
    public async Task With_timeout_response_code_68_the_acquirer_gets_68()
    {
        await using var s = await StartAsync("""timeout-response-code = "68" """);
        var purchase = s.Factory.Purchase(Scenario.OffUs, Unanswered);

        var answer = await s.SendAsync(purchase);

        Assert.Equal(ResponseCodes.ResponseTooLate, answer.ResponseCode);
        await Scenario.Eventually(() => Scenario.AdvicesFor(s.Banks[0], purchase).Count == 1, "the bank received the reversal advice");
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0, "the SAF queue is empty");
        // A repeat gets the same 68.
        Assert.Equal(ResponseCodes.ResponseTooLate, (await s.SendAsync(purchase.ConvertTo(purchase.Dialect))).ResponseCode);
        Assert.Equal(1, s.Banks[0].Statistics.Received(new Mti(200)));
    }

    [Fact]
    public async Task An_approval_that_comes_after_the_timeout_is_counted_late_and_the_transaction_is_still_reversed()
    {
        await using var s = await StartAsync();
        var bank = s.Banks[0];
        var purchase = s.Factory.Purchase(Scenario.OffUs, Late);

        Assert.Equal(ResponseCodes.IssuerUnavailable, (await s.SendAsync(purchase)).ResponseCode);

        await Scenario.Eventually(() => s.Status("bank-a-1").LateAnswers == 1, "the bank's late 0210 was counted");
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0, "the SAF queue is empty");
        Assert.Single(Scenario.AdvicesFor(bank, purchase));
        // The late approval changed nothing: the transaction stays declined with 91, and the channel still works.
        Assert.Equal(ResponseCodes.IssuerUnavailable, (await s.SendAsync(purchase.ConvertTo(purchase.Dialect))).ResponseCode);
        Assert.Equal(ResponseCodes.Approved, await s.PurchaseAsync(1000));
        var account = await s.Payments.ShowAccountAsync(Scenario.OffUs.Pan, Scenario.AnswerTimeout);
        Assert.Equal((1000L, 1), (account.DayAmount, account.DayCount));
    }

    [Fact]
    public async Task A_connection_dropped_with_a_request_in_flight_answers_91_at_once_and_reverses_it_after_the_reconnect()
    {
        await using var s = await StartAsync();
        var bank = s.Banks[0];
        var purchase = s.Factory.Purchase(Scenario.OffUs, 3100);
        bank.Behaviour = bank.Behaviour with { DisconnectRatio = 1 };

        var answer = await s.SendAsync(purchase);

        Assert.Equal(ResponseCodes.IssuerUnavailable, answer.ResponseCode);
        Assert.Equal(0, s.Status("bank-a-1").Timeouts);
        bank.Behaviour = bank.Behaviour with { DisconnectRatio = 0 };
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0, "the SAF queue is empty after the reconnect");
        Assert.NotEmpty(Scenario.AdvicesFor(bank, purchase));
        Assert.Equal(ResponseCodes.Approved, await s.PurchaseAsync(1000));
    }

    [Fact]
    public async Task A_black_holed_advice_is_repeated_as_0421_until_the_bank_answers_again()
    {
        await using var s = await StartAsync();
        var bank = s.Banks[0];
        var purchase = s.Factory.Purchase(Scenario.OffUs, 3200);
        bank.SetOutage(OutageMode.BlackHole);

        Assert.Equal(ResponseCodes.IssuerUnavailable, (await s.SendAsync(purchase)).ResponseCode);
        await Scenario.Eventually(() => Scenario.AdvicesFor(bank, purchase).Any(a => a.IsRepeat), "the unanswered advice was repeated as 0421");
        Assert.Single(await s.SafAsync("bank-a-1"));

        bank.SetOutage(OutageMode.None);
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0, "the SAF queue is empty");
        var advices = Scenario.AdvicesFor(bank, purchase);
        Assert.Equal(new Mti(420), advices[0].Mti);
        Assert.All(advices.Skip(1), a => Assert.Equal(new Mti(421), a.Mti));
        Assert.Equal(ResponseCodes.Approved, await s.PurchaseAsync(1000));
    }

    [Fact]
    public async Task An_acquirer_reversal_of_a_timed_out_purchase_is_approved_without_a_second_advice()
    {
        await using var s = await StartAsync();
        var bank = s.Banks[0];
        var purchase = s.Factory.Purchase(Scenario.OffUs, Unanswered);
        Assert.Equal(ResponseCodes.IssuerUnavailable, (await s.SendAsync(purchase)).ResponseCode);
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0, "the SAF queue is empty");

        var reversal = await s.SendAsync(s.Factory.Reversal(purchase));

        Assert.Equal("0410", reversal.Mti.ToString());
        Assert.Equal(ResponseCodes.Approved, reversal.ResponseCode);
        Assert.Equal(0, await s.Payments.RetrySafAsync("bank-a-1", Scenario.AnswerTimeout));
        Assert.Single(Scenario.AdvicesFor(bank, purchase));
        Assert.Equal(0, bank.Statistics.Received(new Mti(400)));
    }

    [Fact]
    public async Task A_bank_that_is_down_gets_nothing_and_its_requests_get_91_without_a_reversal()
    {
        await using var s = await StartAsync();
        var bank = s.Banks[0];
        bank.SetOutage(OutageMode.Down);
        await Scenario.Eventually(() => s.Status("bank-a-1").Connections == 0, "the channel saw the bank go down");

        Assert.Equal(ResponseCodes.IssuerUnavailable, await s.PurchaseAsync(3300));

        Assert.Equal(0, s.Status("bank-a-1").Timeouts);
        Assert.Empty(await s.SafAsync("bank-a-1"));
        bank.SetOutage(OutageMode.None);
        await Scenario.Eventually(() => s.Status("bank-a-1").Connections == 1, "the channel reconnected");
        Assert.Equal(ResponseCodes.Approved, await s.PurchaseAsync(3301));
        Assert.Equal(1, bank.Statistics.Received(new Mti(200)));
        Assert.Empty(bank.Statistics.ReversalAdvices);
    }
}
