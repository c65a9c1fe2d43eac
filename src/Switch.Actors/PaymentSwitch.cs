using System.Diagnostics;
using Switch.Actors.Accounts;
using Switch.Actors.Channels;
using Switch.Actors.Metrics;
using Switch.Actors.Routing;
using Switch.Actors.Security;
using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;
using Switch.Runtime.Remote;
using Switch.Runtime.Serialization;
using Switch.Runtime.Sharding;

namespace Switch.Actors;

/// <summary>
/// The payment switch inside one actor system: the bank channel actors, the router, the sharded account actors and
/// the routing controls. The node's listeners call <see cref="AuthorizeAsync"/>; the admin surface calls the
/// operator methods. Attach persistence (with <see cref="Serializer"/>) to the actor system before
/// <see cref="Start"/>.
/// </summary>
public sealed class PaymentSwitch
{
    private readonly ActorSystem _system;
    private readonly PaymentSwitchOptions _options;
    private readonly ActorRef _accounts;
    private readonly ActorRef _controls;
    private long _timeouts;

    private PaymentSwitch(ActorSystem system, PaymentSwitchOptions options, Router router, IReadOnlyDictionary<string, ChannelEntry> channels,
        CardDataProtector protector, ActorRef accounts, ActorRef controls)
    {
        _system = system;
        _options = options;
        Router = router;
        Channels = channels;
        Protector = protector;
        _accounts = accounts;
        _controls = controls;
    }

    /// <summary>The router (BIN table, controls, channel status).</summary>
    public Router Router { get; }

    /// <summary>The bank channels by name.</summary>
    public IReadOnlyDictionary<string, ChannelEntry> Channels { get; }

    /// <summary>Account keys and sealing.</summary>
    public CardDataProtector Protector { get; }

    /// <summary>Requests that got no decision within <see cref="PaymentSwitchOptions.AuthorizationTimeout"/> (answered RC 91).</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>The serializer for every event the switch journals and for the account snapshots: attach it with <see cref="ActorSystem.UsePersistence"/>.</summary>
    public static EventSerializer Serializer() => new EventSerializer()
        .RegisterProtobuf<Accounts.Events.TransactionStarted>("account.transaction-started.v1")
        .RegisterProtobuf<Accounts.Events.TransactionDecided>("account.transaction-decided.v1")
        .RegisterProtobuf<Accounts.Events.HoldExpired>("account.hold-expired.v1")
        .RegisterProtobuf<Accounts.Events.AccountSnapshot>("account.snapshot.v1")
        .RegisterProtobuf<Channels.Events.ReversalQueued>("saf.reversal-queued.v1")
        .RegisterProtobuf<Channels.Events.ReversalAcknowledged>("saf.reversal-acknowledged.v1")
        .RegisterProtobuf<Routing.Events.RoutingControlChanged>("routing.control-changed.v1");

    /// <summary>Starts the channel actors (they connect to their bank hosts), the routing controls and the account region.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent (unknown channel in a BIN range, duplicate names, bad key).</exception>
    public static PaymentSwitch Start(ActorSystem system, PaymentSwitchOptions options)
    {
        var protector = CardDataProtector.FromHex(options.CardDataKeyHex);
        var channels = new Dictionary<string, ChannelEntry>(StringComparer.Ordinal);
        foreach (var channel in options.Channels)
        {
            channel.Validate();
            if (!channels.TryAdd(channel.Name, new ChannelEntry(channel)))
                throw new ArgumentException($"channel '{channel.Name}' is configured twice");
        }
        var router = new Router(new BinTable(options.BinRanges), channels.ToDictionary(c => c.Key, c => c.Value.Status, StringComparer.Ordinal));
        foreach (var entry in channels.Values)
            entry.Actor = system.ActorOf(Props.Create(() => new ChannelActor(entry, protector, options.ClusterNodeId)), "channel-" + entry.Options.Name);
        var banks = channels.Values.Select(c => c.Options.Bank).ToHashSet(StringComparer.Ordinal);
        var controls = system.ActorOf(Props.Create(() => new RoutingControlActor(router, banks, options.ClusterNodeId)), "routing-controls");
        var services = new AccountServices(router, channels, protector, options.Products)
        {
            HoldExpiry = options.HoldExpiry, KeyRetention = options.KeyRetention, Clock = options.Clock, SnapshotEvery = options.SnapshotEvery,
        };
        var accounts = ShardRegion.Start(system, AccountType, id => Props.Create(() => new AccountActor(id, services)), AccountMessageExtractor.Instance,
            new ShardingSettings
            {
                NumberOfShards = options.AccountShards,
                PassivateIdleAfter = options.AccountIdleTimeout,
                MaxActiveEntities = options.MaxActiveAccounts,
                HandOffStopMessage = DrainAccount.Instance,
                Placement = options.AccountPlacement,
            });
        return new PaymentSwitch(system, options, router, channels, protector, accounts, controls);
    }

    /// <summary>The entity type of the account shard region (the same on every node of a cluster).</summary>
    public const string AccountType = "account";

