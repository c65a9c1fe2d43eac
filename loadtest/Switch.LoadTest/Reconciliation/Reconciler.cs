using Switch.Actors.Transactions;
using Switch.LoadTest.Report;

namespace Switch.LoadTest.Reconciliation;

/// <summary>
/// Compares what the acquirer side saw with what the switch journaled, by transaction key:
/// <list type="bullet">
/// <item>lost: an approval the acquirer received that the journal does not hold;</item>
/// <item>duplicated: a key the journal decided more than once, or a repeat answered differently from the first send;</item>
/// <item>phantom: an approval journaled (for anything that moves money) that the acquirer never received, and that was
/// not reversed by an approved reversal;</item>
/// <item>unanswered: a request that got no answer at all.</item>
/// </list>
/// </summary>
internal static class Reconciler
{
    /// <summary>Findings kept as examples in the report (the counts are always complete).</summary>
    public const int MaxFindings = 200;

    public static ReconciliationResult Reconcile(IEnumerable<AcquirerRecord> acquirer, IEnumerable<JournalDecision> journal)
    {
        var findings = new List<ReconciliationFinding>();
        long lost = 0, duplicated = 0, phantom = 0, unanswered = 0;
        var decisions = new Dictionary<string, List<JournalDecision>>(StringComparer.Ordinal);
        var reversed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var decision in journal)
        {
            if (!decisions.TryGetValue(decision.Key, out var list))
                decisions[decision.Key] = list = new List<JournalDecision>(1);
            list.Add(decision);
            if (decision.Kind == TransactionKind.Reversal && IsApproval(decision.ResponseCode) && decision.OriginalKey.Length > 0)
                reversed.Add(decision.OriginalKey);
        }

        var seen = new Dictionary<string, string?>(StringComparer.Ordinal); // key -> first answer
        var approvedByAcquirer = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in acquirer)
        {
            if (record.ResponseCode is null)
            {
                unanswered++;
                Note("unanswered", record.Key, $"{record.Kind.Name()} got no answer after every repeat");
                continue;
            }
            if (seen.TryGetValue(record.Key, out var first) && first is not null && first != record.ResponseCode)
            {
                duplicated++;
                Note("duplicated", record.Key, $"{record.Kind.Name()} answered {first} and, to a repeat of the same key, {record.ResponseCode}");
            }
            seen.TryAdd(record.Key, record.ResponseCode);
            if (!IsApproval(record.ResponseCode) || !approvedByAcquirer.Add(record.Key))
                continue;
            if (!decisions.TryGetValue(record.Key, out var journaled) || !journaled.Any(d => IsApproval(d.ResponseCode)))
            {
                lost++;
                Note("lost", record.Key, journaled is null
                    ? $"{record.Kind.Name()} approved to the acquirer, not in the journal"
                    : $"{record.Kind.Name()} approved to the acquirer, journaled as {string.Join(", ", journaled.Select(d => d.ResponseCode))}");
            }
        }

        foreach (var (key, list) in decisions)
        {
            if (list.Count > 1)
            {
                duplicated++;
                Note("duplicated", key, $"decided {list.Count} times: {string.Join(", ", list.Select(d => $"{d.Kind.Name()} {d.ResponseCode}"))}");
            }
            var approval = list.FirstOrDefault(d => IsApproval(d.ResponseCode) && d.Kind != TransactionKind.BalanceInquiry);
            if (approval is not null && !approvedByAcquirer.Contains(key) && !reversed.Contains(key))
            {
                phantom++;
                Note("phantom", key, $"{approval.Kind.Name()} approved in the journal, never received by the acquirer"
                    + (seen.TryGetValue(key, out var answer) ? $" (it got {answer ?? "no answer"})" : " (never sent by this run)") + ", not reversed");
            }
        }
        return new ReconciliationResult(lost, duplicated, phantom, unanswered, findings);

        void Note(string kind, string key, string detail)
        {
            if (findings.Count < MaxFindings)
                findings.Add(new ReconciliationFinding(kind, key, detail));
        }
    }

    private static bool IsApproval(string? responseCode) => responseCode is "00" or "10" or "11";
}

/// <summary>The four counts (all zero in a healthy run) and example findings.</summary>
internal sealed record ReconciliationResult(long Lost, long Duplicated, long Phantom, long Unanswered, IReadOnlyList<ReconciliationFinding> Findings);
