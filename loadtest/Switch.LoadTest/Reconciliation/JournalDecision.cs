using Switch.Actors.Transactions;

namespace Switch.LoadTest.Reconciliation;

/// <summary>A decision the switch journaled (a <c>TransactionDecided</c> event), as reconciliation needs it.</summary>
internal sealed record JournalDecision(string Key, TransactionKind Kind, string ResponseCode, string OriginalKey);

/// <summary>What the acquirer side sent and got back, by transaction key.</summary>
internal sealed record AcquirerRecord(string Key, TransactionKind Kind, string? ResponseCode);
