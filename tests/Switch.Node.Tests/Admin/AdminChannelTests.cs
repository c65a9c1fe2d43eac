using System.Net;
using System.Text.Json;
using Switch.Actors.Channels;
using Switch.Actors.Transactions;
using Switch.Node.Tests.EndToEnd;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// The channel calls over real HTTP, checked against real traffic: what a channel shows, isolating and closing its
/// breaker, enabling and disabling banks, channels and transaction types, and its store-and-forward queue.
/// </summary>
public sealed class AdminChannelTests
{
    private static string ControlBody(string level, string target) => JsonSerializer.Serialize(new Dictionary<string, string> { ["level"] = level, ["target"] = target });

    [Fact]
    public async Task Channels_are_listed_and_shown_with_their_bank_breaker_and_connections()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();
        Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(Scenario.OffUs));

        var list = (await admin.GetAsync("channels")).Expect(HttpStatusCode.OK);
        Assert.Equal(["bank-a-1", "bank-b-1"], list.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var shown = (await admin.GetAsync("channels/bank-a-1")).Expect(HttpStatusCode.OK);
        Assert.Equal(list[0].GetProperty("bank_host").GetString(), shown.GetProperty("bank_host").GetString());
        Assert.Equal("bank-a", shown.GetProperty("bank").GetString());
        Assert.Equal($"127.0.0.1:{s.Banks[0].Endpoint.Port}", shown.GetProperty("bank_host").GetString());
        Assert.Equal("closed", shown.GetProperty("breaker").GetString());
        Assert.True(shown.GetProperty("available").GetBoolean());
        Assert.True(shown.GetProperty("enabled").GetBoolean());
        Assert.Equal(1, shown.GetProperty("connections").GetInt32());
        Assert.Equal(1, shown.GetProperty("configured_connections").GetInt32());
        Assert.Equal(1, shown.GetProperty("requests").GetInt64());
        Assert.Equal(0, shown.GetProperty("in_flight").GetInt64());
        Assert.Equal(0, shown.GetProperty("saf_depth").GetInt64());
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("maintenance").ValueKind);
        Assert.Equal(0, shown.GetProperty("disabled_types").GetArrayLength());
    }

    [Fact]
    public async Task An_isolated_channel_gets_no_traffic_until_its_breaker_is_closed()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();

        var isolated = (await admin.PostAsync("channels/bank-a-1/isolate")).Expect(HttpStatusCode.OK);
        Assert.Equal("isolated", isolated.GetProperty("breaker").GetString());
        Assert.Equal(BreakerState.Isolated, s.Status("bank-a-1").Breaker);
        var shown = (await admin.GetAsync("channels/bank-a-1")).Expect(HttpStatusCode.OK);
        Assert.Equal("isolated", shown.GetProperty("breaker").GetString());
        Assert.False(shown.GetProperty("available").GetBoolean());
        Assert.Equal((ResponseCodes.Approved, "b"), await s.PurchaseAsync(Scenario.OffUs));
        Assert.Equal((ResponseCodes.IssuerUnavailable, "none"), await s.PurchaseAsync(AdminScenario.SingleChannel));

        var closed = (await admin.PostAsync("channels/bank-a-1/close")).Expect(HttpStatusCode.OK);
        Assert.Equal("closed", closed.GetProperty("breaker").GetString());
        Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(Scenario.OffUs));
        Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(AdminScenario.SingleChannel));
    }

    [Fact]
    public async Task Banks_channels_and_transaction_types_are_disabled_and_enabled_again()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();

        var disabled = (await admin.PostAsync("controls/disable", ControlBody("channel", "bank-a-1"))).Expect(HttpStatusCode.OK);
        Assert.Equal("channel bank-a-1 disabled", disabled.GetProperty("message").GetString());
        Assert.Equal(["bank-a-1"], disabled.GetProperty("controls").GetProperty("disabled_channels").EnumerateArray().Select(c => c.GetString()));
        Assert.False((await admin.GetAsync("channels/bank-a-1")).Expect(HttpStatusCode.OK).GetProperty("enabled").GetBoolean());
        Assert.Equal((ResponseCodes.Approved, "b"), await s.PurchaseAsync(Scenario.OffUs));
        Assert.Equal((ResponseCodes.NoRoute, "none"), await s.PurchaseAsync(AdminScenario.SingleChannel));
        (await admin.PostAsync("controls/enable", ControlBody("channel", "bank-a-1"))).Expect(HttpStatusCode.OK);
        Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(Scenario.OffUs));

        (await admin.PostAsync("controls/disable", ControlBody("bank", "bank-a"))).Expect(HttpStatusCode.OK);
        var list = (await admin.GetAsync("channels")).Expect(HttpStatusCode.OK);
        Assert.Equal([false, true], list.EnumerateArray().Select(c => c.GetProperty("enabled").GetBoolean()));
        Assert.Equal((ResponseCodes.Approved, "b"), await s.PurchaseAsync(Scenario.OffUs));
        (await admin.PostAsync("controls/enable", ControlBody("bank", "bank-a"))).Expect(HttpStatusCode.OK);
        Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(Scenario.OffUs));

        (await admin.PostAsync("controls/disable", ControlBody("txn-type", "bank-a-1/purchase"))).Expect(HttpStatusCode.OK);
        var shown = (await admin.GetAsync("channels/bank-a-1")).Expect(HttpStatusCode.OK);
        Assert.True(shown.GetProperty("enabled").GetBoolean());
        Assert.Equal(["purchase"], shown.GetProperty("disabled_types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal((ResponseCodes.Approved, "b"), await s.PurchaseAsync(Scenario.OffUs));
        var enabled = (await admin.PostAsync("controls/enable", ControlBody("txn-type", "bank-a-1/purchase"))).Expect(HttpStatusCode.OK);
        Assert.Equal(0, enabled.GetProperty("controls").GetProperty("disabled_transaction_types").GetArrayLength());
        Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(Scenario.OffUs));
    }

    [Fact]
    public async Task Unknown_channels_and_banks_get_404_and_bad_input_400_and_nothing_changes()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();

        foreach (var answer in new[]
                 {
                     await admin.GetAsync("channels/bank-x-1"), await admin.PostAsync("channels/bank-x-1/isolate"),
                     await admin.PostAsync("channels/bank-x-1/close"), await admin.GetAsync("channels/bank-x-1/saf"),
                     await admin.PostAsync("channels/bank-x-1/saf/retry"),
                     await admin.PostAsync("controls/disable", ControlBody("channel", "bank-x-1")),
                     await admin.PostAsync("controls/disable", ControlBody("txn-type", "bank-x-1/refund")),
                 })
        {
            Assert.Equal(HttpStatusCode.NotFound, answer.Status);
            Assert.Equal("unknown channel 'bank-x-1'", answer.Error);
        }
        var bank = await admin.PostAsync("controls/disable", ControlBody("bank", "bank-x"));
        Assert.Equal((HttpStatusCode.NotFound, "unknown bank 'bank-x'"), (bank.Status, bank.Error));

        foreach (var (body, error) in new[]
                 {
                     (ControlBody("region", "bank-a-1"), "level must be bank, channel or txn-type"),
                     (ControlBody("txn-type", "bank-a-1"), "a txn-type target is channel/type"),
                     (ControlBody("txn-type", "bank-a-1/cashback"), "unknown transaction type 'cashback'"),
                     ("""{"level": "channel"}""", "the body must be JSON like"),
                     ("""{"level": "channel", "target": null}""", "the body must be JSON like"),
                     ("not json", "the body must be JSON like"),
                 })
        {
            var refused = await admin.PostAsync("controls/disable", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.StartsWith(error, refused.Error);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("controls/disable")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("no-such-call")).Status);

        var controls = s.Payments.Controls;
        Assert.Empty(controls.DisabledBanks);
        Assert.Empty(controls.DisabledChannels);
        Assert.Empty(controls.DisabledTransactionTypes);
        Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(Scenario.OffUs));
    }

    [Fact]
    public async Task A_card_number_typed_as_a_channel_name_comes_back_masked()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();

        var answer = await admin.GetAsync($"channels/{Scenario.OffUs.Pan}");

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.DoesNotContain(Scenario.OffUs.Pan, answer.Text);
        Assert.Contains("476173******0010", answer.Text);
    }

    [Fact]
    public async Task The_saf_queue_lists_the_advices_the_bank_holds_back_and_retry_sends_them_now()
    {
        const long unanswered = 7101;
        var holdBack = new BankHostBehaviour
        {
            Rules =
            [
                new ResponseRule { Amount = unanswered, NeverAnswer = true },
                new ResponseRule { Mti = new Mti(420), NeverAnswer = true },
                new ResponseRule { Mti = new Mti(421), NeverAnswer = true },
            ],
        };
        await using var s = await AdminScenario.StartAsync(bankA: holdBack);
        using var admin = s.Http();
        Assert.Equal(0, (await admin.GetAsync("channels/bank-a-1/saf")).Expect(HttpStatusCode.OK).GetArrayLength());

        var purchase = s.Factory.Purchase(AdminScenario.SingleChannel, unanswered);
        Assert.Equal(ResponseCodes.IssuerUnavailable, (await s.SendAsync(purchase)).ResponseCode);
        await Scenario.Eventually(() => Scenario.AdvicesFor(s.Banks[0], purchase).Count >= 1, "the bank received the advice (and held it back)");

        var entry = Assert.Single((await admin.GetAsync("channels/bank-a-1/saf")).Expect(HttpStatusCode.OK).EnumerateArray());
        Assert.Equal("bank-a-1", entry.GetProperty("channel").GetString());
        Assert.Equal(TransactionKey.Of("000042", purchase), entry.GetProperty("transaction_key").GetString());
        Assert.True(entry.GetProperty("attempts").GetInt32() >= 1);
        Assert.Equal(1, (await admin.GetAsync("channels/bank-a-1")).Expect(HttpStatusCode.OK).GetProperty("saf_depth").GetInt64());
        var sentBefore = Scenario.AdvicesFor(s.Banks[0], purchase).Count;

        var retried = (await admin.PostAsync("channels/bank-a-1/saf/retry")).Expect(HttpStatusCode.OK);

        Assert.Equal(1, retried.GetProperty("sent").GetInt32());
        await Scenario.Eventually(() => Scenario.AdvicesFor(s.Banks[0], purchase).Count > sentBefore, "the advice was sent again at once");
        s.Banks[0].Behaviour = BankHostBehaviour.ApproveAll;
        (await admin.PostAsync("channels/bank-a-1/saf/retry")).Expect(HttpStatusCode.OK);
        await Scenario.Eventually(async () => (await admin.GetAsync("channels/bank-a-1/saf")).Json.GetArrayLength() == 0, "the acknowledged advice left the queue");
    }
}
