using Switch.Actors.Channels;
using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>
/// A channel's circuit breaker over real sockets: a failing bank trips it, traffic then fails over to the next
/// channel of the range or is answered RC 91 at once (never after a wait for the timeout), a half-open probe closes
/// it once the bank is healthy, and operators can isolate and close it by hand.
/// </summary>
public sealed class BreakerTests
{
    private const long Timeout = 3000; // ms (StartAsync's default request-timeout): the channels' request timeout; fail-fast answers must come far below it
    private static readonly TimeSpan FailFast = TimeSpan.FromMilliseconds(Timeout / 2);
    private static readonly ResponseRule SystemError = new() { ResponseCode = "96" };

    private static string Breaker(string breakDuration) =>
        $"breaker {{ minimum-throughput = 5, break-duration = {breakDuration}, sampling-duration = 10s }}";

    /// <summary>bank-a-1 on the first simulator; with <paramref name="failover"/>, bank-a-2 (priority 2) on a second one.</summary>
    private static async Task<Scenario> StartAsync(bool failover, string breakDuration = "1s", string requestTimeout = "3000ms")
    {
        var first = await BankSimulator.StartAsync();
        var second = failover ? await BankSimulator.StartAsync() : null;
        var channels = Scenario.Channel("bank-a-1", "bank-a", first, requestTimeout, Breaker(breakDuration));
        var candidates = "{ channel = bank-a-1, priority = 1 }";
        if (second is not null)
        {
            channels += ", " + Scenario.Channel("bank-a-2", "bank-a", second, requestTimeout, Breaker(breakDuration));
            candidates += ", { channel = bank-a-2, priority = 2 }";
        }
        return await Scenario.StartAsync($$"""
            channels = [ {{channels}} ]
            bin-table = [ { range = "476173", issuer = bank-a, product = classic, candidates = [ {{candidates}} ] } ]
            products { classic {} }
            """, second is null ? [first] : [first, second]);
    }

