using System.Globalization;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Switch.Actors.Accounts.Events;
using Switch.Actors.Channels;
using Switch.Actors.Routing;
using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;

namespace Switch.Actors.Accounts;

/// <summary>
/// One card account (entity id: the account key, a keyed hash of the PAN). It owns idempotency (a repeated
/// transaction key gets the first answer, and is never sent to a bank twice), the product's limits, pre-authorization
/// holds, and for on-us accounts the balance. Every decision is journaled before the acquirer hears it; a
/// transaction sent to a bank is journaled before it is sent, so after a crash it is reversed, never re-sent.
/// </summary>
internal sealed class AccountActor : PersistentActor
{
    private const int PruneThreshold = 64;

    private readonly string _accountKey;
    private readonly AccountServices _services;
    private readonly Dictionary<string, Txn> _transactions = new(StringComparer.Ordinal);
    private int _pruneAt = PruneThreshold;
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Hold> _holds = new(StringComparer.Ordinal);
    private ILogger _log = null!;
    private string? _maskedPan;
    private bool _onUs, _opened;
    private long _balance, _held;
    private int _day, _month;
    private long _dayAmount, _monthAmount;
    private int _dayCount, _monthCount;
    private long _snapshotAt; // the sequence number of the last snapshot recovered or asked for
    private bool _noSnapshotStore;
    private bool _draining; // the account's shard is moving to another node: stop once nothing is in flight

    internal AccountActor(string accountKey, AccountServices services)
    {
        _accountKey = accountKey;
        _services = services;
    }

    public override string PersistenceId => _accountKey;

    private DateTimeOffset Now => _services.Clock.GetUtcNow();

    // ---- recovery ----------------------------------------------------------------------------------------------

    protected override void OnRecover(object @event)
    {
        if (@event is SnapshotOffer { Snapshot: AccountSnapshot snapshot } offer)
        {
            Restore(snapshot);
            _snapshotAt = offer.Metadata.SequenceNumber;
        }
        else
        {
            Apply(@event);
        }
    }

    protected override void OnRecoveryCompleted()
    {
        _log = Context.System.LoggerFactory.CreateLogger("Switch.Accounts");
        // Sent to a bank before a crash, never decided: the outcome is unknown, so reverse it (never send it again).
        foreach (var (key, txn) in _transactions)
        {
            if (txn.Decided)
                continue;
            _log.LogWarning("{Account}: transaction {Key} was in flight at the last stop; reversing it", _accountKey, key);
            Reverse(txn, key, "in flight when the node stopped");
            Persist(Decision(key, txn.Kind, txn.Amount, ResponseCodes.IssuerUnavailable, txn.Channel, "in flight when the node stopped; reversed"), e =>
            {
                Apply(e);
                MaybeSnapshot();
            });
        }
    }

    // ---- commands ----------------------------------------------------------------------------------------------

    protected override void OnCommand(object command)
    {
        switch (command)
        {
            case Authorize authorize:
                ExpireHolds();
                Authorize(authorize);
                break;
            case AnswerNow due:
                AnswerNow(due.Request);
                break;
            case BankAnswer answer:
                OnBankAnswer(answer);
                break;
            case WakeAccount:
                break; // recovery has done the work
            case DrainAccount:
                _draining = true;
                StopIfDrained();
                break;
            case SaveSnapshotSuccess:
                break;
            case SaveSnapshotFailure failure:
                // The events are journaled: the account is safe, it only recovers from an older snapshot. It tries
                // again after SnapshotEvery more events.
                _log.LogWarning("{Account}: saving the snapshot at #{SequenceNumber} failed: {Error}", _accountKey,
                    failure.Metadata.SequenceNumber, failure.Cause.Message);
                break;

            case ShowAccount:
                Sender.Tell(new AccountView(_accountKey, _maskedPan, _onUs, _balance, _held, _balance - _held,
                    _dayAmount, _dayCount, _monthAmount, _monthCount, _holds.Count, _transactions.Count, _pending.Count));
                break;
            default:
                Unhandled(command);
                break;
        }
    }

    protected override void OnPersistFailure(Exception cause)
    {
        _log.LogError("{Account}: journal write failed, stopping the account: {Error}", _accountKey, cause.Message);
        // Nothing is dropped silently: everyone waiting gets a retryable answer. A write refused because the account's
        // shard moved is not an answer at all: the waiters ask again, and the new owner decides from the journal.
        foreach (var (key, pending) in _pending)
            foreach (var waiter in pending.Waiters)
                waiter.Tell(cause is JournalFencedException
                    ? new Status.Failure(cause)
                    : new AuthorizationResult(key, ResponseCodes.SystemMalfunction, null, null, "journal unavailable"));
    }

