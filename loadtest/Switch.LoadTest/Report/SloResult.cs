namespace Switch.LoadTest.Report;

/// <summary>One service-level objective checked against the run.</summary>
/// <param name="Name">The objective, e.g. "min_tps", "max_p99_ms", "lost", "duplicated", "phantom", "unanswered".</param>
/// <param name="Limit">The limit as configured, e.g. "&gt;= 2000" or "0".</param>
/// <param name="Actual">The measured value, formatted for display.</param>
/// <param name="Passed">Whether the run met the objective.</param>
internal sealed record SloResult(string Name, string Limit, string Actual, bool Passed);
