namespace Switch.LoadTest.Report;

/// <summary>One discrepancy found by reconciling what the acquirers sent against what the switch and the banks recorded.</summary>
/// <param name="Kind">"lost", "duplicated", "phantom" or "unanswered".</param>
/// <param name="TransactionKey">acquirer|terminal|stan|transmission-time; never a card number.</param>
/// <param name="Detail">What reconciliation saw, for the person investigating.</param>
internal sealed record ReconciliationFinding(string Kind, string TransactionKey, string Detail);
