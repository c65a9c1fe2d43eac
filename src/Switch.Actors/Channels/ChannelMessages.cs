using Switch.Protocol.Iso8583;

namespace Switch.Actors.Channels;

/// <summary>Send <paramref name="Request"/> (already in the bank's dialect, see <see cref="ChannelEntry.ToBankRequest"/>) to the bank; the sender gets a <see cref="BankAnswer"/>.</summary>
public sealed record BankRequest(string TransactionKey, IsoMessage Request);

/// <summary>What became of a <see cref="BankRequest"/>.</summary>
public enum BankOutcome
{
    /// <summary>The bank answered: see <see cref="BankAnswer.Response"/>.</summary>
    Answered,
    /// <summary>Not sent (breaker open, isolated, no signed-on connection): the caller may fail over at once.</summary>
    NotSent,
    /// <summary>Sent but not answered in time, or the connection dropped: the channel queued a reversal advice.</summary>
    Unanswered,
}

/// <summary>The answer to a <see cref="BankRequest"/>.</summary>
public sealed record BankAnswer(string TransactionKey, string Channel, BankOutcome Outcome, IsoMessage? Response, string ResponseCode, string Reason);

/// <summary>Queue the reversal advice of a transaction the bank may have approved (the sealed 0420 its account journaled).</summary>
public sealed record ReverseTransaction(string TransactionKey, byte[] SealedAdvice, string Reason);

/// <summary>Operator: open the breaker until <see cref="CloseBreaker"/>.</summary>
public sealed record IsolateChannel(string Operator);

/// <summary>Operator: close the breaker (also ends an isolation).</summary>
public sealed record CloseBreaker(string Operator);

/// <summary>Asks for the store-and-forward queue; the answer is a list of <see cref="SafEntryInfo"/>.</summary>
public sealed class ListSaf
{
    /// <summary>The instance.</summary>
    public static ListSaf Instance { get; } = new();
    private ListSaf() { }
}

/// <summary>Operator: send every queued advice now instead of at its next retry time. Answered with the count.</summary>
public sealed class RetrySaf
{
    /// <summary>The instance.</summary>
    public static RetrySaf Instance { get; } = new();
    private RetrySaf() { }
}

/// <summary>One queued reversal advice, for operators (no card data).</summary>
public sealed record SafEntryInfo(string Channel, string TransactionKey, DateTimeOffset Queued, int Attempts, string Reason);

/// <summary>
/// Adopts node <paramref name="NodeId"/>'s store-and-forward queue of this channel while that node is down: its
/// advices go out through this channel's connections, its journal writes under <paramref name="Fence"/>. Answered
/// with <see cref="SafAdoption"/>.
/// </summary>
public sealed record AdoptSaf(string NodeId, Switch.Runtime.Persistence.WriteFence Fence);

/// <summary>Hands node <paramref name="NodeId"/>'s queue back (it stops here); answered with <see cref="SafAdoption"/> once it stopped.</summary>
public sealed record ReleaseSaf(string NodeId);

/// <summary>Whether the channel now serves node <paramref name="NodeId"/>'s queue.</summary>
public sealed record SafAdoption(string Channel, string NodeId, bool Adopted);