    private void Authorize(Authorize command)
    {
        var key = command.TransactionKey;
        if (_transactions.TryGetValue(key, out var known))
        {
            if (known.Decided)
                Sender.Tell(known.Result(key));
            else if (_pending.TryGetValue(key, out var pending))
                pending.Waiters.Add(Sender);
            return;
        }
        if (Now >= command.DecideBy)
        {
            // Waited too long to get here (a backlog after a restart, a slow recovery): the switch is answering 91.
            Decide(command, Decision(key, command.Kind, command.Request.Amount ?? 0, ResponseCodes.IssuerUnavailable, "", "no decision in time",
                original: command.OriginalKey));
            return;
        }
        if (_transactions.Count > _pruneAt)
            Prune();
        var pan = command.Request.Pan ?? "";
        _maskedPan ??= PanMask.Mask(pan);
        var amount = command.Request.Amount ?? 0;
        switch (command.Kind)
        {
            case TransactionKind.Reversal:
                ReverseOriginal(command, amount);
                return;
            case TransactionKind.Completion:
                Complete(command, amount);
                return;
        }
        var route = _services.Router.Route(pan, command.Kind, amount, Now);
        switch (route.Outcome)
        {
            case RouteOutcome.NoRoute:
                Sender.Tell(new AuthorizationResult(key, ResponseCodes.NoRoute, null, null, route.Reason));
                return;
            case RouteOutcome.AllDown:
                Sender.Tell(new AuthorizationResult(key, ResponseCodes.IssuerUnavailable, null, null, route.Reason));
                return;
        }
        var product = route.Range!.Product;
        if (IsDebit(command.Kind) && LimitExceeded(product, amount) is { } limit)
        {
            Decide(command, Decision(key, command.Kind, amount, limit.Code, "", limit.Reason, product));
            return;
        }
        if (route.Outcome == RouteOutcome.OnUs)
            DecideOnUs(command, amount, product);
        else
            Start(command, amount, route.Channels, 0, product, null);
    }

    private static bool IsDebit(TransactionKind kind) => kind is TransactionKind.Purchase or TransactionKind.PreAuthorization;

    private void DecideOnUs(Authorize command, long amount, string product)
    {
        var opening = _opened ? 0 : _services.Products.GetValueOrDefault(product, ProductLimits.Unlimited).OpeningBalance;
        var available = (_opened ? _balance : opening) - _held;
        var (code, reason, extra) = command.Kind switch
        {
            TransactionKind.BalanceInquiry => (ResponseCodes.Approved, "on-us balance", BalanceField(available, command.Request.Currency)),
            TransactionKind.Refund => (ResponseCodes.Approved, "on-us refund", null),
            _ when amount <= 0 => (ResponseCodes.InvalidAmount, "amount must be positive", null),
            _ when amount > available => (ResponseCodes.InsufficientFunds, "insufficient available balance", null),
            _ => (ResponseCodes.Approved, "on-us", null),
        };
        var decision = Decision(command.TransactionKey, command.Kind, amount, code, "", reason, product);
        decision.OnUs = true;
        decision.OpeningBalance = opening;
        decision.AdditionalAmounts = extra ?? "";
        if (code == ResponseCodes.Approved)
            decision.ApprovalCode = ApprovalCode(command.TransactionKey);
        Decide(command, decision);
    }

    private void Complete(Authorize command, long amount)
    {
        var key = command.TransactionKey;
        if (command.OriginalKey is null || !_transactions.TryGetValue(command.OriginalKey, out var original)
            || original.Kind != TransactionKind.PreAuthorization || !_holds.TryGetValue(command.OriginalKey, out var hold))
        {
            Decide(command, Decision(key, TransactionKind.Completion, amount, ResponseCodes.OriginalNotFound, "", "no open pre-authorization to complete", original: command.OriginalKey));
            return;
        }
        if (amount <= 0 || amount > hold.Amount)
        {
            Decide(command, Decision(key, TransactionKind.Completion, amount, ResponseCodes.InvalidAmount, "", "completion above the pre-authorized amount", original: command.OriginalKey));
            return;
        }
        if (original.Channel.Length == 0)
        {
            var decision = Decision(key, TransactionKind.Completion, amount, ResponseCodes.Approved, "", "on-us completion", original: command.OriginalKey);
            decision.OnUs = true;
            decision.ApprovalCode = original.ApprovalCode ?? "";
            Decide(command, decision);
            return;
        }
        Start(command, amount, [original.Channel], 0, original.Product, original);
    }

