namespace Switch.LoadTest.Report;

/// <summary>One horizontal band of a state chart, e.g. a channel's circuit breaker over the run.</summary>
/// <param name="Label">The band's name, shown on its left.</param>
/// <param name="States">The state during each second, in order; a second that is absent shows as no state.</param>
internal sealed record StateBand(string Label, IReadOnlyList<(int Second, string State)> States);
