using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using static Switch.Actors.Tests.Accounts.OnUsSwitch;

namespace Switch.Actors.Tests.Accounts;

/// <summary>The account actor deciding on-us transactions itself, journaled on SQLite, through <see cref="PaymentSwitch.AuthorizeAsync"/>.</summary>
public sealed class OnUsAccountTests : IAsyncLifetime
{
    private OnUsSwitch _switch = null!;

    public async Task InitializeAsync() => _switch = await CreateAsync();

    public async Task DisposeAsync() => await _switch.DisposeAsync();

    private Simulators.TransactionFactory Terminal => _switch.Terminal;

    /// <summary>The prepaid account's available balance, as a balance inquiry reports it (a new account has its opening balance).</summary>
    private async Task AssertAvailableAsync(long expected)
    {
        var result = await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.BalanceInquiry(Prepaid));
        Assert.Equal($"0002826C{expected:D12}", result.AdditionalAmounts);
    }

    // ---- approvals and funds ---------------------------------------------------------------------------------------

    [Fact]
    public async Task A_purchase_within_the_balance_is_approved_and_debited()
    {
        var result = await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(Prepaid, 2_500));

        Assert.Matches("^[0-9]{6}$", result.ApprovalCode!);
        var account = await _switch.ShowAsync(Prepaid);
        Assert.True(account.OnUs);
        Assert.Equal(7_500, account.Balance);
        Assert.Equal(7_500, account.Available);
        Assert.Equal(0, account.Held);
        Assert.Equal(2_500, account.DayAmount);
        Assert.Equal(1, account.DayCount);
        Assert.Equal(1, account.Transactions);
        Assert.Equal(0, account.InFlight);
        Assert.Equal("601100******0004", account.MaskedPan);
        Assert.StartsWith("acct-", account.AccountKey);
    }

    [Fact]
    public async Task Purchases_may_use_the_whole_balance_and_not_a_unit_more()
    {
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(Prepaid, 6_000));
        await _switch.ExpectAsync(ResponseCodes.InsufficientFunds, Terminal.Purchase(Prepaid, 4_001));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(Prepaid, 4_000));
        await _switch.ExpectAsync(ResponseCodes.InsufficientFunds, Terminal.Purchase(Prepaid, 1));

        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(0, account.Balance);
        Assert.Equal(2, account.DayCount);
    }

    [Fact]
    public async Task A_purchase_above_the_opening_balance_of_a_new_account_is_declined_with_51()
    {
        var result = await _switch.ExpectAsync(ResponseCodes.InsufficientFunds, Terminal.Purchase(Prepaid, 10_001));

        Assert.Null(result.ApprovalCode);
        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(10_000, account.Balance);
        Assert.Equal(0, account.DayCount);
    }

    [Fact]
    public async Task A_purchase_of_zero_is_an_invalid_amount()
    {
        await _switch.ExpectAsync(ResponseCodes.InvalidAmount, Terminal.Purchase(Prepaid, 0));
        Assert.Equal(10_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    [Fact]
    public async Task A_refund_credits_the_account_and_its_funds_can_be_spent()
    {
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Refund(Prepaid, 3_000));
        Assert.Equal(13_000, (await _switch.ShowAsync(Prepaid)).Balance);

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(Prepaid, 13_000));
        Assert.Equal(0, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    [Fact]
    public async Task Accounts_are_separate()
    {
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(Prepaid, 9_000));

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(OtherPrepaid, 9_000));

        Assert.Equal(1_000, (await _switch.ShowAsync(Prepaid)).Balance);
        Assert.Equal(1_000, (await _switch.ShowAsync(OtherPrepaid)).Balance);
        Assert.NotEqual((await _switch.ShowAsync(Prepaid)).AccountKey, (await _switch.ShowAsync(OtherPrepaid)).AccountKey);
    }

    [Fact]
    public async Task A_card_no_bin_range_covers_gets_92()
    {
        await _switch.ExpectAsync(ResponseCodes.NoRoute, Terminal.Purchase(Uncovered, 100));
    }

    [Fact]
    public async Task A_request_the_switch_does_not_handle_gets_12_and_a_missing_or_short_pan_gets_14()
    {
        var cash = Terminal.Purchase(Prepaid, 100);
        cash.ProcessingCode = "010000";
        await _switch.ExpectAsync(ResponseCodes.InvalidTransaction, cash);

        var shortPan = Terminal.Purchase(new Simulators.Card("60110000000", "3012"), 100);
        await _switch.ExpectAsync(ResponseCodes.InvalidCard, shortPan);
        var noPan = Terminal.Purchase(Prepaid, 100);
        noPan.Pan = null;
        await _switch.ExpectAsync(ResponseCodes.InvalidCard, noPan);
    }

    // ---- product limits ------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_debit_above_the_single_amount_limit_gets_61()
    {
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(SingleLimit, 5_000));
        await _switch.ExpectAsync(ResponseCodes.ExceedsAmountLimit, Terminal.Purchase(SingleLimit, 5_001));
        await _switch.ExpectAsync(ResponseCodes.ExceedsAmountLimit, Terminal.PreAuthorization(SingleLimit, 5_001));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Refund(SingleLimit, 50_000)); // credits are not limited

        var account = await _switch.ShowAsync(SingleLimit);
        Assert.Equal(1, account.DayCount);
        Assert.Equal(0, account.Holds);
    }

    [Fact]
    public async Task Debits_above_the_daily_amount_get_61_until_the_next_day()
    {
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(DailyAmount, 5_000));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.PreAuthorization(DailyAmount, 2_000));
        await _switch.ExpectAsync(ResponseCodes.ExceedsAmountLimit, Terminal.Purchase(DailyAmount, 1_001));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(DailyAmount, 1_000)); // exactly 8,000
        await _switch.ExpectAsync(ResponseCodes.ExceedsAmountLimit, Terminal.Purchase(DailyAmount, 1));
        Assert.Equal(8_000, (await _switch.ShowAsync(DailyAmount)).DayAmount);

        _switch.Clock.Advance(TimeSpan.FromDays(1));

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(DailyAmount, 8_000));
        var account = await _switch.ShowAsync(DailyAmount);
        Assert.Equal(8_000, account.DayAmount);
        Assert.Equal(1, account.DayCount);
    }

    [Fact]
    public async Task More_debits_than_the_daily_count_get_65_until_the_next_day()
    {
        for (var i = 0; i < 3; i++)
            await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(DailyCount, 100));
        await _switch.ExpectAsync(ResponseCodes.ExceedsFrequencyLimit, Terminal.Purchase(DailyCount, 100));
        await _switch.ExpectAsync(ResponseCodes.ExceedsFrequencyLimit, Terminal.PreAuthorization(DailyCount, 100));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.BalanceInquiry(DailyCount)); // not a debit
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Refund(DailyCount, 100));    // not a debit
        Assert.Equal(3, (await _switch.ShowAsync(DailyCount)).DayCount);

        _switch.Clock.Advance(TimeSpan.FromDays(1));

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(DailyCount, 100));
    }

    [Fact]
    public async Task Monthly_limits_carry_over_days_and_reset_with_the_month()
    {
        // 15 June 2030: four debits over four days use the monthly count; the amount limit is 12,000.
        for (var day = 0; day < 3; day++)
        {
            await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(Monthly, 3_000));
            _switch.Clock.Advance(TimeSpan.FromDays(1));
        }
        await _switch.ExpectAsync(ResponseCodes.ExceedsAmountLimit, Terminal.Purchase(Monthly, 3_001));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(Monthly, 100));
        await _switch.ExpectAsync(ResponseCodes.ExceedsFrequencyLimit, Terminal.Purchase(Monthly, 100));
        var june = await _switch.ShowAsync(Monthly);
        Assert.Equal(9_100, june.MonthAmount);
        Assert.Equal(4, june.MonthCount);

        _switch.Clock.Advance(TimeSpan.FromDays(20)); // July

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(Monthly, 12_000));
    }

    [Fact]
    public async Task A_debit_declined_for_a_limit_does_not_count_against_the_limits()
    {
        await _switch.ExpectAsync(ResponseCodes.ExceedsAmountLimit, Terminal.Purchase(DailyAmount, 9_000));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(DailyAmount, 8_000));
    }

    [Fact]
    public async Task A_reversed_purchase_no_longer_counts_against_the_daily_limits()
    {
        var purchase = Terminal.Purchase(DailyAmount, 6_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, purchase);
        await _switch.ExpectAsync(ResponseCodes.ExceedsAmountLimit, Terminal.Purchase(DailyAmount, 6_000));

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Reversal(purchase));

        var account = await _switch.ShowAsync(DailyAmount);
        Assert.Equal(0, account.DayAmount);
        Assert.Equal(0, account.DayCount);
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(DailyAmount, 6_000));
    }

    // ---- idempotency ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_repeated_purchase_gets_the_first_answer_and_is_debited_once()
    {
        var purchase = Terminal.Purchase(Prepaid, 4_000);
        var first = await _switch.ExpectAsync(ResponseCodes.Approved, purchase);

        var again = await _switch.SendAsync(purchase);
        var copy = await _switch.SendAsync(Dialects.Iso87Ascii.Decode(purchase.Encode())); // the same bytes sent again

        Assert.Equal(first, again);
        Assert.Equal(first, copy);
        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(6_000, account.Balance);
        Assert.Equal(1, account.DayCount);
        Assert.Equal(1, account.Transactions);
    }

    [Fact]
    public async Task A_repeated_decline_stays_declined_even_when_funds_arrived_meanwhile()
    {
        var purchase = Terminal.Purchase(Prepaid, 12_000);
        var first = await _switch.ExpectAsync(ResponseCodes.InsufficientFunds, purchase);
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Refund(Prepaid, 5_000));

        Assert.Equal(first, await _switch.SendAsync(purchase));
        Assert.Equal(15_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    [Fact]
    public async Task Concurrent_repeats_of_one_purchase_all_get_the_same_answer_and_one_debit()
    {
        var purchase = Terminal.Purchase(Prepaid, 1_000);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _switch.SendAsync(purchase)));

        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.Equal(ResponseCodes.Approved, results[0].ResponseCode);
        Assert.Equal(9_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    [Fact]
    public async Task The_same_stan_from_another_acquirer_is_another_transaction()
    {
        var purchase = Terminal.Purchase(Prepaid, 1_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, purchase);

        var other = await _switch.Switch.AuthorizeAsync("acq-2", purchase);

        Assert.Equal(ResponseCodes.Approved, other.ResponseCode);
        Assert.Equal(8_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    // ---- pre-authorization and completion ------------------------------------------------------------------------

    [Fact]
    public async Task A_pre_authorization_holds_funds_and_its_completion_debits_and_releases_them()
    {
        var preAuthorization = Terminal.PreAuthorization(Prepaid, 3_000);
        var approved = await _switch.ExpectAsync(ResponseCodes.Approved, preAuthorization);

        var held = await _switch.ShowAsync(Prepaid);
        Assert.Equal(10_000, held.Balance);
        Assert.Equal(3_000, held.Held);
        Assert.Equal(7_000, held.Available);
        Assert.Equal(1, held.Holds);
        await _switch.ExpectAsync(ResponseCodes.InsufficientFunds, Terminal.Purchase(Prepaid, 7_001));

        var completion = await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Completion(preAuthorization, 2_500, approved.ApprovalCode));

        Assert.Equal(approved.ApprovalCode, completion.ApprovalCode);
        var completed = await _switch.ShowAsync(Prepaid);
        Assert.Equal(7_500, completed.Balance);
        Assert.Equal(0, completed.Held);
        Assert.Equal(7_500, completed.Available);
        Assert.Equal(0, completed.Holds);
        Assert.Equal(1, completed.DayCount); // the pre-authorization was the debit that counted
    }

    [Fact]
    public async Task A_completion_of_the_whole_hold_is_approved()
    {
        var preAuthorization = Terminal.PreAuthorization(Prepaid, 3_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, preAuthorization);

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Completion(preAuthorization, 3_000));

        Assert.Equal(7_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    [Fact]
    public async Task A_pre_authorization_above_the_available_balance_gets_51_and_holds_nothing()
    {
        await _switch.ExpectAsync(ResponseCodes.InsufficientFunds, Terminal.PreAuthorization(Prepaid, 10_001));

        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(0, account.Held);
        Assert.Equal(0, account.Holds);
    }

    [Fact]
    public async Task A_completion_above_the_held_amount_gets_13_and_keeps_the_hold()
    {
        var preAuthorization = Terminal.PreAuthorization(Prepaid, 3_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, preAuthorization);

        await _switch.ExpectAsync(ResponseCodes.InvalidAmount, Terminal.Completion(preAuthorization, 3_001));

        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(10_000, account.Balance);
        Assert.Equal(3_000, account.Held);
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Completion(preAuthorization, 3_000));
    }

    [Fact]
    public async Task A_completion_of_an_unknown_pre_authorization_gets_25()
    {
        var neverSent = Terminal.PreAuthorization(Prepaid, 3_000);

        await _switch.ExpectAsync(ResponseCodes.OriginalNotFound, Terminal.Completion(neverSent, 1_000));

        await AssertAvailableAsync(10_000);
    }

    [Fact]
    public async Task A_pre_authorization_completes_once()
    {
        var preAuthorization = Terminal.PreAuthorization(Prepaid, 3_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, preAuthorization);
        var completion = Terminal.Completion(preAuthorization, 3_000);
        var first = await _switch.ExpectAsync(ResponseCodes.Approved, completion);

        Assert.Equal(first, await _switch.SendAsync(completion)); // a repeat of the same completion
        await _switch.ExpectAsync(ResponseCodes.OriginalNotFound, Terminal.Completion(preAuthorization, 1_000)); // another one

        Assert.Equal(7_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    [Fact]
    public async Task A_declined_pre_authorization_cannot_be_completed()
    {
        var preAuthorization = Terminal.PreAuthorization(Prepaid, 20_000);
        await _switch.ExpectAsync(ResponseCodes.InsufficientFunds, preAuthorization);

        await _switch.ExpectAsync(ResponseCodes.OriginalNotFound, Terminal.Completion(preAuthorization, 1_000));
    }

    [Fact]
    public async Task A_purchase_cannot_be_completed()
    {
        var purchase = Terminal.Purchase(Prepaid, 1_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, purchase);
        // A 0220 whose DE 90 points at the purchase.
        var completion = Terminal.Completion(Terminal.PreAuthorization(Prepaid, 1_000), 1_000);
        completion.OriginalDataElements = string.Concat("0200", purchase.Stan, purchase.TransmissionDateTime, "00000400001", "00000000000");

        await _switch.ExpectAsync(ResponseCodes.OriginalNotFound, completion);
        Assert.Equal(9_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    // ---- reversals -----------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_reversal_restores_the_balance()
    {
        var purchase = Terminal.Purchase(Prepaid, 4_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, purchase);
        Assert.Equal(6_000, (await _switch.ShowAsync(Prepaid)).Balance);

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.ReversalAdvice(purchase));

        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(10_000, account.Balance);
        Assert.Equal(0, account.DayCount);
    }

    [Fact]
    public async Task A_reversal_of_an_unknown_transaction_gets_25()
    {
        var neverSent = Terminal.Purchase(Prepaid, 4_000);

        await _switch.ExpectAsync(ResponseCodes.OriginalNotFound, Terminal.Reversal(neverSent));

        await AssertAvailableAsync(10_000);
    }

    [Fact]
    public async Task A_transaction_is_reversed_once_however_many_reversals_arrive()
    {
        var purchase = Terminal.Purchase(Prepaid, 4_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, purchase);
        var advice = Terminal.ReversalAdvice(purchase);

        await _switch.ExpectAsync(ResponseCodes.Approved, advice);
        await _switch.ExpectAsync(ResponseCodes.Approved, advice);                        // the same advice repeated
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.ReversalAdvice(purchase)); // another advice for it
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Reversal(purchase));

        Assert.Equal(10_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    [Fact]
    public async Task A_reversal_of_a_declined_purchase_is_acknowledged_and_changes_nothing()
    {
        var purchase = Terminal.Purchase(Prepaid, 40_000);
        await _switch.ExpectAsync(ResponseCodes.InsufficientFunds, purchase);

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.ReversalAdvice(purchase));

        Assert.Equal(10_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    [Fact]
    public async Task A_reversal_of_a_pre_authorization_releases_its_hold_and_it_can_no_longer_be_completed()
    {
        var preAuthorization = Terminal.PreAuthorization(Prepaid, 3_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, preAuthorization);

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.ReversalAdvice(preAuthorization));

        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(0, account.Held);
        Assert.Equal(10_000, account.Available);
        await _switch.ExpectAsync(ResponseCodes.OriginalNotFound, Terminal.Completion(preAuthorization, 1_000));
    }

    [Fact]
    public async Task A_reversal_of_a_refund_takes_the_credit_back()
    {
        var refund = Terminal.Refund(Prepaid, 2_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, refund);

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.ReversalAdvice(refund));

        Assert.Equal(10_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    // ---- balance inquiry -----------------------------------------------------------------------------------------

    [Fact]
    public async Task A_balance_inquiry_answers_the_available_balance_in_de_54()
    {
        var fresh = await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.BalanceInquiry(Prepaid));
        Assert.Equal("0002826C000000010000", fresh.AdditionalAmounts);

        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(Prepaid, 1_234));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.PreAuthorization(Prepaid, 5_000));
        var result = await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.BalanceInquiry(Prepaid));

        // Account type 00, amount type 02 (available), currency 826, credit, 12 digits: 10,000 - 1,234 - 5,000.
        Assert.Equal("0002826C000000003766", result.AdditionalAmounts);
        Assert.Matches("^0002[0-9]{3}[CD][0-9]{12}$", result.AdditionalAmounts!);
        var account = await _switch.ShowAsync(Prepaid);
        Assert.Equal(8_766, account.Balance); // the inquiry changed nothing
        Assert.Equal(2, account.DayCount);
    }

    [Fact]
    public async Task A_negative_available_balance_is_reported_as_a_debit_in_de_54()
    {
        var refund = Terminal.Refund(Prepaid, 2_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, refund);
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(Prepaid, 12_000));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.ReversalAdvice(refund)); // the credit was already spent

        var result = await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.BalanceInquiry(Prepaid));

        Assert.Equal("0002826D000000002000", result.AdditionalAmounts);
        Assert.Equal(-2_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }

    [Fact]
    public async Task A_balance_inquiry_as_a_0100_is_answered_too()
    {
        var inquiry = Terminal.BalanceInquiry(Prepaid);
        var asAuthorization = Dialects.Iso87Ascii.CreateMessage(new Mti(100));
        foreach (var field in new[] { 2, 3, 4, 7, 11, 14, 22, 25, 32, 41, 42, 49 })
            asAuthorization.Set(field, inquiry.GetString(field));

        var result = await _switch.ExpectAsync(ResponseCodes.Approved, asAuthorization);

        Assert.Equal("0002826C000000010000", result.AdditionalAmounts);
    }

    [Fact]
    public async Task A_balance_inquiry_uses_the_requests_currency()
    {
        var inquiry = Terminal.BalanceInquiry(Prepaid);
        inquiry.Currency = "978";

        var result = await _switch.ExpectAsync(ResponseCodes.Approved, inquiry);

        Assert.Equal("0002978C000000010000", result.AdditionalAmounts);
    }

    // ---- restart -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task After_a_restart_on_the_same_journal_every_account_is_as_it_was()
    {
        var preAuthorization = Terminal.PreAuthorization(Prepaid, 2_000);
        var reversed = Terminal.Purchase(Prepaid, 700);
        var purchase = Terminal.Purchase(Prepaid, 1_500);
        await _switch.ExpectAsync(ResponseCodes.Approved, purchase);
        await _switch.ExpectAsync(ResponseCodes.Approved, reversed);
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Reversal(reversed));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Refund(Prepaid, 300));
        await _switch.ExpectAsync(ResponseCodes.InsufficientFunds, Terminal.Purchase(Prepaid, 50_000));
        await _switch.ExpectAsync(ResponseCodes.Approved, preAuthorization);
        var open = Terminal.PreAuthorization(Prepaid, 1_000);
        await _switch.ExpectAsync(ResponseCodes.Approved, open);
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Completion(preAuthorization, 1_800));
        for (var i = 0; i < 3; i++)
            await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Purchase(DailyCount, 100));
        var prepaidBefore = await _switch.ShowAsync(Prepaid);
        var dailyCountBefore = await _switch.ShowAsync(DailyCount);
        var firstAnswer = await _switch.SendAsync(purchase);

        await _switch.RestartAsync();

        Assert.Equal(prepaidBefore, await _switch.ShowAsync(Prepaid));
        Assert.Equal(dailyCountBefore, await _switch.ShowAsync(DailyCount));
        Assert.Equal(10_000 - 1_500 + 300 - 1_800, prepaidBefore.Balance);
        Assert.Equal(1_000, prepaidBefore.Held);
        // What was decided before is still known: repeats get the first answer, the limits still count, the hold is open.
        Assert.Equal(firstAnswer, await _switch.SendAsync(purchase));
        await _switch.ExpectAsync(ResponseCodes.ExceedsFrequencyLimit, Terminal.Purchase(DailyCount, 100));
        await _switch.ExpectAsync(ResponseCodes.OriginalNotFound, Terminal.Completion(preAuthorization, 100));
        await _switch.ExpectAsync(ResponseCodes.Approved, Terminal.Completion(open, 1_000));
        Assert.Equal(prepaidBefore.Balance - 1_000, (await _switch.ShowAsync(Prepaid)).Balance);
    }
}