    private void ReverseOriginal(Authorize command, long amount)
    {
        var key = command.TransactionKey;
        if (command.OriginalKey is null || !_transactions.TryGetValue(command.OriginalKey, out var original))
        {
            Decide(command, Decision(key, TransactionKind.Reversal, amount, ResponseCodes.OriginalNotFound, "", "original transaction not found", original: command.OriginalKey));
            return;
        }
        var reason = !original.Decided ? "original in flight: reversed when the bank answers"
            : original.ResponseCode != ResponseCodes.Approved || original.Reversed ? "nothing to reverse"
            : "reversed";
        Decide(command, Decision(key, TransactionKind.Reversal, amount, ResponseCodes.Approved, original.Channel, reason, original: command.OriginalKey));
    }

    /// <summary>Journals that the transaction goes to <paramref name="channels"/>[<paramref name="index"/>], then sends it.</summary>
    private void Start(Authorize command, long amount, IReadOnlyList<string> channels, int index, string product, Txn? original)
    {
        var key = command.TransactionKey;
        var entry = _services.Channels[channels[index]];
        IsoMessage bankRequest;
        try
        {
            bankRequest = entry.ToBankRequest(command.Request);
            if (original?.BankStan is { } originalStan && bankRequest.OriginalDataElements is { Length: >= 10 } ode)
                bankRequest.OriginalDataElements = string.Concat(ode.AsSpan(0, 4), originalStan, ode.AsSpan(10));
        }
        catch (IsoFormatException error)
        {
            Sender.Tell(new AuthorizationResult(key, ResponseCodes.FormatError, null, null, $"cannot be sent to {entry.Options.Name}: {error.Message}"));
            return;
        }
        var started = new TransactionStarted
        {
            Key = key, Kind = (int)command.Kind, Amount = amount, Channel = entry.Options.Name,
            SealedAdvice = ByteString.CopyFrom(_services.Protector.Seal(bankRequest.CreateReversal(advice: true).Encode())),
            AtUnixMs = Now.ToUnixTimeMilliseconds(), MaskedPan = _maskedPan ?? "", Rrn = command.Request.Rrn ?? "",
            OriginalKey = command.OriginalKey ?? "", BankStan = bankRequest.Stan ?? "",
        };
        if (!_pending.TryGetValue(key, out var pending))
        {
            _pending[key] = pending = new Pending(command, channels, product);
            pending.Waiters.Add(Sender); // the acquirer's request; a failover keeps the same waiters
        }
        pending.Index = index;
        Persist(started, e =>
        {
            Apply(e);
            entry.Actor.Tell(new BankRequest(key, bankRequest), Self);
        });
    }

    /// <summary>
    /// The acquirer's answer is due. Decided: the decision. At a bank: RC 91 now, journaled, and the bank gets the
    /// reversal advice (a late approval is undone; the bank's answer, when it comes, finds nothing pending). Never
    /// seen (the request was lost on its way): RC 91, journaled, nothing sent anywhere. A decision being persisted
    /// cannot be caught half-way: commands wait while a persist is in flight, so this runs after it.
    /// </summary>
    private void AnswerNow(Authorize command)
    {
        var key = command.TransactionKey;
        if (_transactions.TryGetValue(key, out var known) && known.Decided)
        {
            Sender.Tell(known.Result(key));
            return;
        }
        if (_pending.TryGetValue(key, out var pending))
        {
            pending.Waiters.Add(Sender);
            var txn = _transactions.GetValueOrDefault(key);
            DecidePending(pending, Decision(key, command.Kind, command.Request.Amount ?? 0, ResponseCodes.IssuerUnavailable, txn?.Channel ?? "",
                "no decision in time; reversed", pending.Product, command.OriginalKey), reverseAtBank: txn is not null);
            return;
        }
        Decide(command, Decision(key, command.Kind, command.Request.Amount ?? 0, ResponseCodes.IssuerUnavailable, "", "no decision in time",
            original: command.OriginalKey));
    }

