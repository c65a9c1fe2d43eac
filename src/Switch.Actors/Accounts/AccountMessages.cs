using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Sharding;

namespace Switch.Actors.Accounts;

/// <summary>
/// An acquirer's request for the account actor of <see cref="AccountKey"/>; answered with an
/// <see cref="AuthorizationResult"/> once the decision is journaled.
/// </summary>
/// <param name="AccountKey">The keyed hash of the PAN (the entity id).</param>
/// <param name="TransactionKey">Acquirer id | DE 41 | DE 11 | DE 7.</param>
/// <param name="OriginalKey">Reversals and completions: the key of the transaction they refer to.</param>
/// <param name="Kind">What is asked.</param>
/// <param name="Request">The acquirer's message (in memory only: it holds the PAN).</param>
/// <param name="DecideBy">
/// When the switch stops waiting and asks the account to answer now (<see cref="AnswerNow"/>). A request the account
/// only gets to after that, or a bank answer that comes after it, is decided 91 (and reversed at the bank): the
/// acquirer may already have been told 91, and must never hear one thing while the journal holds another.
/// </param>
public sealed record Authorize(string AccountKey, string TransactionKey, string? OriginalKey, TransactionKind Kind, IsoMessage Request, DateTimeOffset DecideBy);

/// <summary>The decision for an <see cref="Authorize"/>: the response code, approval code and DE 54 to give the acquirer.</summary>
public sealed record AuthorizationResult(string TransactionKey, string ResponseCode, string? ApprovalCode, string? AdditionalAmounts, string Reason);

/// <summary>Operator: the account's state (no card data); answered with an <see cref="AccountView"/>.</summary>
public sealed record ShowAccount(string AccountKey);

/// <summary>
/// Starts the account (so its recovery reverses any transaction left undecided by a stop); sent at start-up to
/// the accounts the journal shows with such transactions. No answer.
/// </summary>
public sealed record WakeAccount(string AccountKey);

/// <summary>
/// The account's shard is moving to another node: the account stops as soon as no transaction of it is in flight
/// (each ends with the bank's answer or the bank request's timeout), so that the next owner recovers every decision
/// from the journal. Sent by its shard, never by the switch.
/// </summary>
public sealed class DrainAccount
{
    /// <summary>The single instance.</summary>
    public static DrainAccount Instance { get; } = new();

    private DrainAccount() { }
}

/// <summary>An account as operators see it.</summary>
public sealed record AccountView(
    string AccountKey, string? MaskedPan, bool OnUs, long Balance, long Held, long Available,
    long DayAmount, int DayCount, long MonthAmount, int MonthCount, int Holds, int Transactions, int InFlight);

/// <summary>
/// The acquirer's answer is due (no decision within the authorization timeout): the account answers with its
/// decision, deciding RC 91 now if it has none, so that the acquirer never hears anything but what is journaled.
/// </summary>
public sealed record AnswerNow(string AccountKey, Authorize Request);

/// <summary>Finds the account key of the account messages, for the account shard region.</summary>
public sealed class AccountMessageExtractor : IMessageExtractor
{
    /// <summary>The instance.</summary>
    public static AccountMessageExtractor Instance { get; } = new();

    private AccountMessageExtractor() { }

    /// <inheritdoc />
    public string? EntityId(object message) => message switch
    {
        Authorize a => a.AccountKey,
        ShowAccount s => s.AccountKey,
        WakeAccount w => w.AccountKey,
        AnswerNow n => n.AccountKey,
        _ => null,
    };

    /// <inheritdoc />
    public object EntityMessage(object message) => message;
}
