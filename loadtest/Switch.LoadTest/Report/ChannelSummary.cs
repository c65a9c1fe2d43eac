namespace Switch.LoadTest.Report;

/// <summary>One bank channel over the whole run.</summary>
/// <param name="Requests">Requests the switch routed to the channel.</param>
/// <param name="Approved">Of those, the approved ones (RC 00).</param>
/// <param name="SuccessRate">Answered requests as a fraction of <paramref name="Requests"/> (0..1).</param>
/// <param name="P99Ms">99th percentile round-trip time through the channel, in milliseconds.</param>
/// <param name="BreakerTrips">How many times the channel's circuit breaker opened.</param>
internal sealed record ChannelSummary(long Requests, long Approved, double SuccessRate, double P99Ms, long BreakerTrips);