    private void OnBankAnswer(BankAnswer answer)
    {
        if (!_pending.TryGetValue(answer.TransactionKey, out var pending))
            return;
        var command = pending.Command;
        var amount = command.Request.Amount ?? 0;
        if (answer.Outcome == BankOutcome.NotSent)
        {
            if (pending.Index + 1 < pending.Channels.Count)
            {
                _log.LogInformation("{Account}: {Channel} refused {Key} ({Reason}); failing over", _accountKey, answer.Channel, answer.TransactionKey, answer.Reason);
                Start(command, amount, pending.Channels, pending.Index + 1, pending.Product, command.OriginalKey is { } o ? _transactions.GetValueOrDefault(o) : null);
                return;
            }
            DecidePending(pending, Decision(answer.TransactionKey, command.Kind, amount, ResponseCodes.IssuerUnavailable, answer.Channel,
                "no channel could take it: " + answer.Reason, pending.Product, command.OriginalKey));
            return;
        }
        if (Now >= command.DecideBy)
        {
            // Too late: the acquirer is being told 91, so 91 is booked and the bank's answer undone.
            DecidePending(pending, Decision(answer.TransactionKey, command.Kind, amount, ResponseCodes.IssuerUnavailable, answer.Channel,
                "bank answered after the authorization timeout; reversed", pending.Product, command.OriginalKey),
                reverseAtBank: answer.ResponseCode == ResponseCodes.Approved);
            return;
        }
        var decision = Decision(answer.TransactionKey, command.Kind, amount, answer.ResponseCode, answer.Channel, answer.Reason, pending.Product, command.OriginalKey);
        if (answer.Response is { } response)
        {
            decision.ApprovalCode = response.ApprovalCode ?? "";
            decision.AdditionalAmounts = response.GetString(54) ?? "";
        }
        DecidePending(pending, decision);
    }

    private void Decide(Authorize command, TransactionDecided decision)
    {
        var pending = new Pending(command, [], decision.Product);
        pending.Waiters.Add(Sender);
        _pending[command.TransactionKey] = pending;
        DecidePending(pending, decision);
    }

    private void DecidePending(Pending pending, TransactionDecided decision, bool reverseAtBank = false)
    {
        decision.Rrn = pending.Command.Request.Rrn ?? ""; // on-us decisions have no start event: the RRN finds them (txn find)
        Persist(decision, e =>
        {
            var original = e.OriginalKey.Length > 0 ? _transactions.GetValueOrDefault(e.OriginalKey) : null;
            var wasReversed = original?.Reversed ?? false;
            Apply(e);
            _pending.Remove(e.Key);
            var result = _transactions[e.Key].Result(e.Key);
            foreach (var waiter in pending.Waiters)
                waiter.Tell(result);
            var self = _transactions[e.Key];
            // An approval owed a reversal (the acquirer reversed it while it was in flight): send the advice now.
            if (self.Reversed && e.ResponseCode == ResponseCodes.Approved && self.SealedAdvice is not null && e.Kind != (int)TransactionKind.Reversal)
                Reverse(self, e.Key, "reversed by the acquirer while in flight");
            if (reverseAtBank)
                Reverse(self, e.Key, "no decision in time");
            // An acquirer reversal of an approved bank transaction: the bank gets the advice.
            if (e.Kind == (int)TransactionKind.Reversal && original is { Decided: true, ResponseCode: ResponseCodes.Approved } && !wasReversed)
                Reverse(original, e.OriginalKey, "acquirer reversal");
            MaybeSnapshot();
            StopIfDrained();
        });
    }

    private void StopIfDrained()
    {
        if (_draining && _pending.Count == 0)
            Context.Stop(Self);
    }

    private void Reverse(Txn txn, string key, string reason)
    {
        if (txn.SealedAdvice is null || !_services.Channels.TryGetValue(txn.Channel, out var channel))
            return;
        channel.Actor.Tell(new ReverseTransaction(key, txn.SealedAdvice, reason));
    }