    /// <summary>How long the account has to answer once the authorization timeout passed (a journal write and a margin).</summary>
    private static readonly TimeSpan AnswerNowTimeout = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Decides an acquirer's request: the answer's response code, approval code and DE 54. Requests the switch
    /// does not handle get RC 12; a missing or malformed PAN RC 14; no decision in time RC 91 (retryable).
    /// </summary>
    /// <exception cref="AccountUnreachableException">No account could be reached from this node (cut off from the
    /// cluster): the request was not decided and must not be answered here.</exception>
    public async Task<AuthorizationResult> AuthorizeAsync(string acquirerId, IsoMessage request)
    {
        var key = TransactionKey.Of(acquirerId, request);
        try
        {
            if (TransactionKinds.Of(request) is not { } kind)
                return Answered(request, new AuthorizationResult(key, ResponseCodes.InvalidTransaction, null, null, "transaction type not handled"));
            var pan = request.Pan;
            if (pan is null || pan.Length is < 12 or > 19 || pan.AsSpan().ContainsAnyExceptInRange('0', '9'))
                return Answered(request, new AuthorizationResult(key, ResponseCodes.InvalidCard, null, null, "missing or malformed PAN"));
            var original = kind is TransactionKind.Reversal or TransactionKind.Completion ? TransactionKey.OfOriginal(acquirerId, request) : null;
            var command = new Authorize(Protector.AccountKey(pan), key, original, kind, request, _options.Clock.GetUtcNow() + _options.AuthorizationTimeout);
            try
            {
                return Answered(request, await AskAccountAsync(command, _options.AuthorizationTimeout, key).ConfigureAwait(false));
            }
            catch (AskTimeoutException)
            {
                // No decision in time: the account decides now (RC 91, journaled, reversed at the bank if it went
                // there) or tells the decision it has, so the acquirer hears what the journal holds, never a guess.
                Interlocked.Increment(ref _timeouts);
                return Answered(request, await AskAccountAsync(new AnswerNow(command.AccountKey, command), AnswerNowTimeout, key).ConfigureAwait(false));
            }
        }
        catch (AskTimeoutException)
        {
            // The account could not even answer that (its journal is down or stalled): the acquirer gets 91 and
            // repeats; the repeat gets whatever the account decides, which is 91 unless the bank approved in time.
            return Answered(request, new AuthorizationResult(key, ResponseCodes.IssuerUnavailable, null, null, "no decision in time"));
        }
        catch (AccountUnreachableException)
        {
            throw; // not answered: the listener closes the connection and the acquirer repeats through another node
        }
        catch
        {
            SwitchMetrics.TransactionAnswered(request.Mti, ResponseCodes.SystemMalfunction); // what the listener answers a failed decision
            throw;
        }
    }

