using Switch.Actors.Transactions;
using Switch.LoadTest.Reconciliation;

namespace Switch.LoadTest.Tests.Reconciliation;

public sealed class ReconcilerTests
{
    private static string Key(int stan) => $"000001|LT010001|{stan:D6}|1121101010";

    private static AcquirerRecord Sent(int stan, string? answer, TransactionKind kind = TransactionKind.Purchase) => new(Key(stan), kind, answer);

    private static JournalDecision Decided(int stan, string code, TransactionKind kind = TransactionKind.Purchase, int? original = null) =>
        new(Key(stan), kind, code, original is { } o ? Key(o) : "");

    [Fact]
    public void A_clean_run_has_nothing_to_report()
    {
        var result = Reconciler.Reconcile(
            [Sent(1, "00"), Sent(2, "05"), Sent(3, "91"), Sent(4, "00", TransactionKind.BalanceInquiry), Sent(4, "00", TransactionKind.BalanceInquiry)],
            [Decided(1, "00"), Decided(2, "05"), Decided(3, "91"), Decided(4, "00", TransactionKind.BalanceInquiry)]);

        Assert.Equal((0, 0, 0, 0), (result.Lost, result.Duplicated, result.Phantom, result.Unanswered));
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void A_planted_lost_approval_and_a_planted_double_posting_are_found()
    {
        var result = Reconciler.Reconcile(
            [Sent(1, "00"), Sent(2, "00"), Sent(3, "00")],
            [Decided(1, "00"), Decided(3, "00"), Decided(3, "00")]); // 2 never journaled; 3 posted twice

        Assert.Equal(1, result.Lost);
        Assert.Equal(1, result.Duplicated);
        Assert.Equal(0, result.Phantom);
        Assert.Contains(result.Findings, f => f.Kind == "lost" && f.TransactionKey == Key(2));
        Assert.Contains(result.Findings, f => f.Kind == "duplicated" && f.TransactionKey == Key(3) && f.Detail.Contains("2 times", StringComparison.Ordinal));
    }

    [Fact]
    public void An_approval_journaled_as_a_decline_is_lost()
    {
        var result = Reconciler.Reconcile([Sent(1, "00")], [Decided(1, "05")]);
        Assert.Equal(1, result.Lost);
        Assert.Contains("journaled as 05", result.Findings.Single().Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_journaled_approval_the_acquirer_never_got_is_phantom_unless_reversed()
    {
        var result = Reconciler.Reconcile(
            [Sent(1, "91"), Sent(2, null), Sent(3, "91"), Sent(10, "00", TransactionKind.Reversal)],
            [Decided(1, "00"), Decided(2, "00"), Decided(3, "00"), Decided(10, "00", TransactionKind.Reversal, original: 3)]);

        Assert.Equal(2, result.Phantom); // 1 (answered 91, booked 00) and 2 (no answer, booked 00); 3 was reversed
        Assert.Equal(1, result.Unanswered);
        Assert.DoesNotContain(result.Findings, f => f.Kind == "phantom" && f.TransactionKey == Key(3));
        Assert.Contains(result.Findings, f => f.Kind == "phantom" && f.TransactionKey == Key(1) && f.Detail.Contains("it got 91", StringComparison.Ordinal));
    }

    [Fact]
    public void An_approval_in_the_journal_that_this_run_never_sent_is_phantom()
    {
        var result = Reconciler.Reconcile([Sent(1, "00")], [Decided(1, "00"), Decided(9, "00")]);
        Assert.Equal(1, result.Phantom);
        Assert.Contains("never sent by this run", result.Findings.Single().Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeat_answered_differently_from_the_first_send_counts_as_duplicated()
    {
        var result = Reconciler.Reconcile([Sent(1, "00"), Sent(1, "05")], [Decided(1, "00")]);
        Assert.Equal(1, result.Duplicated);
        Assert.Equal(0, result.Lost);
    }

    [Fact]
    public void Findings_are_capped_but_the_counts_are_complete()
    {
        var sent = Enumerable.Range(1, Reconciler.MaxFindings + 50).Select(i => Sent(i, null)).ToList();
        var result = Reconciler.Reconcile(sent, []);
        Assert.Equal(Reconciler.MaxFindings + 50, result.Unanswered);
        Assert.Equal(Reconciler.MaxFindings, result.Findings.Count);
    }
}
