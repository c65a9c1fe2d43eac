using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>
/// A decision that does not come within the authorization timeout (here the bank answers after it, but before the
/// channel's own request timeout): the acquirer gets 91, and 91 is what the journal holds, so a repeat gets 91 too;
/// the bank's late approval is undone by a reversal advice. Found by the chaos rehearsal, where the switch had
/// answered 91 while the account went on to book the bank's approval (a phantom approval).
/// </summary>
public sealed class AuthorizationTimeoutTests
{
    private const long Slow = 7101;

    [Fact]
    public async Task A_bank_approval_after_the_authorization_timeout_is_answered_91_journaled_91_and_reversed()
    {
        var bank = await BankSimulator.StartAsync(new BankHostBehaviour
        {
            Rules = [new ResponseRule { Amount = Slow, Latency = Latency.Fixed(TimeSpan.FromSeconds(2)) }],
        });
        await using var s = await Scenario.StartAsync($$"""
            channels = [ {{Scenario.Channel("bank-a-1", "bank-a", bank, "5s")}} ]
            bin-table = [ { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] } ]
            products { classic {} }
            """, [bank], "--switch:accounts:authorization-timeout=1s");
        var purchase = s.Factory.Purchase(Scenario.OffUs, Slow);

        var answer = await s.SendAsync(purchase);

        Assert.Equal(ResponseCodes.IssuerUnavailable, answer.ResponseCode);
        // The bank approves a second later; the account already decided, and the bank is told to reverse it.
        await Scenario.Eventually(() => Scenario.AdvicesFor(bank, purchase).Count >= 1, "the bank received the reversal advice");
        Assert.Equal(new Mti(420), Scenario.AdvicesFor(bank, purchase)[0].Mti);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // past the bank's approval
        var repeat = await s.SendAsync(purchase);
        Assert.Equal(ResponseCodes.IssuerUnavailable, repeat.ResponseCode); // the journal's answer, not the late approval
        Assert.Equal(1, bank.Statistics.Received(new Mti(200))); // never sent twice
        var view = await s.Payments.ShowAccountAsync(Scenario.OffUs.Pan, Scenario.AnswerTimeout);
        Assert.Equal(0, view.DayAmount); // nothing booked
    }
}
