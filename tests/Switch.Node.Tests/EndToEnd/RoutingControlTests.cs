using Switch.Actors.Routing;
using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>
/// Operators' routing controls over real traffic: transaction types, channels and banks switched off and on,
/// maintenance windows, all journaled so that they survive a restart.
/// </summary>
public sealed class RoutingControlTests
{
    private const string Who = "test-operator";

    /// <summary>Only bank-a-1 serves this range: with it switched off there is no route (RC 92).</summary>
    private static readonly Card SingleChannel = new("4555551234567890", "2912");

    private static async Task<Scenario> StartAsync()
    {
        var bankA = await BankSimulator.StartAsync();
        var bankB = await BankSimulator.StartAsync();
        return await Scenario.StartAsync($$"""
            channels = [
              {{Scenario.Channel("bank-a-1", "bank-a", bankA)}}
              {{Scenario.Channel("bank-b-1", "bank-b", bankB)}}
            ]
            bin-table = [
              { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1, priority = 1 }, { channel = bank-b-1, priority = 2 } ] }
              { range = "455555", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] }
            ]
            products { classic {} }
            """, [bankA, bankB]);
    }

    /// <summary>Sends <paramref name="request"/> and returns its response code and which bank host got it ("a", "b" or "none").</summary>
    private static async Task<(string? Code, string Bank)> RouteAsync(Scenario s, IsoMessage request)
    {
        var before = (A: s.Banks[0].Statistics.Received(new Mti(200)), B: s.Banks[1].Statistics.Received(new Mti(200)));
        var code = (await s.SendAsync(request)).ResponseCode;
        var after = (A: s.Banks[0].Statistics.Received(new Mti(200)), B: s.Banks[1].Statistics.Received(new Mti(200)));
        var bank = (after.A - before.A, after.B - before.B) switch
        {
            (0, 0) => "none",
            (1, 0) => "a",
            (0, 1) => "b",
            var other => $"both {other}",
        };
        return (code, bank);
    }

    private static Task<(string? Code, string Bank)> PurchaseAsync(Scenario s, Card card) => RouteAsync(s, s.Factory.Purchase(card, 1000));

    private static Task<(string? Code, string Bank)> RefundAsync(Scenario s, Card card) => RouteAsync(s, s.Factory.Refund(card, 500));

    private static async Task SetAsync(Scenario s, ControlLevel level, string target, bool enabled)
    {
        var result = await s.Payments.SetEnabledAsync(level, target, enabled, Who, Scenario.AnswerTimeout);
        Assert.True(result.Ok, result.Message);
    }

    [Fact]
    public async Task Refunds_disabled_on_one_channel_go_to_the_other_candidate_while_purchases_stay()
    {
        await using var s = await StartAsync();
        Assert.Equal((ResponseCodes.Approved, "a"), await RefundAsync(s, Scenario.OffUs));

        await SetAsync(s, ControlLevel.TransactionType, "bank-a-1/refund", enabled: false);

        Assert.Equal((ResponseCodes.Approved, "b"), await RefundAsync(s, Scenario.OffUs));
        Assert.Equal((ResponseCodes.Approved, "a"), await PurchaseAsync(s, Scenario.OffUs));
        Assert.Equal((ResponseCodes.NoRoute, "none"), await RefundAsync(s, SingleChannel));
        Assert.Equal((ResponseCodes.Approved, "a"), await PurchaseAsync(s, SingleChannel));

        await SetAsync(s, ControlLevel.TransactionType, "bank-a-1/refund", enabled: true);

        Assert.Equal((ResponseCodes.Approved, "a"), await RefundAsync(s, Scenario.OffUs));
        Assert.Equal((ResponseCodes.Approved, "a"), await RefundAsync(s, SingleChannel));
    }

    [Fact]
    public async Task Unknown_targets_are_refused_and_change_nothing()
    {
        await using var s = await StartAsync();
        foreach (var (level, target) in new[]
                 {
                     (ControlLevel.TransactionType, "bank-x-1/refund"), (ControlLevel.TransactionType, "bank-a-1/cashback"),
                     (ControlLevel.TransactionType, "bank-a-1"), (ControlLevel.Channel, "bank-x-1"), (ControlLevel.Bank, "bank-x"),
                 })
        {
            var result = await s.Payments.SetEnabledAsync(level, target, false, Who, Scenario.AnswerTimeout);
            Assert.False(result.Ok, $"{level} {target} was accepted");
        }
        Assert.False((await s.Payments.RemoveMaintenanceAsync("mw-nothing", Who, Scenario.AnswerTimeout)).Ok);
        var now = DateTimeOffset.UtcNow;
        Assert.False((await s.Payments.AddMaintenanceAsync("bank-x", now, now.AddHours(1), "no such bank", Who, Scenario.AnswerTimeout)).Ok);
        Assert.False((await s.Payments.AddMaintenanceAsync("bank-a", now, now.AddHours(-1), "ends before it starts", Who, Scenario.AnswerTimeout)).Ok);
        var controls = s.Payments.Controls;
        Assert.Empty(controls.DisabledBanks);
        Assert.Empty(controls.DisabledChannels);
        Assert.Empty(controls.DisabledTransactionTypes);
        Assert.Empty(controls.MaintenanceWindows);
        Assert.Equal((ResponseCodes.Approved, "a"), await RefundAsync(s, Scenario.OffUs));
    }

