using System.Buffers;
using System.Globalization;
using System.Text;
using Switch.Actors.Accounts;
using Switch.Actors.Channels;
using Switch.Actors.Routing;
using Switch.Actors.Transactions;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Metrics;
using Switch.Runtime.TestKit;
using Switch.Simulators;

namespace Switch.Actors.Tests.Metrics;

/// <summary>
/// A bank channel's instruments (meter "Switch.Actors") as scraped, driven through <see cref="PaymentSwitch"/> and a
/// bank host simulator. The channel's name is unique to the test, so its series are the test's alone; the
/// transactions counter has no channel label and is shared with the other tests of the process: asserted on deltas.
/// </summary>
public sealed class ChannelMetricsTests : IAsyncLifetime
{
    private const string KeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private const long Declined = 5_100, Unanswered = 9_900;
    private static readonly TimeSpan Timeout = TestTime.Dilated(TimeSpan.FromSeconds(10));
    private static readonly Card Card = new("4761739001010010", "3012");

    private readonly string _channel = "metrics-" + Guid.NewGuid().ToString("N")[..8];
    private readonly TransactionFactory _terminal = new(Dialects.Iso87Ascii);
    private readonly MetricsCollector _collector = new("Switch.Actors");
    private BankHostSimulator _bank = null!;
    private PersistentTestSystem _test = null!;
    private PaymentSwitch _switch = null!;

    public async Task InitializeAsync()
    {
        _bank = new BankHostSimulator(new BankHostOptions(Dialects.Iso87Ascii, FrameFormat.Binary2)
        {
            Behaviour = BankHostBehaviour.ApproveAll with
            {
                Rules =
                [
                    new ResponseRule { Amount = Declined, ResponseCode = ResponseCodes.Declined },
                    new ResponseRule { Amount = Unanswered, NeverAnswer = true },
                ],
            },
        });
        await _bank.StartAsync();
        _test = await PersistentTestSystem.CreateAsync(PaymentSwitch.Serializer());
        _switch = PaymentSwitch.Start(_test.System, new PaymentSwitchOptions(
            [
                new ChannelOptions(_channel, "bank-a", "127.0.0.1", _bank.Endpoint.Port, Dialects.Iso87Ascii, FrameFormat.Binary2)
                {
                    RequestTimeout = TimeSpan.FromMilliseconds(300),
                },
            ],
            [new BinRange("476173", "476173", "bank-a", "debit", OnUs: false, [new RouteCandidate(_channel)])],
            new Dictionary<string, ProductLimits> { ["debit"] = new() },
            KeyHex) { AccountShards = 4, AuthorizationTimeout = Timeout });
        Assert.True(await _switch.WaitForChannelsAsync(Timeout));
    }

    public async Task DisposeAsync()
    {
        _collector.Dispose();
        await _test.DisposeAsync();
        await _bank.DisposeAsync();
    }

    private async Task ExpectAsync(string responseCode, long amount)
    {
        var result = await _switch.AuthorizeAsync("acq-1", _terminal.Purchase(Card, amount));
        Assert.True(result.ResponseCode == responseCode, $"amount {amount}: expected RC {responseCode}, got {result.ResponseCode} ({result.Reason})");
    }

    private string Scrape()
    {
        var output = new ArrayBufferWriter<byte>();
        _collector.WriteTo(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>The value of the sample line <c>{name}{{labels}}</c> (labels in name order, as written), or null.</summary>
    private static double? Value(string scrape, string name, params (string Name, string Value)[] labels)
    {
        var series = name + "{" + string.Join(",", labels.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => $"{l.Name}=\"{l.Value}\"")) + "} ";
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith(series, StringComparison.Ordinal))
                return double.Parse(line[series.Length..], CultureInfo.InvariantCulture);
        }
        return null;
    }

    [Fact]
    public async Task Requests_answers_by_response_code_and_bank_latency_are_counted_per_channel()
    {
        var before = Scrape();

        await ExpectAsync(ResponseCodes.Approved, 1_000);
        await ExpectAsync(ResponseCodes.Approved, 2_000);
        await ExpectAsync(ResponseCodes.Declined, Declined);
        var after = Scrape();

        Assert.Equal(3, Value(after, "switch_channel_requests_total", ("channel", _channel), ("mti", "0200")));
        Assert.Equal(2, Value(after, "switch_channel_answers_total", ("channel", _channel), ("response_code", "00")));
        Assert.Equal(1, Value(after, "switch_channel_answers_total", ("channel", _channel), ("response_code", "05")));
        Assert.Equal(3, Value(after, "switch_channel_latency_seconds_count", ("channel", _channel)));
        Assert.Equal(3, Value(after, "switch_channel_latency_seconds_bucket", ("channel", _channel), ("le", "+Inf")));
        Assert.Equal(1, Value(after, "switch_channel_connections", ("channel", _channel)));
        Assert.Equal(0, Value(after, "switch_channel_in_flight", ("channel", _channel)));
        Assert.Equal(0, Value(after, "switch_channel_breaker_state", ("channel", _channel)));
        double Transactions(string scrape, string outcome, string code) =>
            Value(scrape, "switch_transactions_total", ("mti", "0200"), ("outcome", outcome), ("response_code", code)) ?? 0;
        Assert.InRange(Transactions(after, "approved", "00") - Transactions(before, "approved", "00"), 2, double.MaxValue);
        Assert.InRange(Transactions(after, "declined", "05") - Transactions(before, "declined", "05"), 1, double.MaxValue);
    }

    [Fact]
    public async Task A_request_the_bank_never_answers_counts_as_a_timeout_and_an_error()
    {
        var before = Scrape();

        await ExpectAsync(ResponseCodes.IssuerUnavailable, Unanswered);
        var after = Scrape();

        Assert.Equal(1, Value(after, "switch_channel_timeouts_total", ("channel", _channel)));
        Assert.Equal(1, Value(after, "switch_channel_requests_total", ("channel", _channel), ("mti", "0200")));
        Assert.Null(Value(after, "switch_channel_latency_seconds_count", ("channel", _channel)));
        double Errors(string scrape) => Value(scrape, "switch_transactions_total", ("mti", "0200"), ("outcome", "error"), ("response_code", "91")) ?? 0;
        Assert.InRange(Errors(after) - Errors(before), 1, double.MaxValue);
    }

    [Fact]
    public async Task Breaker_transitions_are_counted_and_its_state_is_gauged()
    {
        Assert.Equal(BreakerState.Isolated, await _switch.IsolateAsync(_channel, "ops", Timeout));
        var isolated = Scrape();
        await ExpectAsync(ResponseCodes.IssuerUnavailable, 1_000); // refused at once: never sent
        Assert.Equal(BreakerState.Closed, await _switch.CloseBreakerAsync(_channel, "ops", Timeout));
        var closed = Scrape();

        Assert.Equal(3, Value(isolated, "switch_channel_breaker_state", ("channel", _channel)));
        Assert.Equal(1, Value(isolated, "switch_channel_breaker_transitions_total", ("channel", _channel), ("from", "closed"), ("to", "isolated")));
        Assert.Equal(0, Value(closed, "switch_channel_breaker_state", ("channel", _channel)));
        Assert.Equal(1, Value(closed, "switch_channel_breaker_transitions_total", ("channel", _channel), ("from", "isolated"), ("to", "closed")));
        Assert.Equal(1, Value(closed, "switch_channel_breaker_transitions_total", ("channel", _channel), ("from", "closed"), ("to", "isolated")));
        Assert.Null(Value(closed, "switch_channel_requests_total", ("channel", _channel), ("mti", "0200")));
    }
}