    /// <summary>Five RC 96 answers from the first bank: the breaker's minimum throughput, all failed.</summary>
    private static async Task TripWithSystemErrorsAsync(Scenario s)
    {
        var bank = s.Banks[0];
        bank.Behaviour = bank.Behaviour with { Rules = [SystemError] };
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(BreakerState.Closed, s.Status("bank-a-1").Breaker);
            Assert.Equal(ResponseCodes.SystemMalfunction, await s.PurchaseAsync(100 + i));
        }
        Assert.Equal(5, bank.Statistics.Received(new Mti(200)));
    }

    [Fact]
    public async Task An_open_breaker_answers_91_at_once_without_the_bank()
    {
        // A long break, so that the breaker is certainly still open while this test measures.
        await using var s = await StartAsync(failover: false, breakDuration: "30s");
        await TripWithSystemErrorsAsync(s);
        Assert.Equal(BreakerState.Open, s.Status("bank-a-1").Breaker);
        s.Banks[0].Behaviour = BankHostBehaviour.ApproveAll; // healthy again, but the breaker does not know yet

        for (var i = 0; i < 3; i++)
        {
            var (answer, elapsed) = await s.TimedSendAsync(s.Factory.Purchase(Scenario.OffUs, 200 + i));
            Assert.Equal(ResponseCodes.IssuerUnavailable, answer.ResponseCode);
            Assert.True(elapsed < FailFast, $"answered after {elapsed.TotalMilliseconds:0} ms: the switch waited instead of failing fast");
        }
        Assert.Equal(5, s.Banks[0].Statistics.Received(new Mti(200)));
        Assert.Equal(BreakerState.Open, s.Status("bank-a-1").Breaker);
    }

    [Fact]
    public async Task After_the_break_a_failed_probe_opens_the_breaker_again_and_a_successful_one_closes_it()
    {
        await using var s = await StartAsync(failover: false);
        var bank = s.Banks[0];
        await TripWithSystemErrorsAsync(s);

        // Still failing: the probe after the break gets 96 and the breaker opens again.
        await Scenario.Eventually(() => s.Status("bank-a-1").Breaker == BreakerState.HalfOpen, "half-open after the break");
        Assert.Equal(ResponseCodes.SystemMalfunction, await s.PurchaseAsync(300));
        Assert.Equal(6, bank.Statistics.Received(new Mti(200)));
        Assert.NotEqual(BreakerState.Closed, s.Status("bank-a-1").Breaker); // open again (half-open once more after another second)

        // Healthy: the next probe is approved and closes the breaker; traffic flows again.
        bank.Behaviour = BankHostBehaviour.ApproveAll;
        await Scenario.Eventually(() => s.Status("bank-a-1").Breaker == BreakerState.HalfOpen, "half-open after the second break");
        Assert.Equal(ResponseCodes.Approved, await s.PurchaseAsync(301));
        Assert.Equal(BreakerState.Closed, s.Status("bank-a-1").Breaker);
        for (var i = 0; i < 3; i++)
            Assert.Equal(ResponseCodes.Approved, await s.PurchaseAsync(310 + i));
        Assert.Equal(10, bank.Statistics.Received(new Mti(200)));
    }

    [Fact]
    public async Task Timeouts_trip_the_breaker_too_and_the_timed_out_requests_are_reversed()
    {
        await using var s = await StartAsync(failover: false, breakDuration: "30s", requestTimeout: "1s");
        var bank = s.Banks[0];
        bank.Behaviour = bank.Behaviour with { Rules = [new ResponseRule { NeverAnswer = true }] };

        var purchases = Enumerable.Range(0, 5).Select(i => s.Factory.Purchase(Scenario.OffUs, 400 + i)).ToList();
        var answers = await Task.WhenAll(purchases.Select(s.SendAsync));

        Assert.All(answers, a => Assert.Equal(ResponseCodes.IssuerUnavailable, a.ResponseCode));
        Assert.Equal(BreakerState.Open, s.Status("bank-a-1").Breaker);
        Assert.Equal(5, s.Status("bank-a-1").Timeouts);
        // The advices still go out through the open breaker (it guards new requests, not the reversals owed).
        await Scenario.Eventually(async () => (await s.SafAsync("bank-a-1")).Count == 0, "every timed-out purchase reversed");
        Assert.All(purchases, p => Assert.Single(Scenario.AdvicesFor(bank, p)));
        Assert.Equal(ResponseCodes.IssuerUnavailable, await s.PurchaseAsync(410));
        Assert.Equal(5, bank.Statistics.Received(new Mti(200)));
        Assert.Equal(5, s.Status("bank-a-1").Timeouts);
    }

    [Fact]
    public async Task With_the_breaker_open_traffic_fails_over_to_the_next_channel_of_the_range_until_the_probe_closes_it()
    {
        // A break of 2 s: long enough that the breaker is certainly still open for the first failover.
        await using var s = await StartAsync(failover: true, breakDuration: "2s");
        var (first, second) = (s.Banks[0], s.Banks[1]);
        await TripWithSystemErrorsAsync(s);
        Assert.Equal(BreakerState.Open, s.Status("bank-a-1").Breaker);
        Assert.Equal(0, second.Statistics.Received(new Mti(200)));

        var (answer, elapsed) = await s.TimedSendAsync(s.Factory.Purchase(Scenario.OffUs, 500));

        Assert.Equal(ResponseCodes.Approved, answer.ResponseCode);
        Assert.False(string.IsNullOrEmpty(answer.ApprovalCode));
        Assert.True(elapsed < FailFast, $"answered after {elapsed.TotalMilliseconds:0} ms: the switch waited instead of failing over");
        Assert.Equal(1, second.Statistics.Received(new Mti(200)));

        // The first bank recovers: after the break, traffic returns to it (the probe, then everything).
        first.Behaviour = BankHostBehaviour.ApproveAll;
        await Scenario.Eventually(async () =>
        {
            // While half-open, requests other than the probe fail over; every one is approved either way.
            Assert.Equal(ResponseCodes.Approved, await s.PurchaseAsync(501));
            return s.Status("bank-a-1").Breaker == BreakerState.Closed;
        }, "the breaker closed after a successful probe");
        var before = (first.Statistics.Received(new Mti(200)), second.Statistics.Received(new Mti(200)));
        Assert.Equal(ResponseCodes.Approved, await s.PurchaseAsync(502));
        Assert.Equal((before.Item1 + 1, before.Item2), (first.Statistics.Received(new Mti(200)), second.Statistics.Received(new Mti(200))));
    }

    [Fact]
    public async Task An_isolated_channel_gets_no_traffic_until_an_operator_closes_its_breaker()
    {
        await using var s = await StartAsync(failover: true);
        var (first, second) = (s.Banks[0], s.Banks[1]);
        var who = "test-operator";

        Assert.Equal(BreakerState.Isolated, await s.Payments.IsolateAsync("bank-a-1", who, Scenario.AnswerTimeout));
        Assert.Equal(BreakerState.Isolated, s.Status("bank-a-1").Breaker);
        Assert.Equal(ResponseCodes.Approved, await s.PurchaseAsync(600));
        Assert.Equal((0L, 1L), (first.Statistics.Received(new Mti(200)), second.Statistics.Received(new Mti(200))));

        // Both isolated: RC 91 at once.
        Assert.Equal(BreakerState.Isolated, await s.Payments.IsolateAsync("bank-a-2", who, Scenario.AnswerTimeout));
        var (answer, elapsed) = await s.TimedSendAsync(s.Factory.Purchase(Scenario.OffUs, 601));
        Assert.Equal(ResponseCodes.IssuerUnavailable, answer.ResponseCode);
        Assert.True(elapsed < FailFast, $"answered after {elapsed.TotalMilliseconds:0} ms: the switch waited instead of failing fast");
        Assert.Equal((0L, 1L), (first.Statistics.Received(new Mti(200)), second.Statistics.Received(new Mti(200))));

        // Closing the first channel's breaker sends traffic to it again.
        Assert.Equal(BreakerState.Closed, await s.Payments.CloseBreakerAsync("bank-a-1", who, Scenario.AnswerTimeout));
        Assert.Equal(BreakerState.Closed, s.Status("bank-a-1").Breaker);
        Assert.Equal(ResponseCodes.Approved, await s.PurchaseAsync(602));
        Assert.Equal((1L, 1L), (first.Statistics.Received(new Mti(200)), second.Statistics.Received(new Mti(200))));
        Assert.Equal(BreakerState.Closed, await s.Payments.CloseBreakerAsync("bank-a-2", who, Scenario.AnswerTimeout));
    }
}