    /// <summary>
    /// Asks the account, within <paramref name="timeout"/> in all. A message the cluster did not deliver (its shard was
    /// moving: the node it went to died), that a node took with it when it left the cluster unanswered, or whose decision
    /// an owner that had just lost the shard could not journal, is sent again after a pause, to wherever the shard is
    /// by then: both messages are idempotent by transaction key, and the shard's new owner recovers whatever the lost
    /// node journaled. When no attempt got through before the timeout, <see cref="AccountUnreachableException"/>;
    /// other timeouts are the caller's.
    /// </summary>
    private async Task<AuthorizationResult> AskAccountAsync(object message, TimeSpan timeout, string transactionKey)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        Exception? notDelivered = null; // every attempt so far failed before an account decided anything
        while (true)
        {
            var left = TimeSpan.FromSeconds((double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
            if (left <= NotDeliveredPause && notDelivered is not null)
                throw new AccountUnreachableException(transactionKey, notDelivered);
            if (left <= TimeSpan.Zero)
                throw new AskTimeoutException(_accounts.Path, timeout);
            try
            {
                return await _accounts.Ask<AuthorizationResult>(message, left, _system).ConfigureAwait(false);
            }
            catch (Exception e) when (IsNotDecided(e))
            {
                notDelivered = e;
                await Task.Delay(NotDeliveredPause).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The message did not reach its account, or reached an owner that lost the shard before it journaled a decision
    /// (its write was fenced, locally or on another node): nothing was decided, so asking again is safe.
    /// </summary>
    private static bool IsNotDecided(Exception e) =>
        e is RemoteDeliveryException or RemoteNodeLostException or JournalFencedException
        || e is RemoteException { TypeName: var type } && type == typeof(JournalFencedException).FullName;

    /// <summary>The pause before a message the cluster did not deliver is sent again (a shard changes owner in about this time).</summary>
    private static readonly TimeSpan NotDeliveredPause = TimeSpan.FromMilliseconds(200);

    private static AuthorizationResult Answered(IsoMessage request, AuthorizationResult result)
    {
        SwitchMetrics.TransactionAnswered(request.Mti, result.ResponseCode);
        return result;
    }

    /// <summary>
    /// Finds, in the journal's latest <see cref="PaymentSwitchOptions.RecoveryScanEvents"/> events, the transactions
    /// that were sent to a bank and never decided (the node stopped with them in flight), and starts their accounts:
    /// each account's recovery answers them 91 and queues their reversal advices. Call once at start-up.
    /// </summary>
    /// <returns>How many accounts were started.</returns>
    public async Task<int> ReverseUnfinishedAsync(EventJournal journal, CancellationToken cancellationToken = default)
    {
        const string started = "account.transaction-started.v1", decided = "account.transaction-decided.v1";
        const int page = 10_000;
        var serializer = Serializer();
        var open = new Dictionary<string, string>(StringComparer.Ordinal); // transaction key -> account key
        var after = Math.Max(0, await journal.ReadHighestOrderingAsync(cancellationToken).ConfigureAwait(false) - _options.RecoveryScanEvents);
        for (var read = page; read == page;)
        {
            read = 0;
            await foreach (var e in journal.AllEventsAsync(after, page, cancellationToken).ConfigureAwait(false))
            {
                read++;
                after = e.Ordering;
                if (e.Manifest == started)
                    open[((Accounts.Events.TransactionStarted)serializer.Deserialize(e.Manifest, e.Payload)).Key] = e.PersistenceId;
                else if (e.Manifest == decided)
                    open.Remove(((Accounts.Events.TransactionDecided)serializer.Deserialize(e.Manifest, e.Payload)).Key);
            }
        }
        var accounts = open.Values.ToHashSet(StringComparer.Ordinal);
        foreach (var account in accounts)
            _accounts.Tell(new WakeAccount(account));
        return accounts.Count;
    }

    /// <summary>The route a transaction on <paramref name="pan"/> would take now (for operators).</summary>
    public RouteDecision RouteFor(string pan, TransactionKind kind = TransactionKind.Purchase, long amount = 0) =>
        Router.Route(pan, kind, amount, _options.Clock.GetUtcNow());

    /// <summary>An account's state, by account key or PAN.</summary>
    public Task<AccountView> ShowAccountAsync(string accountKeyOrPan, TimeSpan timeout) =>
        _accounts.Ask<AccountView>(new ShowAccount(accountKeyOrPan.StartsWith("acct-", StringComparison.Ordinal) ? accountKeyOrPan : Protector.AccountKey(accountKeyOrPan)), timeout, _system);

    /// <summary>Operator: opens a channel's breaker until it is closed again.</summary>
    public Task<BreakerState> IsolateAsync(string channel, string who, TimeSpan timeout) =>
        Channel(channel).Actor.Ask<BreakerState>(new IsolateChannel(who), timeout, _system);

    /// <summary>Operator: closes a channel's breaker.</summary>
    public Task<BreakerState> CloseBreakerAsync(string channel, string who, TimeSpan timeout) =>
        Channel(channel).Actor.Ask<BreakerState>(new CloseBreaker(who), timeout, _system);

    /// <summary>Operator: enables or disables a bank, channel or transaction type on a channel.</summary>
    public Task<ControlResult> SetEnabledAsync(ControlLevel level, string target, bool enabled, string who, TimeSpan timeout) =>
        _controls.Ask<ControlResult>(new SetEnabled(level, target, enabled, who), timeout, _system);

    /// <summary>Operator: announces a bank's maintenance window.</summary>
    public Task<ControlResult> AddMaintenanceAsync(string bank, DateTimeOffset from, DateTimeOffset until, string reason, string who, TimeSpan timeout) =>
        _controls.Ask<ControlResult>(new AddMaintenance(bank, from, until, reason, who), timeout, _system);

    /// <summary>Operator: withdraws a maintenance window.</summary>
    public Task<ControlResult> RemoveMaintenanceAsync(string id, string who, TimeSpan timeout) =>
        _controls.Ask<ControlResult>(new RemoveMaintenance(id, who), timeout, _system);

    /// <summary>Completes once the operators' routing controls are recovered from the journal (before that, the router would ignore them).</summary>
    public Task WhenControlsRecoveredAsync(TimeSpan timeout) => _controls.Ask<RoutingControls>(GetRoutingControls.Instance, timeout, _system);

    /// <summary>The operators' current routing controls.</summary>
    public RoutingControls Controls => Router.Controls;

    /// <summary>The store-and-forward queue of one channel.</summary>
    public Task<List<SafEntryInfo>> ListSafAsync(string channel, TimeSpan timeout) =>
        Channel(channel).Actor.Ask<List<SafEntryInfo>>(ListSaf.Instance, timeout, _system);

    /// <summary>Operator: sends one channel's queued advices now; returns how many.</summary>
    public Task<int> RetrySafAsync(string channel, TimeSpan timeout) =>
        Channel(channel).Actor.Ask<int>(RetrySaf.Instance, timeout, _system);

    /// <summary>Waits until every channel has a signed-on connection, or <paramref name="timeout"/> passes; false then.</summary>
    public async Task<bool> WaitForChannelsAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Channels.Values.Any(c => c.Status.Connections == 0))
        {
            if (clock.Elapsed > timeout)
                return false;
            await Task.Delay(20).ConfigureAwait(false);
        }
        return true;
    }

    private ChannelEntry Channel(string name) =>
        Channels.TryGetValue(name, out var entry) ? entry : throw new ArgumentException($"unknown channel '{name}'");
}
