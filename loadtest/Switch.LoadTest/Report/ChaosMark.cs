namespace Switch.LoadTest.Report;

/// <summary>A fault the rehearsal injected, drawn on every chart at the moment it happened.</summary>
/// <param name="AtSeconds">When, in seconds from the start of the run.</param>
/// <param name="Kind">Short label, e.g. "bank-down", "switch-kill", "breaker-isolate", "db-pause".</param>
/// <param name="Description">What was done, for the event list.</param>
internal sealed record ChaosMark(double AtSeconds, string Kind, string Description);