    // ---- snapshots -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Called in the handler of a decision (the last event of its write, so every event up to
    /// <see cref="PersistentActor.LastSequenceNumber"/> is applied): saves a snapshot once SnapshotEvery events followed
    /// the last one, unless a transaction is undecided (then at a later decision).
    /// </summary>
    private void MaybeSnapshot()
    {
        if (_services.SnapshotEvery <= 0 || _noSnapshotStore || LastSequenceNumber - _snapshotAt < _services.SnapshotEvery || _pending.Count > 0)
            return;
        foreach (var txn in _transactions.Values)
            if (!txn.Decided)
                return;
        try
        {
            SaveSnapshot(ToSnapshot()); // serialized now: later changes are not part of it
            _snapshotAt = LastSequenceNumber;
        }
        catch (InvalidOperationException error)
        {
            _noSnapshotStore = true;
            _log.LogWarning("{Account}: no snapshots ({Error})", _accountKey, error.Message);
        }
    }

    private AccountSnapshot ToSnapshot()
    {
        var snapshot = new AccountSnapshot
        {
            OnUs = _onUs, Opened = _opened, Balance = _balance, Held = _held,
            Day = _day, DayAmount = _dayAmount, DayCount = _dayCount, Month = _month, MonthAmount = _monthAmount, MonthCount = _monthCount,
        };
        if (_maskedPan is not null)
            snapshot.MaskedPan = _maskedPan;
        foreach (var (key, hold) in _holds)
            snapshot.Holds.Add(new AccountSnapshot.Types.Hold { Key = key, Amount = hold.Amount, ExpiresUnixMs = hold.Expires.ToUnixTimeMilliseconds() });
        foreach (var (key, txn) in _transactions)
        {
            var t = new AccountSnapshot.Types.Transaction
            {
                Key = key, Kind = (int)txn.Kind, Amount = txn.Amount, Channel = txn.Channel, Product = txn.Product,
                Decided = txn.Decided, Reversed = txn.Reversed, Reason = txn.Reason, DecidedAtUnixMs = txn.DecidedAt.ToUnixTimeMilliseconds(),
            };
            if (txn.ResponseCode is not null) t.ResponseCode = txn.ResponseCode;
            if (txn.ApprovalCode is not null) t.ApprovalCode = txn.ApprovalCode;
            if (txn.AdditionalAmounts is not null) t.AdditionalAmounts = txn.AdditionalAmounts;
            if (txn.SealedAdvice is not null) t.SealedAdvice = ByteString.CopyFrom(txn.SealedAdvice);
            if (txn.BankStan is not null) t.BankStan = txn.BankStan;
            if (txn.OriginalKey is not null) t.OriginalKey = txn.OriginalKey;
            snapshot.Transactions.Add(t);
        }
        return snapshot;
    }

    private void Restore(AccountSnapshot s)
    {
        _maskedPan = s.HasMaskedPan ? s.MaskedPan : null;
        (_onUs, _opened, _balance, _held) = (s.OnUs, s.Opened, s.Balance, s.Held);
        (_day, _dayAmount, _dayCount, _month, _monthAmount, _monthCount) = (s.Day, s.DayAmount, s.DayCount, s.Month, s.MonthAmount, s.MonthCount);
        _holds.Clear();
        foreach (var hold in s.Holds)
            _holds[hold.Key] = new Hold(hold.Amount, DateTimeOffset.FromUnixTimeMilliseconds(hold.ExpiresUnixMs));
        _transactions.Clear();
        foreach (var t in s.Transactions)
            _transactions[t.Key] = new Txn((TransactionKind)t.Kind, t.Amount, t.Channel, t.Product)
            {
                Decided = t.Decided, Reversed = t.Reversed, Reason = t.Reason, DecidedAt = DateTimeOffset.FromUnixTimeMilliseconds(t.DecidedAtUnixMs),
                ResponseCode = t.HasResponseCode ? t.ResponseCode : null,
                ApprovalCode = t.HasApprovalCode ? t.ApprovalCode : null,
                AdditionalAmounts = t.HasAdditionalAmounts ? t.AdditionalAmounts : null,
                SealedAdvice = t.HasSealedAdvice ? t.SealedAdvice.ToByteArray() : null,
                BankStan = t.HasBankStan ? t.BankStan : null,
                OriginalKey = t.HasOriginalKey ? t.OriginalKey : null,
            };
    }

    // ---- state -------------------------------------------------------------------------------------------------

