namespace Switch.LoadTest.Load;

/// <summary>
/// One send of a request for a card and how it ended, for the failover window: served (approved or declined) or failed
/// the way a node's loss shows (RC 91 or 96, no answer in time, the connection lost).
/// </summary>
/// <param name="Card">The card's popularity rank in the <see cref="CardPopulation"/>.</param>
/// <param name="SentAtSeconds">When this send started, in seconds from the run's start.</param>
/// <param name="AtSeconds">When its outcome was seen, in seconds from the run's start.</param>
internal readonly record struct CardAttempt(int Card, double SentAtSeconds, double AtSeconds, bool Served);