    [Fact]
    public async Task A_disabled_bank_or_channel_is_skipped_until_enabled_again()
    {
        await using var s = await StartAsync();

        await SetAsync(s, ControlLevel.Bank, "bank-a", enabled: false);
        Assert.Equal((ResponseCodes.Approved, "b"), await PurchaseAsync(s, Scenario.OffUs));
        Assert.Equal((ResponseCodes.Approved, "b"), await RefundAsync(s, Scenario.OffUs));
        Assert.Equal((ResponseCodes.NoRoute, "none"), await PurchaseAsync(s, SingleChannel));
        await SetAsync(s, ControlLevel.Bank, "bank-a", enabled: true);
        Assert.Equal((ResponseCodes.Approved, "a"), await PurchaseAsync(s, Scenario.OffUs));

        await SetAsync(s, ControlLevel.Channel, "bank-a-1", enabled: false);
        Assert.Equal((ResponseCodes.Approved, "b"), await PurchaseAsync(s, Scenario.OffUs));
        Assert.Equal((ResponseCodes.NoRoute, "none"), await PurchaseAsync(s, SingleChannel));
        await SetAsync(s, ControlLevel.Channel, "bank-a-1", enabled: true);
        Assert.Equal((ResponseCodes.Approved, "a"), await PurchaseAsync(s, Scenario.OffUs));
        Assert.Equal((ResponseCodes.Approved, "a"), await PurchaseAsync(s, SingleChannel));

        // Both banks off: no route.
        await SetAsync(s, ControlLevel.Bank, "bank-a", enabled: false);
        await SetAsync(s, ControlLevel.Bank, "bank-b", enabled: false);
        Assert.Equal((ResponseCodes.NoRoute, "none"), await PurchaseAsync(s, Scenario.OffUs));
    }

    [Fact]
    public async Task An_open_maintenance_window_skips_the_banks_channels_and_removing_it_restores_routing()
    {
        await using var s = await StartAsync();
        var now = DateTimeOffset.UtcNow;

        // A window that opens later changes nothing now.
        var later = await s.Payments.AddMaintenanceAsync("bank-a", now.AddHours(1), now.AddHours(2), "later", Who, Scenario.AnswerTimeout);
        Assert.True(later.Ok, later.Message);
        Assert.Equal((ResponseCodes.Approved, "a"), await PurchaseAsync(s, Scenario.OffUs));

        var open = await s.Payments.AddMaintenanceAsync("bank-a", now.AddMinutes(-1), now.AddHours(1), "release 42", Who, Scenario.AnswerTimeout);
        Assert.True(open.Ok, open.Message);
        Assert.Equal(2, open.Controls.MaintenanceWindows.Count);
        var id = open.Controls.MaintenanceWindows.Single(w => w.Reason == "release 42").Id;

        Assert.Equal((ResponseCodes.Approved, "b"), await PurchaseAsync(s, Scenario.OffUs));
        Assert.Equal((ResponseCodes.Approved, "b"), await RefundAsync(s, Scenario.OffUs));
        Assert.Equal((ResponseCodes.NoRoute, "none"), await PurchaseAsync(s, SingleChannel));

        var removed = await s.Payments.RemoveMaintenanceAsync(id, Who, Scenario.AnswerTimeout);
        Assert.True(removed.Ok, removed.Message);
        Assert.Single(removed.Controls.MaintenanceWindows);

        Assert.Equal((ResponseCodes.Approved, "a"), await PurchaseAsync(s, Scenario.OffUs));
        Assert.Equal((ResponseCodes.Approved, "a"), await PurchaseAsync(s, SingleChannel));
    }

    [Fact]
    public async Task Controls_survive_a_node_restart()
    {
        await using var s = await StartAsync();
        var now = DateTimeOffset.UtcNow;
        await SetAsync(s, ControlLevel.TransactionType, "bank-a-1/refund", enabled: false);
        await SetAsync(s, ControlLevel.Bank, "bank-b", enabled: false);
        await SetAsync(s, ControlLevel.Channel, "bank-b-1", enabled: false);
        await SetAsync(s, ControlLevel.Channel, "bank-b-1", enabled: true);
        var later = await s.Payments.AddMaintenanceAsync("bank-a", now.AddHours(1), now.AddHours(2), "later", Who, Scenario.AnswerTimeout);
        Assert.True(later.Ok, later.Message);
        var window = Assert.Single(later.Controls.MaintenanceWindows);
        Assert.Equal((ResponseCodes.NoRoute, "none"), await RefundAsync(s, Scenario.OffUs));

        await s.RestartAsync();

        // Routing right after the restart already honours the controls.
        Assert.Equal((ResponseCodes.NoRoute, "none"), await RefundAsync(s, Scenario.OffUs));
        Assert.Equal((ResponseCodes.Approved, "a"), await PurchaseAsync(s, Scenario.OffUs));
        var controls = s.Payments.Controls;
        Assert.Equal(new[] { "bank-a-1/refund" }, controls.DisabledTransactionTypes.ToArray());
        Assert.Equal(new[] { "bank-b" }, controls.DisabledBanks.ToArray());
        Assert.Empty(controls.DisabledChannels);
        var recovered = Assert.Single(controls.MaintenanceWindows);
        Assert.Equal(window, recovered);

        // And they can be changed after it.
        await SetAsync(s, ControlLevel.Bank, "bank-b", enabled: true);
        Assert.Equal((ResponseCodes.Approved, "b"), await RefundAsync(s, Scenario.OffUs));
        Assert.True((await s.Payments.RemoveMaintenanceAsync(window.Id, Who, Scenario.AnswerTimeout)).Ok);
        Assert.Empty(s.Payments.Controls.MaintenanceWindows);
    }
}
