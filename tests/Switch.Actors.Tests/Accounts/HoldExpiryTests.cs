using Switch.Actors.Transactions;
using static Switch.Actors.Tests.Accounts.OnUsSwitch;

namespace Switch.Actors.Tests.Accounts;

/// <summary>Pre-authorization holds run out after <see cref="PaymentSwitchOptions.HoldExpiry"/> on the switch's clock.</summary>
public sealed class HoldExpiryTests : IAsyncLifetime
{
    private static readonly TimeSpan Expiry = TimeSpan.FromHours(1);

    private OnUsSwitch _switch = null!;

    public async Task InitializeAsync() => _switch = await CreateAsync(holdExpiry: Expiry);

    public async Task DisposeAsync() => await _switch.DisposeAsync();

    private Simulators.TransactionFactory Terminal => _switch.Terminal;

    [Fact]
    public async Task A_hold_lasts_until_its_expiry()
    {
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.PreAuthorization(Prepaid, 8_000));

        _switch.Clock.Advance(Expiry - TimeSpan.FromSeconds(1));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.BalanceInquiry(Prepaid));

        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(8_000, account.Held);
        Assert.Equal(1, account.Holds);
        await _switch.ExpectAsync(ResponseCodes.InsufficientFunds, Terminal.Purchase(Prepaid, 2_001));
    }

    [Fact]
    public async Task An_expired_hold_is_released_on_the_next_command()
    {
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.PreAuthorization(Prepaid, 8_000));

        _switch.Clock.Advance(Expiry + TimeSpan.FromMinutes(1));
        Assert.Equal(8_000, (await _switch.ShowAsync(Prepaid)).Held); // nothing happens without a command
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Refund(Prepaid, 1));

        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(0, account.Held);
        Assert.Equal(0, account.Holds);
        Assert.Equal(10_001, account.Balance);
        Assert.Equal(10_001, account.Available);
    }

    [Fact]
    public async Task The_command_that_finds_a_hold_expired_already_sees_the_released_funds()
    {
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.PreAuthorization(Prepaid, 8_000));
        _switch.Clock.Advance(Expiry + TimeSpan.FromMinutes(1));

        // 10,000 on the account, nothing held any more: 5,000 is available.
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(Prepaid, 5_000));

        Assert.Equal(5_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    [Fact]
    public async Task A_balance_inquiry_that_finds_a_hold_expired_reports_the_released_funds()
    {
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.PreAuthorization(Prepaid, 8_000));
        _switch.Clock.Advance(Expiry + TimeSpan.FromMinutes(1));

        var result = await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.BalanceInquiry(Prepaid));

        Assert.Equal("0002826C000000010000", result.AdditionalAmounts);
    }

    [Fact]
    public async Task An_expired_pre_authorization_can_no_longer_be_completed()
    {
        var preAuthorization = Terminal.PreAuthorization(Prepaid, 8_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, preAuthorization);
        _switch.Clock.Advance(Expiry + TimeSpan.FromMinutes(1));

        await _switch.ExpectAsync(ResponseCodes.OriginalNotFound, Terminal.Completion(preAuthorization, 8_000));

        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(10_000, account.Balance);
        Assert.Equal(0, account.Held);
    }

    [Fact]
    public async Task Only_the_holds_that_ran_out_are_released()
    {
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.PreAuthorization(Prepaid, 3_000));
        _switch.Clock.Advance(TimeSpan.FromMinutes(30));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.PreAuthorization(Prepaid, 2_000));
        _switch.Clock.Advance(TimeSpan.FromMinutes(31)); // the first is 61 minutes old, the second 31

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Refund(Prepaid, 1));

        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(2_000, account.Held);
        Assert.Equal(1, account.Holds);
    }

    [Fact]
    public async Task A_released_hold_stays_released_after_a_restart()
    {
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.PreAuthorization(Prepaid, 8_000));
        _switch.Clock.Advance(Expiry + TimeSpan.FromMinutes(1));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Refund(Prepaid, 1));
        var before = await _switch.ShowAsync(Prepaid);

        await _switch.RestartAsync();

        var after = await _switch.ShowAsync(Prepaid);
        Assert.Equal(before, after);
        Assert.Equal(0, after.Held);
    }
}
