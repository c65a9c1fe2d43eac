using Switch.Actors.Channels;
using Switch.Actors.Routing;
using Switch.Actors.Transactions;

namespace Switch.Actors.Tests.Routing;

public sealed class RouterTests
{
    private const string Pan = "4761739001010010";
    private const string OnUsPan = "6011000000000004";
    private static readonly DateTimeOffset Now = new(2030, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, ChannelStatus> _channels = new(StringComparer.Ordinal)
    {
        ["a-1"] = Up("a-1", "bank-a"),
        ["a-2"] = Up("a-2", "bank-a"),
        ["b-1"] = Up("b-1", "bank-b"),
    };

    private static ChannelStatus Up(string name, string bank) => new(name, bank) { Connections = 1 };

    private Router RouterFor(params RouteCandidate[] candidates) => new(new BinTable(
    [
        new BinRange("476173", "476173", "bank-a", "classic", OnUs: false, candidates),
        new BinRange("601100", "601100", "switch", "prepaid", OnUs: true, []),
    ]), _channels);

    [Fact]
    public void An_on_us_range_is_decided_by_the_switch_itself()
    {
        var decision = RouterFor(new RouteCandidate("a-1")).Route(OnUsPan, TransactionKind.Purchase, 100, Now);

        Assert.Equal(RouteOutcome.OnUs, decision.Outcome);
        Assert.Equal("prepaid", decision.Range!.Product);
        Assert.Empty(decision.Channels);
    }

    [Fact]
    public void A_card_no_range_covers_has_no_route()
    {
        var decision = RouterFor(new RouteCandidate("a-1")).Route("5500000000000004", TransactionKind.Purchase, 100, Now);

        Assert.Equal(RouteOutcome.NoRoute, decision.Outcome);
        Assert.Null(decision.Range);
        Assert.Empty(decision.Channels);
    }

    [Fact]
    public void A_range_without_candidates_has_no_route()
    {
        var decision = RouterFor().Route(Pan, TransactionKind.Purchase, 100, Now);

        Assert.Equal(RouteOutcome.NoRoute, decision.Outcome);
        Assert.NotNull(decision.Range);
    }

    [Fact]
    public void A_single_available_candidate_is_routed_to()
    {
        var decision = RouterFor(new RouteCandidate("a-1")).Route(Pan, TransactionKind.Purchase, 100, Now);

        Assert.Equal(RouteOutcome.Routed, decision.Outcome);
        Assert.Equal(new[] { "a-1" }, decision.Channels);
        Assert.Equal("classic", decision.Range!.Product);
    }

    [Fact]
    public void A_disabled_bank_leaves_no_route()
    {
        var router = RouterFor(new RouteCandidate("a-1"), new RouteCandidate("a-2"));
        router.Controls = RoutingControls.None with { DisabledBanks = ["bank-a"] };

        var decision = router.Route(Pan, TransactionKind.Purchase, 100, Now);

        Assert.Equal(RouteOutcome.NoRoute, decision.Outcome);
        Assert.Equal("bank disabled", decision.Reason);
    }

    [Fact]
    public void A_disabled_channel_is_skipped_and_the_others_remain()
    {
        var router = RouterFor(new RouteCandidate("a-1"), new RouteCandidate("b-1", Priority: 2));
        router.Controls = RoutingControls.None with { DisabledChannels = ["a-1"] };

        Assert.Equal(new[] { "b-1" }, router.Route(Pan, TransactionKind.Purchase, 100, Now).Channels);

        router.Controls = RoutingControls.None with { DisabledChannels = ["a-1", "b-1"] };
        var decision = router.Route(Pan, TransactionKind.Purchase, 100, Now);
        Assert.Equal(RouteOutcome.NoRoute, decision.Outcome);
        Assert.Equal("channel disabled", decision.Reason);
    }

    [Fact]
    public void A_transaction_type_disabled_on_a_channel_skips_that_channel_for_that_type_only()
    {
        var router = RouterFor(new RouteCandidate("a-1"));
        router.Controls = RoutingControls.None with { DisabledTransactionTypes = [RoutingControls.TransactionTypeKey("a-1", TransactionKind.Refund)] };

        var refund = router.Route(Pan, TransactionKind.Refund, 100, Now);
        Assert.Equal(RouteOutcome.NoRoute, refund.Outcome);
        Assert.Equal("refund disabled on the channel", refund.Reason);
        Assert.Equal(RouteOutcome.Routed, router.Route(Pan, TransactionKind.Purchase, 100, Now).Outcome);
    }

    [Fact]
    public void An_open_maintenance_window_of_the_bank_leaves_no_route()
    {
        var router = RouterFor(new RouteCandidate("a-1"));
        router.Controls = RoutingControls.None with
        {
            MaintenanceWindows = [new MaintenanceWindow("mw-1", "bank-a", Now.AddHours(-1), Now.AddHours(1), "upgrade")],
        };

        var decision = router.Route(Pan, TransactionKind.Purchase, 100, Now);

        Assert.Equal(RouteOutcome.NoRoute, decision.Outcome);
        Assert.Equal("maintenance window mw-1", decision.Reason);
    }

    [Fact]
    public void A_maintenance_window_not_yet_open_or_already_ended_does_not_matter()
    {
        var router = RouterFor(new RouteCandidate("a-1"));
        router.Controls = RoutingControls.None with
        {
            MaintenanceWindows =
            [
                new MaintenanceWindow("mw-later", "bank-a", Now.AddMinutes(1), Now.AddHours(1), "later"),
                new MaintenanceWindow("mw-over", "bank-a", Now.AddHours(-2), Now, "over"), // ends exactly now
            ],
        };

        Assert.Equal(RouteOutcome.Routed, router.Route(Pan, TransactionKind.Purchase, 100, Now).Outcome);
        Assert.Equal(RouteOutcome.NoRoute, router.Route(Pan, TransactionKind.Purchase, 100, Now.AddMinutes(1)).Outcome);
        Assert.Equal(RouteOutcome.Routed, router.Route(Pan, TransactionKind.Purchase, 100, Now.AddHours(1)).Outcome);
    }

    [Fact]
    public void A_maintenance_window_of_another_bank_does_not_matter()
    {
        var router = RouterFor(new RouteCandidate("a-1"));
        router.Controls = RoutingControls.None with
        {
            MaintenanceWindows = [new MaintenanceWindow("mw-b", "bank-b", Now.AddHours(-1), Now.AddHours(1), "other bank")],
        };

        Assert.Equal(RouteOutcome.Routed, router.Route(Pan, TransactionKind.Purchase, 100, Now).Outcome);
    }

    [Fact]
    public void A_transaction_outside_every_candidates_amount_rule_has_no_route()
    {
        var router = RouterFor(new RouteCandidate("a-1", MinAmount: 100, MaxAmount: 10_000));

        Assert.Equal(RouteOutcome.Routed, router.Route(Pan, TransactionKind.Purchase, 100, Now).Outcome);
        Assert.Equal(RouteOutcome.Routed, router.Route(Pan, TransactionKind.Purchase, 10_000, Now).Outcome);
        var low = router.Route(Pan, TransactionKind.Purchase, 99, Now);
        Assert.Equal(RouteOutcome.NoRoute, low.Outcome);
        Assert.Equal("outside the channel's amount rule", low.Reason);
        Assert.Equal(RouteOutcome.NoRoute, router.Route(Pan, TransactionKind.Purchase, 10_001, Now).Outcome);
    }

    [Fact]
    public void Amount_rules_send_large_amounts_to_one_channel_and_small_ones_to_another()
    {
        var router = RouterFor(new RouteCandidate("a-1", MaxAmount: 999), new RouteCandidate("a-2", MinAmount: 1_000));

        Assert.Equal(new[] { "a-1" }, router.Route(Pan, TransactionKind.Purchase, 999, Now).Channels);
        Assert.Equal(new[] { "a-2" }, router.Route(Pan, TransactionKind.Purchase, 1_000, Now).Channels);
    }

    [Fact]
    public void A_channel_without_connections_is_down()
    {
        _channels["a-1"].Connections = 0;
        var decision = RouterFor(new RouteCandidate("a-1")).Route(Pan, TransactionKind.Purchase, 100, Now);

        Assert.Equal(RouteOutcome.AllDown, decision.Outcome);
        Assert.Empty(decision.Channels);
    }

    [Theory]
    [InlineData(BreakerState.Open)]
    [InlineData(BreakerState.Isolated)]
    public void A_channel_whose_breaker_is_open_or_isolated_is_down(BreakerState state)
    {
        _channels["a-1"].Breaker = state;
        _channels["a-2"].Breaker = state;
        var router = RouterFor(new RouteCandidate("a-1"), new RouteCandidate("a-2", Priority: 2));

        Assert.Equal(RouteOutcome.AllDown, router.Route(Pan, TransactionKind.Purchase, 100, Now).Outcome);
    }

    [Fact]
    public void A_half_open_breaker_counts_as_available()
    {
        _channels["a-1"].Breaker = BreakerState.HalfOpen;

        Assert.True(_channels["a-1"].IsAvailable);
        Assert.Equal(new[] { "a-1" }, RouterFor(new RouteCandidate("a-1")).Route(Pan, TransactionKind.Purchase, 100, Now).Channels);
    }

    [Fact]
    public void A_down_channel_is_left_out_and_the_next_one_is_routed_to()
    {
        _channels["a-1"].Breaker = BreakerState.Open;
        var router = RouterFor(new RouteCandidate("a-1"), new RouteCandidate("a-2", Priority: 2));

        Assert.Equal(new[] { "a-2" }, router.Route(Pan, TransactionKind.Purchase, 100, Now).Channels);
    }

    [Fact]
    public void Candidates_both_switched_off_and_down_give_all_down_since_a_retry_may_succeed()
    {
        _channels["a-2"].Connections = 0;
        var router = RouterFor(new RouteCandidate("a-1"), new RouteCandidate("a-2"));
        router.Controls = RoutingControls.None with { DisabledChannels = ["a-1"] };

        Assert.Equal(RouteOutcome.AllDown, router.Route(Pan, TransactionKind.Purchase, 100, Now).Outcome);
    }

    [Fact]
    public void Lower_priority_numbers_come_first_and_higher_ones_only_after_all_of_them()
    {
        var router = RouterFor(
            new RouteCandidate("b-1", Priority: 3),
            new RouteCandidate("a-2", Priority: 1),
            new RouteCandidate("a-1", Priority: 2));

        for (var i = 0; i < 50; i++)
            Assert.Equal(new[] { "a-2", "a-1", "b-1" }, router.Route(Pan, TransactionKind.Purchase, 100, Now).Channels);
    }

    [Fact]
    public void Candidates_of_the_same_priority_all_come_before_the_next_priority()
    {
        var router = RouterFor(
            new RouteCandidate("b-1", Priority: 2),
            new RouteCandidate("a-1", Priority: 1),
            new RouteCandidate("a-2", Priority: 1));

        for (var i = 0; i < 200; i++)
        {
            var channels = router.Route(Pan, TransactionKind.Purchase, 100, Now).Channels;
            Assert.Equal(3, channels.Count);
            Assert.Equal(new[] { "a-1", "a-2" }, channels.Take(2).Order());
            Assert.Equal("b-1", channels[2]);
        }
    }

    [Fact]
    public void Weights_three_to_one_split_the_first_choice_about_seventy_five_to_twenty_five()
    {
        var router = RouterFor(new RouteCandidate("a-1", Weight: 3), new RouteCandidate("a-2", Weight: 1));
        const int routes = 10_000;

        var first = 0;
        for (var i = 0; i < routes; i++)
        {
            var channels = router.Route(Pan, TransactionKind.Purchase, 100, Now).Channels;
            Assert.Equal(2, channels.Count); // the other one stays as the failover
            if (channels[0] == "a-1")
                first++;
        }

        // Expected 7,500; the standard deviation is about 43, so ±500 is more than 10 of them.
        Assert.InRange(first, 7_000, 8_000);
    }

    [Fact]
    public void A_candidate_of_weight_zero_is_only_ever_the_last_resort()
    {
        var router = RouterFor(new RouteCandidate("a-1", Weight: 0), new RouteCandidate("a-2", Weight: 1));

        for (var i = 0; i < 200; i++)
            Assert.Equal(new[] { "a-2", "a-1" }, router.Route(Pan, TransactionKind.Purchase, 100, Now).Channels);
    }

    [Fact]
    public void A_range_naming_an_unknown_channel_is_rejected_when_the_router_is_built()
    {
        var error = Assert.Throws<ArgumentException>(() => RouterFor(new RouteCandidate("a-1"), new RouteCandidate("nowhere")));
        Assert.Contains("nowhere", error.Message);
    }

    [Fact]
    public void The_router_reads_the_controls_and_the_channel_status_of_the_moment()
    {
        var router = RouterFor(new RouteCandidate("a-1"));
        Assert.Equal(RouteOutcome.Routed, router.Route(Pan, TransactionKind.Purchase, 100, Now).Outcome);

        _channels["a-1"].Breaker = BreakerState.Open;
        Assert.Equal(RouteOutcome.AllDown, router.Route(Pan, TransactionKind.Purchase, 100, Now).Outcome);

        _channels["a-1"].Breaker = BreakerState.Closed;
        router.Controls = RoutingControls.None with { DisabledChannels = ["a-1"] };
        Assert.Equal(RouteOutcome.NoRoute, router.Route(Pan, TransactionKind.Purchase, 100, Now).Outcome);

        router.Controls = RoutingControls.None;
        Assert.Equal(RouteOutcome.Routed, router.Route(Pan, TransactionKind.Purchase, 100, Now).Outcome);
    }
}
