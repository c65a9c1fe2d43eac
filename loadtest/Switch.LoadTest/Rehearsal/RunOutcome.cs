using Switch.LoadTest.Load;
using Switch.LoadTest.Report;

namespace Switch.LoadTest.Rehearsal;

/// <summary>What driving the switch produced, before reconciliation: the acquirer side's view and the timeline's marks.</summary>
/// <param name="FailoverWindow">Null when the timeline takes no node away abruptly.</param>
internal sealed record RunOutcome(RunRecorder Recorder, RateSchedule Schedule, IReadOnlyCollection<LedgerEntry> Ledger,
    IReadOnlyList<ChaosMark> Marks, DateTimeOffset Started, double CapacityTps, FailoverWindow? FailoverWindow);
