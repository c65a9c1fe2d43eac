using Switch.Actors.Transactions;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>Acquirer → node → bank host and back, over real sockets, with the SQLite journal.</summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly Card OffUs = new("4761739001010010", "2912");
    private static readonly Card OnUs = new("6277000000000017", "2912");

    private BankHostSimulator _bank = null!;
    private TestNode _node = null!;
    private AcquirerClient _client = null!;
    private readonly TransactionFactory _factory = new(Protocol.Iso8583.Dialects.Iso87Ascii);

    public async Task InitializeAsync()
    {
        _bank = await BankSimulator.StartAsync(new BankHostBehaviour
        {
            Rules = [new ResponseRule { Amount = 5105, ResponseCode = "05" }],
        });
        _node = await TestNode.StartAsync($$"""
            channels = [ {{BankSimulator.Channel("bank-a-1", "bank-a", _bank)}} ]
            bin-table = [
              { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] }
              { range = "627700", issuer = switch, product = prepaid, on-us = true }
            ]
            products {
              classic { single-amount = 100000, daily-count = 5 }
              prepaid { opening-balance = 10000 }
            }
            """);
        _client = await _node.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _node.DisposeAsync();
        await _bank.DisposeAsync();
        _node.DeleteDirectory();
    }

    [Fact]
    public async Task A_purchase_is_approved_by_the_bank_and_answered_with_its_approval_code()
    {
        var request = _factory.Purchase(OffUs, 1000);
        var response = await _client.SendAsync(request, Timeout);
        Assert.Equal("0210", response.Mti.ToString());
        Assert.Equal(ResponseCodes.Approved, response.ResponseCode);
        Assert.Equal(request.Stan, response.Stan);
        Assert.False(string.IsNullOrEmpty(response.ApprovalCode));
        Assert.Equal(1, _bank.Statistics.Received(new Protocol.Iso8583.Mti(200)));
    }

    [Fact]
    public async Task A_bank_decline_reaches_the_acquirer()
    {
        var response = await _client.SendAsync(_factory.Purchase(OffUs, 5105), Timeout);
        Assert.Equal("05", response.ResponseCode);
    }

    [Fact]
    public async Task A_repeated_request_gets_the_first_answer_and_reaches_the_bank_once()
    {
        var request = _factory.Purchase(OffUs, 1200);
        var first = await _client.SendAsync(request, Timeout);
        var again = await _client.SendAsync(request, Timeout);
        Assert.Equal(ResponseCodes.Approved, again.ResponseCode);
        Assert.Equal(first.ApprovalCode, again.ApprovalCode);
        Assert.Equal(1, _bank.Statistics.Received(new Protocol.Iso8583.Mti(200)));
    }

    [Fact]
    public async Task Repeats_sent_while_the_first_is_in_flight_share_its_answer_and_reach_the_bank_once()
    {
        _bank.Behaviour = _bank.Behaviour with { Latency = Latency.Fixed(TimeSpan.FromMilliseconds(300)) };
        var request = _factory.Purchase(OffUs, 1300);
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SendCopyAsync(request)));
        Assert.All(answers, a => Assert.Equal(ResponseCodes.Approved, a.ResponseCode));
        Assert.Single(answers.Select(a => a.ApprovalCode).Distinct());
        Assert.Equal(1, _bank.Statistics.Received(new Protocol.Iso8583.Mti(200)));
    }

    private async Task<Protocol.Iso8583.IsoMessage> SendCopyAsync(Protocol.Iso8583.IsoMessage request)
    {
        // one connection per copy: the client matches answers by key, so each copy needs its own connection
        await using var client = await _node.ConnectAsync();
        return await client.SendAsync(request.ConvertTo(request.Dialect), Timeout);
    }

    [Fact]
    public async Task Limits_answer_61_over_the_single_amount_and_65_over_the_daily_count()
    {
        Assert.Equal(ResponseCodes.ExceedsAmountLimit, (await _client.SendAsync(_factory.Purchase(OffUs, 100001), Timeout)).ResponseCode);
        for (var i = 0; i < 5; i++)
            Assert.Equal(ResponseCodes.Approved, (await _client.SendAsync(_factory.Purchase(OffUs, 10), Timeout)).ResponseCode);
        Assert.Equal(ResponseCodes.ExceedsFrequencyLimit, (await _client.SendAsync(_factory.Purchase(OffUs, 10), Timeout)).ResponseCode);
        Assert.Equal(5, _bank.Statistics.Received(new Protocol.Iso8583.Mti(200)));
    }

    [Fact]
    public async Task On_us_accounts_are_decided_by_the_switch_with_their_balance()
    {
        Assert.Equal(ResponseCodes.Approved, (await _client.SendAsync(_factory.Purchase(OnUs, 6000), Timeout)).ResponseCode);
        Assert.Equal(ResponseCodes.InsufficientFunds, (await _client.SendAsync(_factory.Purchase(OnUs, 4001), Timeout)).ResponseCode);
        var balance = await _client.SendAsync(_factory.BalanceInquiry(OnUs), Timeout);
        Assert.Equal(ResponseCodes.Approved, balance.ResponseCode);
        Assert.EndsWith("C000000004000", balance.GetString(54));
        Assert.Equal(ResponseCodes.Approved, (await _client.SendAsync(_factory.Refund(OnUs, 1), Timeout)).ResponseCode);
        Assert.Equal(ResponseCodes.Approved, (await _client.SendAsync(_factory.Purchase(OnUs, 4001), Timeout)).ResponseCode);
        Assert.Equal(0, _bank.Statistics.Received(new Protocol.Iso8583.Mti(200)));
        var account = await _node.Node.Payments.ShowAccountAsync(OnUs.Pan, Timeout);
        Assert.Equal(0, account.Balance);
        Assert.Equal("627700******0017", account.MaskedPan);
    }

    [Fact]
    public async Task A_pre_authorization_holds_funds_until_its_completion()
    {
        var preAuth = _factory.PreAuthorization(OnUs, 7000);
        Assert.Equal(ResponseCodes.Approved, (await _client.SendAsync(preAuth, Timeout)).ResponseCode);
        Assert.Equal(ResponseCodes.InsufficientFunds, (await _client.SendAsync(_factory.Purchase(OnUs, 3001), Timeout)).ResponseCode);
        var completion = await _client.SendAsync(_factory.Completion(preAuth, 6500), Timeout);
        Assert.Equal("0230", completion.Mti.ToString());
        Assert.Equal(ResponseCodes.Approved, completion.ResponseCode);
        var account = await _node.Node.Payments.ShowAccountAsync(OnUs.Pan, Timeout);
        Assert.Equal((3500L, 0L, 0), (account.Balance, account.Held, account.Holds));
    }

    [Fact]
    public async Task An_off_us_pre_authorization_and_its_completion_go_to_the_bank()
    {
        var preAuth = _factory.PreAuthorization(OffUs, 7000);
        Assert.Equal(ResponseCodes.Approved, (await _client.SendAsync(preAuth, Timeout)).ResponseCode);
        Assert.Equal(ResponseCodes.Approved, (await _client.SendAsync(_factory.Completion(preAuth, 7000), Timeout)).ResponseCode);
        Assert.Equal(1, _bank.Statistics.Received(new Protocol.Iso8583.Mti(100)));
        Assert.Equal(1, _bank.Statistics.Received(new Protocol.Iso8583.Mti(220)));
        var account = await _node.Node.Payments.ShowAccountAsync(OffUs.Pan, Timeout);
        Assert.Equal(0, account.Holds);
    }

    [Fact]
    public async Task An_acquirer_reversal_undoes_the_purchase_and_sends_the_bank_a_reversal_advice()
    {
        var purchase = _factory.Purchase(OnUs, 2500);
        Assert.Equal(ResponseCodes.Approved, (await _client.SendAsync(purchase, Timeout)).ResponseCode);
        var reversal = await _client.SendAsync(_factory.Reversal(purchase), Timeout);
        Assert.Equal("0410", reversal.Mti.ToString());
        Assert.Equal(ResponseCodes.Approved, reversal.ResponseCode);
        Assert.Equal(10000, (await _node.Node.Payments.ShowAccountAsync(OnUs.Pan, Timeout)).Balance);

        var offUs = _factory.Purchase(OffUs, 2500);
        Assert.Equal(ResponseCodes.Approved, (await _client.SendAsync(offUs, Timeout)).ResponseCode);
        Assert.Equal(ResponseCodes.Approved, (await _client.SendAsync(_factory.Reversal(offUs), Timeout)).ResponseCode);
        await Eventually(() => _bank.Statistics.ReversalAdvices.Count == 1);
        var view = await _node.Node.Payments.ShowAccountAsync(OffUs.Pan, Timeout);
        Assert.Equal((0L, 0), (view.DayAmount, view.DayCount));
    }

    [Fact]
    public async Task A_refund_goes_to_the_bank()
    {
        var response = await _client.SendAsync(_factory.Refund(OffUs, 900), Timeout);
        Assert.Equal(ResponseCodes.Approved, response.ResponseCode);
        Assert.Equal(1, _bank.Statistics.Received(new Protocol.Iso8583.Mti(200)));
    }

    [Fact]
    public async Task A_malformed_message_with_a_readable_header_gets_RC_30_with_its_STAN()
    {
        var request = _factory.Purchase(OffUs, 1000);
        await _client.SendRawAsync(request.Encode()[..^1]); // the last field is cut short
        var answer = await _client.Unmatched.ReadAsync(new CancellationTokenSource(Timeout).Token);
        Assert.Equal("0210", answer.Mti.ToString());
        Assert.Equal(ResponseCodes.FormatError, answer.ResponseCode);
        Assert.Equal(request.Stan, answer.Stan);
        // the connection still works
        Assert.Equal(ResponseCodes.Approved, (await _client.SendAsync(_factory.Purchase(OffUs, 1000), Timeout)).ResponseCode);
    }

    [Fact]
    public async Task Unreadable_bytes_close_the_connection_after_the_configured_number_in_a_row()
    {
        for (var i = 0; i < 5; i++)
            await _client.SendRawAsync("\u0001\u0002garbage"u8.ToArray());
        await _client.Closed.WaitAsync(Timeout);
        await using var fresh = await _node.ConnectAsync();
        Assert.Equal(ResponseCodes.Approved, (await fresh.SendAsync(_factory.Purchase(OffUs, 1000), Timeout)).ResponseCode);
    }

    [Fact]
    public async Task An_unknown_card_range_gets_RC_92()
    {
        var response = await _client.SendAsync(_factory.Purchase(new Card("5500000000000004", "2912"), 1000), Timeout);
        Assert.Equal(ResponseCodes.NoRoute, response.ResponseCode);
    }

    internal static async Task Eventually(Func<bool> condition, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail("the condition did not hold in time");
            await Task.Delay(20);
        }
    }
}
