using Switch.Actors.Routing;
using Switch.Actors.Transactions;

namespace Switch.Actors.Tests.Routing;

public sealed class RoutingControlsTests
{
    private static readonly DateTimeOffset Now = new(2030, 6, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void No_controls_exclude_nothing()
    {
        foreach (var kind in Enum.GetValues<TransactionKind>())
            Assert.Null(RoutingControls.None.Excludes("bank-a", "a-1", kind, Now));
    }

    [Fact]
    public void A_disabled_bank_excludes_every_channel_of_that_bank_only()
    {
        var controls = RoutingControls.None with { DisabledBanks = ["bank-a"] };

        Assert.Equal("bank disabled", controls.Excludes("bank-a", "a-1", TransactionKind.Purchase, Now));
        Assert.Equal("bank disabled", controls.Excludes("bank-a", "a-2", TransactionKind.Refund, Now));
        Assert.Null(controls.Excludes("bank-b", "b-1", TransactionKind.Purchase, Now));
    }

    [Fact]
    public void A_disabled_channel_excludes_that_channel_only()
    {
        var controls = RoutingControls.None with { DisabledChannels = ["a-1"] };

        Assert.Equal("channel disabled", controls.Excludes("bank-a", "a-1", TransactionKind.Purchase, Now));
        Assert.Null(controls.Excludes("bank-a", "a-2", TransactionKind.Purchase, Now));
    }

    [Fact]
    public void A_disabled_transaction_type_excludes_that_type_on_that_channel_only()
    {
        var controls = RoutingControls.None with { DisabledTransactionTypes = [RoutingControls.TransactionTypeKey("a-1", TransactionKind.Refund)] };

        Assert.Equal("refund disabled on the channel", controls.Excludes("bank-a", "a-1", TransactionKind.Refund, Now));
        Assert.Null(controls.Excludes("bank-a", "a-1", TransactionKind.Purchase, Now));
        Assert.Null(controls.Excludes("bank-a", "a-2", TransactionKind.Refund, Now));
    }

    [Fact]
    public void The_key_of_a_transaction_type_on_a_channel_is_channel_slash_name()
    {
        Assert.Equal("a-1/refund", RoutingControls.TransactionTypeKey("a-1", TransactionKind.Refund));
        Assert.Equal("bank-b-2/pre-authorization", RoutingControls.TransactionTypeKey("bank-b-2", TransactionKind.PreAuthorization));
    }

    [Fact]
    public void A_maintenance_window_excludes_its_bank_from_its_start_until_just_before_its_end()
    {
        var window = new MaintenanceWindow("mw-1", "bank-a", Now, Now.AddHours(1), "upgrade");
        var controls = RoutingControls.None with { MaintenanceWindows = [window] };

        Assert.Null(controls.Excludes("bank-a", "a-1", TransactionKind.Purchase, Now.AddTicks(-1)));
        Assert.Equal("maintenance window mw-1", controls.Excludes("bank-a", "a-1", TransactionKind.Purchase, Now));
        Assert.Equal("maintenance window mw-1", controls.Excludes("bank-a", "a-2", TransactionKind.Refund, Now.AddMinutes(59)));
        Assert.Null(controls.Excludes("bank-a", "a-1", TransactionKind.Purchase, Now.AddHours(1)));
        Assert.Null(controls.Excludes("bank-b", "b-1", TransactionKind.Purchase, Now.AddMinutes(30)));

        Assert.False(window.IsOpenAt(Now.AddTicks(-1)));
        Assert.True(window.IsOpenAt(Now));
        Assert.False(window.IsOpenAt(Now.AddHours(1)));
    }

    [Fact]
    public void The_bank_is_named_before_the_channel_and_the_channel_before_the_type()
    {
        var controls = RoutingControls.None with
        {
            DisabledBanks = ["bank-a"],
            DisabledChannels = ["a-1", "a-2"],
            DisabledTransactionTypes = ["a-2/purchase"],
        };

        Assert.Equal("bank disabled", controls.Excludes("bank-a", "a-1", TransactionKind.Purchase, Now));
        controls = controls with { DisabledBanks = [] };
        Assert.Equal("channel disabled", controls.Excludes("bank-a", "a-2", TransactionKind.Purchase, Now));
        controls = controls with { DisabledChannels = [] };
        Assert.Equal("purchase disabled on the channel", controls.Excludes("bank-a", "a-2", TransactionKind.Purchase, Now));
    }
}
