using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>
/// The acquirer listener over one connection: requests are handled concurrently and answered as they complete (a
/// slow one is overtaken), and at most max-in-flight are open at once, the rest waiting in the socket, all answered.
/// </summary>
public sealed class AcquirerListenerTests
{
    private const long Slow = 8001;
    private const long Held = 8002;

    private static async Task<Scenario> StartAsync(string requestTimeout, params string[] overrides)
    {
        var bank = await BankSimulator.StartAsync(new BankHostBehaviour
        {
            Rules =
            [
                new ResponseRule { Amount = Slow, Latency = Latency.Fixed(TimeSpan.FromSeconds(2)) },
                new ResponseRule { Amount = Held, NeverAnswer = true },
            ],
        });
        return await Scenario.StartAsync($$"""
            channels = [ {{Scenario.Channel("bank-a-1", "bank-a", bank, requestTimeout)}} ]
            bin-table = [ { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] } ]
            products { classic {} }
            """, [bank], overrides);
    }

    [Fact]
    public async Task Answers_on_one_connection_go_back_as_they_complete_so_fast_requests_overtake_a_slow_one()
    {
        await using var s = await StartAsync("10s");
        var bank = s.Banks[0];
        var slowRequest = s.Factory.Purchase(Scenario.OffUs, Slow);
        var slow = s.SendAsync(slowRequest);
        await Scenario.Eventually(() => bank.Statistics.Received(new Mti(200)) == 1, "the bank received the slow purchase");

        var fastRequests = Enumerable.Range(0, 20).Select(i => s.Factory.Purchase(Scenario.OffUs, 1000 + i)).ToList();
        var fast = await Task.WhenAll(fastRequests.Select(s.SendAsync));

        Assert.False(slow.IsCompleted, "the slow purchase was answered before the fast ones behind it");
        Assert.All(fast, a => Assert.Equal(ResponseCodes.Approved, a.ResponseCode));
        Assert.Equal(fastRequests.Select(r => r.Stan), fast.Select(a => a.Stan));
        Assert.Equal(fastRequests.Select(r => r.Amount), fast.Select(a => a.Amount));
        var slowAnswer = await slow;
        Assert.Equal(ResponseCodes.Approved, slowAnswer.ResponseCode);
        Assert.Equal(slowRequest.Stan, slowAnswer.Stan);
        Assert.Equal(21, bank.Statistics.Received(new Mti(200)));
    }

    [Fact]
    public async Task At_most_max_in_flight_requests_are_open_per_connection_and_the_rest_are_answered_after_them()
    {
        await using var s = await StartAsync("1s", "--switch:acquirers:0:max-in-flight=2");
        Assert.Equal(2, s.Node.Node.Acquirers[0].Listener.Settings.MaxInFlight);
        var bank = s.Banks[0];

        // Two requests the bank never answers fill both slots until the channel's timeout answers them (91).
        var held = Enumerable.Range(0, 2).Select(_ => s.SendAsync(s.Factory.Purchase(Scenario.OffUs, Held))).ToList();
        await Scenario.Eventually(() => bank.Statistics.Received(new Mti(200)) == 2, "the bank received both held purchases");
        var queued = Enumerable.Range(0, 10).Select(i => s.SendAsync(s.Factory.Purchase(Scenario.OffUs, 2000 + i))).ToList();

        // No queued request was read before a slot freed: the first answer to one comes after a held answer. (Not
        // after both: the two timeouts fire a timer tick apart, and the first freed slot may serve a queued request
        // within that tick.)
        await Task.WhenAny(queued);
        Assert.True(held.Any(h => h.IsCompleted), "a request beyond max-in-flight was answered while both slots were taken");
        Assert.All(await Task.WhenAll(held), a => Assert.Equal(ResponseCodes.IssuerUnavailable, a.ResponseCode));
        Assert.All(await Task.WhenAll(queued), a => Assert.Equal(ResponseCodes.Approved, a.ResponseCode));
        Assert.Equal(12, bank.Statistics.Received(new Mti(200)));
    }

    [Fact]
    public async Task With_max_in_flight_2_many_concurrent_requests_on_one_connection_are_all_answered()
    {
        await using var s = await StartAsync("5s", "--switch:acquirers:0:max-in-flight=2");
        var bank = s.Banks[0];
        bank.Behaviour = bank.Behaviour with { Latency = Latency.Uniform(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)) };
        var requests = Enumerable.Range(0, 60).Select(i => s.Factory.Purchase(Scenario.OffUs, 3000 + i)).ToList();
        var peak = 0L;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                peak = Math.Max(peak, s.Status("bank-a-1").InFlight);
                await Task.Delay(1);
            }
        });

        var answers = await Task.WhenAll(requests.Select(s.SendAsync));
        await watching.CancelAsync();
        await watcher;

        Assert.All(answers, a => Assert.Equal(ResponseCodes.Approved, a.ResponseCode));
        Assert.Equal(requests.Select(r => r.Stan), answers.Select(a => a.Stan));
        Assert.Equal(60, bank.Statistics.Received(new Mti(200)));
        Assert.True(peak <= 2, $"{peak} requests of one connection were at the bank at once");
    }
}
