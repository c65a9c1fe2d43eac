using Switch.Actors.Accounts;
using Switch.Actors.Accounts.Events;
using Switch.Actors.Transactions;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Persistence;
using Switch.Simulators;
using static Switch.Actors.Tests.Accounts.OnUsSwitch;

namespace Switch.Actors.Tests.Accounts;

/// <summary>Account snapshots (<see cref="PaymentSwitchOptions.SnapshotEvery"/>) on a real SQLite journal and snapshot store.</summary>
public sealed class AccountSnapshotTests
{
    /// <summary>35 on-us decisions, one event each: snapshots at #10, #20 and #30, then 5 more events.</summary>
    private static async Task<List<(IsoMessage Request, AuthorizationResult Result)>> RunAsync(OnUsSwitch s)
    {
        var answers = new List<(IsoMessage, AuthorizationResult)>();
        async Task SendAsync(string code, IsoMessage request) => answers.Add((request, await s.ExpectAsync(code, request)));
        var t = s.Terminal;

        var first = t.Purchase(Prepaid, 100);
        await SendAsync(ResponseCodes.Approved, first);
        for (var i = 0; i < 25; i++)
        {
            await SendAsync(ResponseCodes.Approved, t.Purchase(Prepaid, 100 + i));
            s.Clock.Advance(TimeSpan.FromHours(1)); // crosses midnight: the day counters restart, the month's go on
        }
        await SendAsync(ResponseCodes.Approved, t.PreAuthorization(Prepaid, 2_000)); // its hold stays open
        await SendAsync(ResponseCodes.Approved, t.Reversal(first));                 // of a purchase of the day before
        await SendAsync(ResponseCodes.InsufficientFunds, t.Purchase(Prepaid, 50_000));
        await SendAsync(ResponseCodes.Approved, t.Refund(Prepaid, 300));
        await SendAsync(ResponseCodes.Approved, t.BalanceInquiry(Prepaid));
        for (var i = 0; i < 4; i++)
            await SendAsync(ResponseCodes.Approved, t.Purchase(Prepaid, 10));
        Assert.Equal(35, answers.Count);
        return answers;
    }

    private static async Task<Snapshot> WaitForSnapshotAsync(SnapshotStore store, string accountKey, long sequenceNumber)
    {
        var deadline = DateTime.UtcNow + OnUsSwitch.Timeout;
        while (true)
        {
            if (await store.LoadAsync(accountKey) is { } snapshot && snapshot.SequenceNumber >= sequenceNumber)
                return snapshot;
            Assert.True(DateTime.UtcNow < deadline, $"no snapshot of {accountKey} at #{sequenceNumber} in time");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task An_account_restarts_from_its_snapshot_with_the_same_state_and_answers()
    {
        await using var s = await OnUsSwitch.CreateAsync(snapshotEvery: 10);
        var answers = await RunAsync(s);
        var before = await s.ShowAsync(Prepaid);
        Assert.Equal(2_000, before.Held);
        Assert.Equal(35, before.Transactions);

        await s.RestartAsync();

        Assert.Equal(before, await s.ShowAsync(Prepaid));
        foreach (var (request, result) in answers)
            Assert.Equal(result, await s.SendAsync(request)); // repeats get the first answers
        Assert.Equal(before, await s.ShowAsync(Prepaid));
        var snapshot = await WaitForSnapshotAsync(s.Snapshots, before.AccountKey, 30);
        Assert.Equal(30, snapshot.SequenceNumber); // not 35: five events after it
        Assert.Equal("account.snapshot.v1", snapshot.Manifest);
        var state = Assert.IsType<AccountSnapshot>(PaymentSwitch.Serializer().Deserialize(snapshot.Manifest, snapshot.Payload));
        Assert.Equal(before.MaskedPan, state.MaskedPan);
        Assert.Equal(30, state.Transactions.Count);
        Assert.All(state.Transactions, x => Assert.True(x.Decided));
        Assert.Single(state.Holds);
    }

    [Fact]
    public async Task Recovery_needs_only_the_snapshot_and_the_events_after_it()
    {
        await using var s = await OnUsSwitch.CreateAsync(snapshotEvery: 10);
        var answers = await RunAsync(s);
        var before = await s.ShowAsync(Prepaid);
        await WaitForSnapshotAsync(s.Snapshots, before.AccountKey, 30);

        // Replay skips deleted events: only the snapshot can bring back what #1 to #30 did.
        await s.RestartAsync(whileStopped: () => s.Journal.DeleteEventsToAsync(before.AccountKey, 30));

        Assert.Equal(before, await s.ShowAsync(Prepaid));
        foreach (var (request, result) in answers)
            Assert.Equal(result, await s.SendAsync(request));
    }

    [Fact]
    public async Task No_snapshot_is_taken_while_a_transaction_of_the_account_is_with_a_bank()
    {
        await using var bank = new BankHostSimulator(new BankHostOptions(Dialects.Iso87Ascii, FrameFormat.Binary2)
        {
            Behaviour = BankHostBehaviour.ApproveAll with { Latency = Latency.Fixed(TimeSpan.FromSeconds(1)) },
        });
        await bank.StartAsync();
        await using var s = await OnUsSwitch.CreateAsync(snapshotEvery: 1, bank: bank);
        Assert.True(await s.Switch.WaitForChannelsAsync(OnUsSwitch.Timeout));
        var card = new Card("4761739001010010", "3012");

        var purchase = s.SendAsync(s.Terminal.Purchase(card, 1_000));        // #1 started, with the bank for a second
        var accountKey = (await WaitForInFlightAsync(s, card)).AccountKey;
        await s.ExpectAsync(ResponseCodes.OriginalNotFound, s.Terminal.Reversal(s.Terminal.Purchase(card, 5))); // #2 decided at once
        Assert.Equal(1, (await s.ShowAsync(card)).InFlight);
        Assert.Equal(ResponseCodes.Approved, (await purchase).ResponseCode);  // #3: now every transaction is decided

        var snapshot = await WaitForSnapshotAsync(s.Snapshots, accountKey, 3);
        Assert.Equal(3, snapshot.SequenceNumber);
        Assert.Null(await s.Snapshots.LoadAsync(accountKey, maxSequenceNumber: 2));
    }

    private static async Task<AccountView> WaitForInFlightAsync(OnUsSwitch s, Card card)
    {
        var deadline = DateTime.UtcNow + OnUsSwitch.Timeout;
        while (true)
        {
            var view = await s.ShowAsync(card);
            if (view.InFlight == 1)
                return view;
            Assert.True(DateTime.UtcNow < deadline, "the purchase never went to the bank");
            await Task.Delay(10);
        }
    }
}
