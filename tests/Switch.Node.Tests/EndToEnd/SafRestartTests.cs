using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>
/// The store-and-forward queue is journaled: a reversal advice the bank has not acknowledged survives a node restart
/// and reaches the bank once it answers again, acknowledged exactly once.
/// </summary>
public sealed class SafRestartTests
{
    private const long Unanswered = 7101;

    private static readonly ResponseRule[] HoldBackAdvices =
    [
        new() { Amount = Unanswered, NeverAnswer = true },
        new() { Mti = new Mti(420), NeverAnswer = true },
        new() { Mti = new Mti(421), NeverAnswer = true },
    ];

    private static async Task<Scenario> StartAsync(BankHostBehaviour behaviour, string requestTimeout = "1s", params string[] overrides)
    {
        var bank = await BankSimulator.StartAsync(behaviour);
        return await Scenario.StartAsync($$"""
            channels = [ {{Scenario.Channel("bank-a-1", "bank-a", bank, requestTimeout)}} ]
            bin-table = [ { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] } ]
            products { classic {} }
            """, [bank], overrides);
    }

    [Fact]
    public async Task An_advice_the_bank_held_back_is_sent_again_after_a_restart_and_acknowledged_once()
    {
        await using var s = await StartAsync(new BankHostBehaviour { Rules = HoldBackAdvices });
        var bank = s.Banks[0];
        var purchase = s.Factory.Purchase(Scenario.OffUs, Unanswered);
        Assert.Equal(ResponseCodes.IssuerUnavailable, (await s.SendAsync(purchase)).ResponseCode);
        await Scenario.Eventually(() => Scenario.AdvicesFor(bank, purchase).Count >= 1, "the bank received the advice (and held it back)");
        Assert.Single(await s.SafAsync("bank-a-1"));

        await s.StopNodeAsync();
        var beforeRestart = Scenario.AdvicesFor(bank, purchase).Count;
        await s.StartNodeAsync();

        var queued = Assert.Single(await s.SafAsync("bank-a-1"));
        Assert.Equal(TransactionKey.Of("000042", purchase), queued.TransactionKey);
        await Scenario.Eventually(() => s.Status("bank-a-1").SafDepth == 1, "the restarted channel publishes the queue's depth");
        // The restarted node sends it again (still held back by the bank).
        await Scenario.Eventually(() => Scenario.AdvicesFor(bank, purchase).Count > beforeRestart, "the restarted node repeated the advice");

        // The bank answers again: the next repeat is acknowledged and the queue empties.
        bank.Behaviour = BankHostBehaviour.ApproveAll;
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0 && s.Status("bank-a-1").SafDepth == 0, "the SAF queue is empty");
        Assert.Equal(0, await s.Payments.RetrySafAsync("bank-a-1", Scenario.AnswerTimeout));

        var advices = Scenario.AdvicesFor(bank, purchase);
        // Exactly one advice answered 0430: every other one was left unanswered (as was the purchase itself).
        Assert.Equal(1, advices.Count - (bank.Statistics.Unanswered - 1));
        Assert.Single(advices, a => !a.IsRepeat); // one 0420; every other one, before or after the restart, a 0421 repeat
        Assert.All(advices, a => Assert.True(a.IsRepeat || a.Mti == new Mti(420)));
        Assert.Single(advices.Select(a => a.OriginalDataElements).Distinct()); // all of them reverse the same request
        Assert.Single(advices.Select(a => a.MatchKey).Distinct());

