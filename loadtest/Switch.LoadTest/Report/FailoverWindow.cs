namespace Switch.LoadTest.Report;

/// <summary>
/// The longest time any card's requests kept failing after a node was taken away abruptly (node-kill, dc-kill,
/// node-partition): from its first failure to its next approval or decline.
/// </summary>
/// <param name="Seconds">The window, in seconds (0 when no request failed).</param>
/// <param name="FromSeconds">When it began, in seconds from the run's start.</param>
/// <param name="Event">The timeline step it followed, e.g. "node-kill node-2 at 15 s".</param>
/// <param name="Card">The card it was measured on, masked (first 6, last 4); "" when no request failed.</param>
internal sealed record FailoverWindow(double Seconds, double FromSeconds, string Event, string Card);
