namespace Switch.LoadTest.Report;

/// <summary>One bank channel during one second of the run.</summary>
/// <param name="Requests">Requests routed to the channel in that second.</param>
/// <param name="Approved">Of those, the approved ones (RC 00).</param>
/// <param name="P99Ms">99th percentile round-trip time of the second's answers, in milliseconds (0 when none).</param>
/// <param name="BreakerState">
/// The channel's circuit breaker at the end of the second: "closed", "open", "half-open", "isolated", "down" or
/// "unknown".
/// </param>
internal sealed record ChannelSecond(long Requests, long Approved, double P99Ms, string BreakerState);