        // The transaction itself is remembered across the restart: a repeat gets the first answer, not the bank.
        Assert.Equal(ResponseCodes.IssuerUnavailable, (await s.SendAsync(purchase.ConvertTo(purchase.Dialect))).ResponseCode);
        Assert.Equal(1, bank.Statistics.Received(new Mti(200)));
    }

    [Fact]
    public async Task An_advice_queued_while_the_bank_is_down_survives_a_restart_and_reaches_the_bank_when_it_is_back()
    {
        await using var s = await StartAsync(new BankHostBehaviour { Rules = [new ResponseRule { Amount = Unanswered, NeverAnswer = true }] });
        var bank = s.Banks[0];
        var purchase = s.Factory.Purchase(Scenario.OffUs, Unanswered);
        var answer = s.SendAsync(purchase);
        await Scenario.Eventually(() => bank.Statistics.Received(new Mti(200)) == 1, "the bank received the purchase");

        bank.SetOutage(OutageMode.Down); // with the purchase in flight

        Assert.Equal(ResponseCodes.IssuerUnavailable, (await answer).ResponseCode);
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 1, "the reversal advice is queued");
        await s.StopNodeAsync();
        Assert.Empty(Scenario.AdvicesFor(bank, purchase));

        // The node starts again while the bank is still down; the bank comes back a moment later.
        bank.ScheduleOutage(OutageMode.Down, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        await s.StartNodeAsync();

        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0 && s.Status("bank-a-1").SafDepth == 0, "the SAF queue is empty");
        Assert.Equal(OutageMode.None, bank.Outage);
        var advice = Assert.Single(Scenario.AdvicesFor(bank, purchase)); // one advice, answered 0430
        Assert.StartsWith("0200", advice.OriginalDataElements);
        Assert.Equal(0, await s.Payments.RetrySafAsync("bank-a-1", Scenario.AnswerTimeout));
        Assert.Equal(ResponseCodes.Approved, await s.PurchaseAsync(1000));
    }

    /// <summary>Starts a purchase the bank never answers, and stops the node (shutdown timeout 200 ms) while it is at the bank.</summary>
    private static async Task<(Scenario, IsoMessage)> StopWithAPurchaseAtTheBankAsync()
    {
        // The bank holds the purchase far longer than the node's shutdown waits for it.
        var s = await StartAsync(new BankHostBehaviour { Rules = [new ResponseRule { Amount = Unanswered, NeverAnswer = true }] },
            "30s", "--switch:node:shutdown-timeout=200ms");
        var bank = s.Banks[0];
        var purchase = s.Factory.Purchase(Scenario.OffUs, Unanswered);
        var answer = s.SendAsync(purchase);
        await Scenario.Eventually(() => bank.Statistics.Received(new Mti(200)) == 1, "the bank received the purchase");

        await s.StopNodeAsync();

        await Assert.ThrowsAnyAsync<IOException>(() => answer);
        Assert.Empty(Scenario.AdvicesFor(bank, purchase));
        return (s, purchase);
    }

    [Fact]
    public async Task A_request_still_at_the_bank_when_the_node_stops_is_reversed_not_resent_when_its_account_wakes_after_the_restart()
    {
        var (s, purchase) = await StopWithAPurchaseAtTheBankAsync();
        await using var _ = s;
        var bank = s.Banks[0];
        await s.StartNodeAsync();

        // The acquirer repeats the purchase: the outcome is unknown, so it is reversed and answered 91, never sent again.
        Assert.Equal(ResponseCodes.IssuerUnavailable, (await s.SendAsync(purchase.ConvertTo(purchase.Dialect))).ResponseCode);
        await Scenario.Eventually(() => Scenario.AdvicesFor(bank, purchase).Count >= 1, "the bank received the reversal advice");
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0, "the SAF queue is empty");
        Assert.Single(Scenario.AdvicesFor(bank, purchase));
        Assert.Equal(1, bank.Statistics.Received(new Mti(200)));
        var account = await s.Payments.ShowAccountAsync(Scenario.OffUs.Pan, Scenario.AnswerTimeout);
        Assert.Equal((0L, 0, 0), (account.DayAmount, account.DayCount, account.InFlight));
    }

    [Fact]
    public async Task A_request_still_at_the_bank_when_the_node_stops_is_reversed_after_the_restart_without_new_traffic()
    {
        var (s, purchase) = await StopWithAPurchaseAtTheBankAsync();
        await using var _ = s;
        var bank = s.Banks[0];
        await s.StartNodeAsync();

        // Nothing is sent for the card: the restarted node reverses the transaction of unknown outcome by itself.
        await Scenario.Eventually(() => Scenario.AdvicesFor(bank, purchase).Count >= 1, "the bank received the reversal advice", seconds: 5);
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0, "the SAF queue is empty");
        Assert.Single(Scenario.AdvicesFor(bank, purchase));
    }
}
