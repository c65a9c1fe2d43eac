using Switch.Actors.Channels;
using Switch.Actors.Transactions;

namespace Switch.Actors.Remoting;

/// <summary>
/// The enums and instants of the messages between nodes, in their wire form and back. Enums map member by member
/// (never by casting), so that reordering or inserting a CLR member cannot change what a number means on the wire;
/// a number this node does not know is an error, never a default.
/// </summary>
internal static class WireValues
{
    public static Wire.TransactionKind ToWire(TransactionKind kind) => kind switch
    {
        TransactionKind.Purchase => Wire.TransactionKind.Purchase,
        TransactionKind.PreAuthorization => Wire.TransactionKind.PreAuthorization,
        TransactionKind.Completion => Wire.TransactionKind.Completion,
        TransactionKind.Refund => Wire.TransactionKind.Refund,
        TransactionKind.BalanceInquiry => Wire.TransactionKind.BalanceInquiry,
        TransactionKind.Reversal => Wire.TransactionKind.Reversal,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a transaction kind"),
    };

    public static TransactionKind FromWire(Wire.TransactionKind kind) => kind switch
    {
        Wire.TransactionKind.Purchase => TransactionKind.Purchase,
        Wire.TransactionKind.PreAuthorization => TransactionKind.PreAuthorization,
        Wire.TransactionKind.Completion => TransactionKind.Completion,
        Wire.TransactionKind.Refund => TransactionKind.Refund,
        Wire.TransactionKind.BalanceInquiry => TransactionKind.BalanceInquiry,
        Wire.TransactionKind.Reversal => TransactionKind.Reversal,
        _ => throw new InvalidDataException($"transaction kind {(int)kind} is unknown"),
    };

    public static Wire.BankOutcome ToWire(BankOutcome outcome) => outcome switch
    {
        BankOutcome.Answered => Wire.BankOutcome.Answered,
        BankOutcome.NotSent => Wire.BankOutcome.NotSent,
        BankOutcome.Unanswered => Wire.BankOutcome.Unanswered,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "not a bank outcome"),
    };

    public static BankOutcome FromWire(Wire.BankOutcome outcome) => outcome switch
    {
        Wire.BankOutcome.Answered => BankOutcome.Answered,
        Wire.BankOutcome.NotSent => BankOutcome.NotSent,
        Wire.BankOutcome.Unanswered => BankOutcome.Unanswered,
        _ => throw new InvalidDataException($"bank outcome {(int)outcome} is unknown"),
    };

    public static Wire.BreakerState ToWire(BreakerState state) => state switch
    {
        BreakerState.Closed => Wire.BreakerState.Closed,
        BreakerState.Open => Wire.BreakerState.Open,
        BreakerState.HalfOpen => Wire.BreakerState.HalfOpen,
        BreakerState.Isolated => Wire.BreakerState.Isolated,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a breaker state"),
    };

    public static BreakerState FromWire(Wire.BreakerState state) => state switch
    {
        Wire.BreakerState.Closed => BreakerState.Closed,
        Wire.BreakerState.Open => BreakerState.Open,
        Wire.BreakerState.HalfOpen => BreakerState.HalfOpen,
        Wire.BreakerState.Isolated => BreakerState.Isolated,
        _ => throw new InvalidDataException($"breaker state {(int)state} is unknown"),
    };

    public static Wire.Instant ToWire(DateTimeOffset instant) =>
        new() { UtcTicks = instant.UtcTicks, OffsetMinutes = (int)instant.Offset.TotalMinutes };

    /// <exception cref="InvalidDataException">It is missing or out of range.</exception>
    public static DateTimeOffset FromWire(Wire.Instant? instant, string field)
    {
        if (instant is null)
            throw new InvalidDataException($"{field} is missing");
        try
        {
            var offset = TimeSpan.FromMinutes(instant.OffsetMinutes);
            return new DateTimeOffset(instant.UtcTicks, TimeSpan.Zero).ToOffset(offset);
        }
        catch (ArgumentOutOfRangeException error)
        {
            throw new InvalidDataException($"{field} is out of range ({instant.UtcTicks} ticks, offset {instant.OffsetMinutes} min)", error);
        }
    }
}