    private void Apply(object @event)
    {
        switch (@event)
        {
            case TransactionStarted started:
                _maskedPan ??= started.MaskedPan;
                _transactions[started.Key] = new Txn((TransactionKind)started.Kind, started.Amount, started.Channel, "")
                {
                    SealedAdvice = started.SealedAdvice.ToByteArray(),
                    BankStan = started.BankStan,
                    OriginalKey = started.OriginalKey,
                };
                break;
            case TransactionDecided decided:
                ApplyDecided(decided);
                break;
            case HoldExpired expired:
                if (_holds.Remove(expired.Key, out var hold))
                    _held -= hold.Amount;
                break;
        }
    }

    private void ApplyDecided(TransactionDecided e)
    {
        _maskedPan ??= e.MaskedPan.Length > 0 ? e.MaskedPan : null;
        if (e.OnUs)
        {
            if (!_opened)
                _balance = e.OpeningBalance;
            _onUs = _opened = true;
        }
        var kind = (TransactionKind)e.Kind;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(e.AtUnixMs);
        var txn = _transactions.GetValueOrDefault(e.Key) ?? new Txn(kind, e.Amount, e.Channel, e.Product);
        txn.Product = e.Product;
        txn.ResponseCode = e.ResponseCode;
        txn.ApprovalCode = e.ApprovalCode.Length > 0 ? e.ApprovalCode : null;
        txn.AdditionalAmounts = e.AdditionalAmounts.Length > 0 ? e.AdditionalAmounts : null;
        txn.Reason = e.Reason;
        txn.DecidedAt = at;
        txn.Decided = true;
        if (e.ResponseCode == ResponseCodes.IssuerUnavailable || e.ResponseCode == ResponseCodes.ResponseTooLate)
            txn.Reversed = txn.SealedAdvice is not null; // the channel (or recovery) queued its reversal
        _transactions[e.Key] = txn;
        if (e.ResponseCode != ResponseCodes.Approved || (txn.Reversed && kind != TransactionKind.Reversal))
            return; // declined, or reversed by the acquirer while in flight: nothing to post
        switch (kind)
        {
            case TransactionKind.Purchase:
                Count(at, e.Amount, +1);
                if (e.OnUs) _balance -= e.Amount;
                break;
            case TransactionKind.PreAuthorization:
                Count(at, e.Amount, +1);
                _holds[e.Key] = new Hold(e.Amount, at + _services.HoldExpiry);
                _held += e.Amount;
                break;
            case TransactionKind.Refund:
                if (e.OnUs) _balance += e.Amount;
                break;
            case TransactionKind.Completion:
                if (_holds.Remove(e.OriginalKey, out var hold))
                    _held -= hold.Amount;
                if (e.OnUs) _balance -= e.Amount;
                break;
            case TransactionKind.Reversal:
                if (_transactions.TryGetValue(e.OriginalKey, out var original))
                    Undo(original, e.OriginalKey);
                break;
        }
    }

    /// <summary>Takes back what an approved transaction did; marks it reversed (an in-flight one is reversed when decided).</summary>
    private void Undo(Txn original, string key)
    {
        if (original.Reversed)
            return;
        original.Reversed = true;
        if (!original.Decided || original.ResponseCode != ResponseCodes.Approved)
            return;
        var onUs = original.Channel.Length == 0;
        switch (original.Kind)
        {
            case TransactionKind.Purchase:
                Count(original.DecidedAt, original.Amount, -1);
                if (onUs) _balance += original.Amount;
                break;
            case TransactionKind.PreAuthorization:
                Count(original.DecidedAt, original.Amount, -1);
                if (_holds.Remove(key, out var hold))
                    _held -= hold.Amount;
                break;
            case TransactionKind.Refund:
                if (onUs) _balance -= original.Amount;
                break;
            case TransactionKind.Completion:
                if (onUs) _balance += original.Amount;
                break;
        }
    }

    private void Count(DateTimeOffset at, long amount, int sign)
    {
        var day = at.Year * 10000 + at.Month * 100 + at.Day;
        var month = at.Year * 100 + at.Month;
        if (day == _day)
        {
            _dayAmount += sign * amount;
            _dayCount += sign;
        }
        else if (sign > 0 && day > _day)
        {
            (_day, _dayAmount, _dayCount) = (day, amount, 1);
        }
        if (month == _month)
        {
            _monthAmount += sign * amount;
            _monthCount += sign;
        }
        else if (sign > 0 && month > _month)
        {
            (_month, _monthAmount, _monthCount) = (month, amount, 1);
        }
    }

