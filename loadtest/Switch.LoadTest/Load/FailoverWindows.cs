using System.Globalization;
using Switch.LoadTest.Report;
using Switch.LoadTest.Scenarios;

namespace Switch.LoadTest.Load;

/// <summary>
/// Measures the failover window from what the acquirer side saw. For every card, a run of failures (RC 91 or 96, no
/// answer in time, the connection lost) lasts from the send of its first failed request (a request the switch held
/// before failing it was not served meanwhile; not before the step that caused it) to the card's next approval or
/// decline. When that approval was sent only after the run's last failure came back, the card sat unused in between
/// (a rarely used card may wait many seconds for its next request), which says nothing of the switch: the run then
/// ends at its last failure. A run counts when the last cluster step before its first failure took nodes away
/// abruptly (<see cref="TimelineAction.Abrupt"/>); a run after a graceful step (a stop, a rolling restart, a
/// data-centre move) is that step's, not the kill's before it.
/// </summary>
internal static class FailoverWindows
{
    /// <summary>The longest run over every card; null when the timeline takes no node away abruptly.</summary>
    /// <param name="cardName">The card of a popularity rank, masked, for the report.</param>
    public static FailoverWindow? Longest(IEnumerable<CardAttempt> attempts, IReadOnlyList<TimelineAction> timeline, Func<int, string> cardName)
    {
        var steps = timeline.Where(a => TimelineAction.OnCluster.Contains(a.Action)).OrderBy(a => a.At).ToList();
        var abrupt = steps.FirstOrDefault(a => TimelineAction.Abrupt.Contains(a.Action));
        if (abrupt is null)
            return null;
        var longest = new FailoverWindow(0, abrupt.At.TotalSeconds, Describe(abrupt), "");
        foreach (var card in attempts.GroupBy(a => a.Card))
        {
            double? firstSeen = null, lastSeen = null, firstSent = null;
            foreach (var attempt in card.OrderBy(a => a.AtSeconds))
            {
                if (!attempt.Served)
                {
                    firstSeen ??= attempt.AtSeconds;
                    lastSeen = attempt.AtSeconds;
                    firstSent = Math.Min(firstSent ?? attempt.SentAtSeconds, attempt.SentAtSeconds);
                }
                else if (firstSeen is { } seen)
                {
                    Consider(card.Key, seen, firstSent!.Value, attempt.SentAtSeconds <= lastSeen ? attempt.AtSeconds : lastSeen!.Value);
                    firstSeen = null;
                    firstSent = null;
                }
            }
            if (firstSeen is { } unserved)
                Consider(card.Key, unserved, firstSent!.Value, lastSeen!.Value);
        }
        return longest;

        void Consider(int card, double firstSeen, double firstSent, double end)
        {
            var step = steps.LastOrDefault(a => a.At.TotalSeconds <= firstSeen);
            if (step is null || !TimelineAction.Abrupt.Contains(step.Action))
                return;
            var from = Math.Max(firstSent, step.At.TotalSeconds);
            if (end - from > longest.Seconds)
                longest = new FailoverWindow(end - from, from, Describe(step), cardName(card));
        }
    }

    private static string Describe(TimelineAction step) =>
        string.Create(CultureInfo.InvariantCulture, $"{step} at {step.At.TotalSeconds:0.#} s");
}
