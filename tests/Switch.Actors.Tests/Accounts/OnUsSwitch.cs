using Switch.Actors.Accounts;
using Switch.Actors.Channels;
using Switch.Actors.Routing;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Persistence;
using Switch.Runtime.Actors;
using Switch.Runtime.TestKit;
using Switch.Simulators;

namespace Switch.Actors.Tests.Accounts;

/// <summary>
/// A payment switch on a temporary SQLite journal: on-us BIN ranges, one per product, a manual clock, and a terminal
/// that sends requests built by the simulators' <see cref="TransactionFactory"/>; with a bank host, cards 476173...
/// go to it through channel bank-1. Restartable on the same journal as a new process would be.
/// </summary>
internal sealed class OnUsSwitch : IAsyncDisposable
{
    public const string Acquirer = "acq-1";
    public const string KeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    public static readonly TimeSpan Timeout = TestTime.Dilated(TimeSpan.FromSeconds(10));

    /// <summary>Prepaid: 10,000 to start with, no limits.</summary>
    public static readonly Card Prepaid = new("6011000000000004", "3012");
    /// <summary>Another prepaid account.</summary>
    public static readonly Card OtherPrepaid = new("6011000000000012", "3012");
    /// <summary>Single debit at most 5,000.</summary>
    public static readonly Card SingleLimit = new("6011010000000003", "3012");
    /// <summary>Debits of at most 8,000 a day.</summary>
    public static readonly Card DailyAmount = new("6011020000000002", "3012");
    /// <summary>At most 3 debits a day.</summary>
    public static readonly Card DailyCount = new("6011030000000001", "3012");
    /// <summary>At most 12,000 and 4 debits a month.</summary>
    public static readonly Card Monthly = new("6011040000000000", "3012");
    /// <summary>No BIN range covers it.</summary>
    public static readonly Card Uncovered = new("5500000000000004", "3012");

    private readonly PersistentTestSystem _test;
    private ActorSystem _system;
    private int _restarts;

    private OnUsSwitch(PersistentTestSystem test, PaymentSwitchOptions options, ManualClock clock)
    {
        _test = test;
        _system = test.System;
        Journal = test.Journal;
        Snapshots = test.Snapshots;
        Options = options;
        Clock = clock;
        Terminal = new TransactionFactory(Dialects.Iso87Ascii, clock: clock);
        Switch = PaymentSwitch.Start(test.System, options);
    }

    public PaymentSwitchOptions Options { get; }

    public ManualClock Clock { get; }

    public TransactionFactory Terminal { get; }

    public PaymentSwitch Switch { get; private set; }

    public EventJournal Journal { get; private set; }

    public SnapshotStore Snapshots { get; private set; }

    public static readonly DateTimeOffset Start = new(2030, 6, 15, 10, 0, 0, TimeSpan.Zero);

    public static async Task<OnUsSwitch> CreateAsync(TimeSpan? holdExpiry = null, int snapshotEvery = 500, BankHostSimulator? bank = null)
    {
        var clock = new ManualClock(Start);
        var unlimited = new ProductLimits { OpeningBalance = 1_000_000 };
        var options = new PaymentSwitchOptions(
            Channels: bank is null ? [] :
            [
                new ChannelOptions("bank-1", "bank-a", "127.0.0.1", bank.Endpoint.Port, Dialects.Iso87Ascii, FrameFormat.Binary2)
                {
                    ReconnectDelay = TimeSpan.FromMilliseconds(200),
                },
            ],
            BinRanges:
            [
                new BinRange("476173", "476173", "bank-a", "debit", OnUs: false, bank is null ? [] : [new RouteCandidate("bank-1")]),
                new BinRange("601100", "601100", "switch", "prepaid", OnUs: true, []),
                new BinRange("601101", "601101", "switch", "single", OnUs: true, []),
                new BinRange("601102", "601102", "switch", "daily-amount", OnUs: true, []),
                new BinRange("601103", "601103", "switch", "daily-count", OnUs: true, []),
                new BinRange("601104", "601104", "switch", "monthly", OnUs: true, []),
            ],
            Products: new Dictionary<string, ProductLimits>
            {
                ["prepaid"] = new() { OpeningBalance = 10_000 },
                ["debit"] = new(),
                ["single"] = unlimited with { SingleAmount = 5_000 },
                ["daily-amount"] = unlimited with { DailyAmount = 8_000 },
                ["daily-count"] = unlimited with { DailyCount = 3 },
                ["monthly"] = unlimited with { MonthlyAmount = 12_000, MonthlyCount = 4 },
            },
            CardDataKeyHex: KeyHex)
        {
            Clock = clock,
            HoldExpiry = holdExpiry ?? TimeSpan.FromDays(7),
            SnapshotEvery = snapshotEvery,
            AccountShards = 16,
            AuthorizationTimeout = Timeout,
        };
        var test = await PersistentTestSystem.CreateAsync(PaymentSwitch.Serializer());
        try
        {
            return new OnUsSwitch(test, options, clock);
        }
        catch
        {
            await test.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends <paramref name="request"/> as the acquirer and returns the decision.</summary>
    public Task<AuthorizationResult> SendAsync(IsoMessage request) => Switch.AuthorizeAsync(Acquirer, request);

    /// <summary>Sends and checks the response code.</summary>
    public async Task<AuthorizationResult> ExpectAsync(string responseCode, IsoMessage request)
    {
        var result = await SendAsync(request);
        Assert.True(result.ResponseCode == responseCode,
            $"{request.Mti} amount {request.Amount}: expected RC {responseCode}, got {result.ResponseCode} ({result.Reason})");
        return result;
    }

    public Task<AccountView> ShowAsync(Card card) => Switch.ShowAccountAsync(card.Pan, Timeout);

    /// <summary>Stops the actor system, runs <paramref name="whileStopped"/>, and starts the switch in a new one on the same journal.</summary>
    public async Task RestartAsync(Func<Task>? whileStopped = null)
    {
        await _system.TerminateAsync();
        if (whileStopped is not null)
            await whileStopped();
        var (system, journal, snapshots) = await _test.OpenAsync(PaymentSwitch.Serializer(), "restarted-" + ++_restarts);
        (_system, Journal, Snapshots) = (system, journal, snapshots);
        Switch = PaymentSwitch.Start(system, Options);
    }

    public ValueTask DisposeAsync() => _test.DisposeAsync();
}
