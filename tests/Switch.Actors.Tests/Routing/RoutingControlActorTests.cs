using Switch.Actors.Channels;
using Switch.Actors.Routing;
using Switch.Actors.Transactions;
using Switch.Runtime.Actors;
using Switch.Runtime.TestKit;

namespace Switch.Actors.Tests.Routing;

public sealed class RoutingControlActorTests : IAsyncLifetime
{
    private const string Pan = "4761739001010010";
    private static readonly TimeSpan Timeout = TestTime.Dilated(TimeSpan.FromSeconds(10));
    private static readonly HashSet<string> Banks = new(StringComparer.Ordinal) { "bank-a", "bank-b" };

    private PersistentTestSystem _test = null!;
    private Router _router = null!;
    private ActorRef _controls = null!;

    public async Task InitializeAsync()
    {
        _test = await PersistentTestSystem.CreateAsync(PaymentSwitch.Serializer());
        (_router, _controls) = Start(_test.System);
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();

    private static (Router, ActorRef) Start(ActorSystem system)
    {
        var channels = new Dictionary<string, ChannelStatus>(StringComparer.Ordinal)
        {
            ["a-1"] = new("a-1", "bank-a") { Connections = 1 },
            ["a-2"] = new("a-2", "bank-a") { Connections = 1 },
            ["b-1"] = new("b-1", "bank-b") { Connections = 1 },
        };
        var router = new Router(new BinTable(
        [
            new BinRange("476173", "476173", "bank-a", "classic", OnUs: false, [new RouteCandidate("a-1"), new RouteCandidate("a-2", Priority: 2)]),
        ]), channels);
        var actor = system.ActorOf(Props.Create(() => new RoutingControlActor(router, Banks)), "routing-controls");
        return (router, actor);
    }

    private Task<ControlResult> Send(object command) => _controls.Ask<ControlResult>(command, Timeout, _test.System);

    private RouteDecision Route(TransactionKind kind = TransactionKind.Purchase, DateTimeOffset? at = null) =>
        _router.Route(Pan, kind, 1_000, at ?? DateTimeOffset.UtcNow);

    [Fact]
    public async Task Controls_start_empty()
    {
        var controls = await _controls.Ask<RoutingControls>(GetRoutingControls.Instance, Timeout, _test.System);

        Assert.Empty(controls.DisabledBanks);
        Assert.Empty(controls.DisabledChannels);
        Assert.Empty(controls.DisabledTransactionTypes);
        Assert.Empty(controls.MaintenanceWindows);
        Assert.Same(controls, _router.Controls);
    }

    [Fact]
    public async Task Disabling_a_channel_reaches_the_router_and_enabling_it_again_undoes_it()
    {
        var disabled = await Send(new SetEnabled(ControlLevel.Channel, "a-1", false, "alice"));

        Assert.True(disabled.Ok, disabled.Message);
        Assert.Equal(new[] { "a-1" }, disabled.Controls.DisabledChannels);
        Assert.Same(disabled.Controls, _router.Controls);
        Assert.Equal(new[] { "a-2" }, Route().Channels);

        var enabled = await Send(new SetEnabled(ControlLevel.Channel, "a-1", true, "alice"));

        Assert.True(enabled.Ok, enabled.Message);
        Assert.Empty(_router.Controls.DisabledChannels);
        Assert.Equal(new[] { "a-1", "a-2" }, Route().Channels);
    }

    [Fact]
    public async Task Disabling_a_bank_reaches_the_router()
    {
        var result = await Send(new SetEnabled(ControlLevel.Bank, "bank-a", false, "alice"));

        Assert.True(result.Ok, result.Message);
        Assert.Contains("bank-a", _router.Controls.DisabledBanks);
        var decision = Route();
        Assert.Equal(RouteOutcome.NoRoute, decision.Outcome);
        Assert.Equal("bank disabled", decision.Reason);
    }

    [Fact]
    public async Task Disabling_a_transaction_type_on_a_channel_reaches_the_router()
    {
        var result = await Send(new SetEnabled(ControlLevel.TransactionType, "a-1/refund", false, "alice"));

        Assert.True(result.Ok, result.Message);
        Assert.Equal(new[] { "a-1/refund" }, _router.Controls.DisabledTransactionTypes);
        Assert.Equal(new[] { "a-2" }, Route(TransactionKind.Refund).Channels);
        Assert.Equal(new[] { "a-1", "a-2" }, Route(TransactionKind.Purchase).Channels);

        await Send(new SetEnabled(ControlLevel.TransactionType, "a-1/refund", true, "alice"));
        Assert.Empty(_router.Controls.DisabledTransactionTypes);
    }

    [Fact]
    public async Task A_maintenance_window_is_added_then_removed()
    {
        var from = DateTimeOffset.UtcNow.AddMinutes(-5);
        var until = DateTimeOffset.UtcNow.AddHours(1);

        var added = await Send(new AddMaintenance("bank-a", from, until, "core upgrade", "bob"));

        Assert.True(added.Ok, added.Message);
        var window = Assert.Single(_router.Controls.MaintenanceWindows);
        Assert.Equal("bank-a", window.Bank);
        Assert.Equal("core upgrade", window.Reason);
        Assert.Equal(from.ToUnixTimeMilliseconds(), window.From.ToUnixTimeMilliseconds());
        Assert.Equal(until.ToUnixTimeMilliseconds(), window.Until.ToUnixTimeMilliseconds());
        Assert.StartsWith("mw-", window.Id);
        Assert.Contains(window.Id, added.Message);
        Assert.Equal(RouteOutcome.NoRoute, Route().Outcome);
        Assert.Equal(RouteOutcome.Routed, Route(at: until.AddSeconds(1)).Outcome);

        var removed = await Send(new RemoveMaintenance(window.Id, "bob"));

        Assert.True(removed.Ok, removed.Message);
        Assert.Empty(_router.Controls.MaintenanceWindows);
        Assert.Equal(RouteOutcome.Routed, Route().Outcome);
    }

    [Fact]
    public async Task Two_windows_get_different_ids_and_removing_one_keeps_the_other()
    {
        var from = DateTimeOffset.UtcNow.AddHours(1);
        await Send(new AddMaintenance("bank-a", from, from.AddHours(1), "one", "bob"));
        var second = await Send(new AddMaintenance("bank-b", from, from.AddHours(2), "two", "bob"));
        Assert.Equal(2, second.Controls.MaintenanceWindows.Count);
        var (first, other) = (second.Controls.MaintenanceWindows[0], second.Controls.MaintenanceWindows[1]);
        Assert.NotEqual(first.Id, other.Id);

        await Send(new RemoveMaintenance(first.Id, "bob"));

        Assert.Equal(other, Assert.Single(_router.Controls.MaintenanceWindows));
    }

    [Theory]
    [InlineData(ControlLevel.Bank, "bank-z", "unknown bank 'bank-z'")]
    [InlineData(ControlLevel.Bank, "a-1", "unknown bank 'a-1'")]
    [InlineData(ControlLevel.Channel, "z-1", "unknown channel 'z-1'")]
    [InlineData(ControlLevel.Channel, "bank-a", "unknown channel 'bank-a'")]
    [InlineData(ControlLevel.TransactionType, "z-1/refund", "not channel/transaction-type with a known channel")]
    [InlineData(ControlLevel.TransactionType, "refund", "not channel/transaction-type with a known channel")]
    [InlineData(ControlLevel.TransactionType, "a-1/cash", "unknown transaction type 'cash'")]
    [InlineData(ControlLevel.TransactionType, "a-1/", "unknown transaction type ''")]
    public async Task Unknown_banks_channels_and_transaction_types_are_refused_and_change_nothing(ControlLevel level, string target, string problem)
    {
        var before = _router.Controls;

        var result = await Send(new SetEnabled(level, target, false, "mallory"));

        Assert.False(result.Ok);
        Assert.Contains(problem, result.Message);
        Assert.Same(before, result.Controls);
        Assert.Same(before, _router.Controls);
    }

    [Fact]
    public async Task A_window_for_an_unknown_bank_is_refused()
    {
        var from = DateTimeOffset.UtcNow;
        var result = await Send(new AddMaintenance("bank-z", from, from.AddHours(1), "?", "bob"));

        Assert.False(result.Ok);
        Assert.Equal("unknown bank 'bank-z'", result.Message);
        Assert.Empty(_router.Controls.MaintenanceWindows);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public async Task A_window_that_does_not_end_after_it_starts_is_refused(int minutes)
    {
        var from = DateTimeOffset.UtcNow.AddHours(1);
        var result = await Send(new AddMaintenance("bank-a", from, from.AddMinutes(minutes), "backwards", "bob"));

        Assert.False(result.Ok);
        Assert.Equal("the window must end after it starts", result.Message);
        Assert.Empty(_router.Controls.MaintenanceWindows);
    }

    [Fact]
    public async Task Removing_an_unknown_window_is_refused()
    {
        var result = await Send(new RemoveMaintenance("mw-nothere", "bob"));

        Assert.False(result.Ok);
        Assert.Equal("no maintenance window 'mw-nothere'", result.Message);
    }

    [Fact]
    public async Task The_controls_are_recovered_by_a_new_actor_system_on_the_same_journal()
    {
        var from = DateTimeOffset.UtcNow.AddHours(1);
        Assert.True((await Send(new SetEnabled(ControlLevel.Bank, "bank-b", false, "alice"))).Ok);
        Assert.True((await Send(new SetEnabled(ControlLevel.Channel, "a-1", false, "alice"))).Ok);
        Assert.True((await Send(new SetEnabled(ControlLevel.Channel, "a-2", false, "alice"))).Ok);
        Assert.True((await Send(new SetEnabled(ControlLevel.Channel, "a-2", true, "alice"))).Ok);
        Assert.True((await Send(new SetEnabled(ControlLevel.TransactionType, "a-2/balance-inquiry", false, "alice"))).Ok);
        var kept = await Send(new AddMaintenance("bank-a", from, from.AddHours(2), "kept", "bob"));
        var dropped = await Send(new AddMaintenance("bank-a", from, from.AddHours(3), "dropped", "bob"));
        var droppedId = dropped.Controls.MaintenanceWindows.Single(w => w.Reason == "dropped").Id;
        Assert.True((await Send(new RemoveMaintenance(droppedId, "bob"))).Ok);
        var before = _router.Controls;
        await _test.System.TerminateAsync();

        var (restarted, _, _) = await _test.OpenAsync(PaymentSwitch.Serializer(), "restarted");
        var (router, actor) = Start(restarted);
        Assert.Empty(router.Controls.DisabledChannels); // a new router knows nothing until the actor recovers
        var recovered = await actor.Ask<RoutingControls>(GetRoutingControls.Instance, Timeout, restarted);

        Assert.Same(recovered, router.Controls); // set on recovery, before the first command
        Assert.Equal(new[] { "bank-b" }, recovered.DisabledBanks);
        Assert.Equal(new[] { "a-1" }, recovered.DisabledChannels);
        Assert.Equal(new[] { "a-2/balance-inquiry" }, recovered.DisabledTransactionTypes);
        Assert.Equal(before.MaintenanceWindows, recovered.MaintenanceWindows);
        var window = Assert.Single(recovered.MaintenanceWindows);
        Assert.Equal(kept.Controls.MaintenanceWindows.Single().Id, window.Id);
        Assert.Equal(from.ToUnixTimeMilliseconds(), window.From.ToUnixTimeMilliseconds());
        Assert.Equal(new[] { "a-2" }, router.Route(Pan, TransactionKind.Purchase, 1_000, DateTimeOffset.UtcNow).Channels);
        Assert.Equal(RouteOutcome.NoRoute, router.Route(Pan, TransactionKind.BalanceInquiry, 0, DateTimeOffset.UtcNow).Outcome);
        Assert.Equal(RouteOutcome.NoRoute, router.Route(Pan, TransactionKind.Purchase, 1_000, from.AddMinutes(1)).Outcome);
    }
}