    private (string Code, string Reason)? LimitExceeded(string product, long amount)
    {
        var limits = _services.Products.GetValueOrDefault(product, ProductLimits.Unlimited);
        var now = Now;
        var day = now.Year * 10000 + now.Month * 100 + now.Day;
        var month = now.Year * 100 + now.Month;
        var (dayAmount, dayCount) = day == _day ? (_dayAmount, _dayCount) : (0L, 0);
        var (monthAmount, monthCount) = month == _month ? (_monthAmount, _monthCount) : (0L, 0);
        if (limits.SingleAmount > 0 && amount > limits.SingleAmount)
            return (ResponseCodes.ExceedsAmountLimit, "over the single amount limit");
        if (limits.DailyAmount > 0 && dayAmount + amount > limits.DailyAmount)
            return (ResponseCodes.ExceedsAmountLimit, "over the daily amount limit");
        if (limits.MonthlyAmount > 0 && monthAmount + amount > limits.MonthlyAmount)
            return (ResponseCodes.ExceedsAmountLimit, "over the monthly amount limit");
        if (limits.DailyCount > 0 && dayCount + 1 > limits.DailyCount)
            return (ResponseCodes.ExceedsFrequencyLimit, "over the daily count limit");
        if (limits.MonthlyCount > 0 && monthCount + 1 > limits.MonthlyCount)
            return (ResponseCodes.ExceedsFrequencyLimit, "over the monthly count limit");
        return null;
    }

    private void ExpireHolds()
    {
        if (_holds.Count == 0)
            return;
        var now = Now;
        foreach (var (key, hold) in _holds)
            if (hold.Expires <= now && !_pending.ContainsKey(key))
            {
                // Released at once, so the command that noticed it decides on the released funds; the event commits
                // in the same atomic write as that decision, and a replay applies both in the same order.
                Apply(new HoldExpired { Key = key });
                Persist(new HoldExpired { Key = key }, static _ => { });
            }
    }

    private void Prune()
    {
        var cutoff = Now - _services.KeyRetention;
        foreach (var (key, txn) in _transactions)
            if (txn.Decided && txn.DecidedAt < cutoff && !_holds.ContainsKey(key))
                _transactions.Remove(key);
        // A busy account keeps more keys than the threshold within the retention: scan again only once it has doubled,
        // so that pruning stays amortized O(1) per transaction instead of a scan per transaction.
        _pruneAt = Math.Max(PruneThreshold, _transactions.Count * 2);
    }

    private TransactionDecided Decision(string key, TransactionKind kind, long amount, string code, string channel, string reason,
        string product = "", string? original = null) => new()
    {
        Key = key, Kind = (int)kind, Amount = amount, ResponseCode = code, Channel = channel, Reason = reason,
        AtUnixMs = Now.ToUnixTimeMilliseconds(), MaskedPan = _maskedPan ?? "", Product = product, OriginalKey = original ?? "",
    };

    private static string ApprovalCode(string key) =>
        ((uint)StringComparer.Ordinal.GetHashCode(key) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>DE 54: account type 00, amount type 02 (available), currency, C/D, 12 digits.</summary>
    private static string BalanceField(long available, string? currency) =>
        $"0002{currency ?? "000"}{(available < 0 ? 'D' : 'C')}{Math.Abs(available):D12}";

    private sealed class Txn(TransactionKind kind, long amount, string channel, string product)
    {
        public TransactionKind Kind { get; } = kind;
        public long Amount { get; } = amount;
        public string Channel { get; } = channel;
        public string Product { get; set; } = product;
        public bool Decided { get; set; }
        public bool Reversed { get; set; }
        public string? ResponseCode { get; set; }
        public string? ApprovalCode { get; set; }
        public string? AdditionalAmounts { get; set; }
        public string Reason { get; set; } = "";
        public DateTimeOffset DecidedAt { get; set; }
        public byte[]? SealedAdvice { get; set; }
        public string? BankStan { get; set; }
        public string? OriginalKey { get; set; }

        public AuthorizationResult Result(string key) => new(key, ResponseCode!, ApprovalCode, AdditionalAmounts, Reason);
    }

    private sealed record Hold(long Amount, DateTimeOffset Expires);

    private sealed class Pending(Authorize command, IReadOnlyList<string> channels, string product)
    {
        public Authorize Command { get; } = command;
        public IReadOnlyList<string> Channels { get; } = channels;
        public string Product { get; } = product;
        public int Index { get; set; }
        public List<ActorRef> Waiters { get; } = [];
    }
}
