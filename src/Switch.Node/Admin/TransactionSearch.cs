using System.Text;
using Switch.Actors;
using Switch.Actors.Accounts.Events;
using Switch.Actors.Transactions;
using Switch.Runtime.Persistence;
using Switch.Runtime.Serialization;

namespace Switch.Node.Admin;

/// <summary>
/// The operators' "txn find": the transactions with an RRN, or with a STAN from a terminal, among the journal's latest
/// <see cref="Window"/> events (older ones are not searched). Runs only when asked, reading the journal in pages; an
/// event is decoded only when its bytes hold what is sought.
/// </summary>
internal sealed class TransactionSearch(EventJournal journal)
{
    /// <summary>How many of the journal's latest events a search reads, at most.</summary>
    public const int Window = 1_000_000;

    private const int Page = 10_000;
    private const string Started = "account.transaction-started.v1", Decided = "account.transaction-decided.v1";
    private static readonly EventSerializer Events = PaymentSwitch.Serializer();

    /// <summary>The transactions whose DE 37 is <paramref name="rrn"/>, oldest first.</summary>
    public Task<List<TransactionView>> ByRrnAsync(string rrn, CancellationToken cancellation) =>
        FindAsync(Encoding.UTF8.GetBytes(rrn), (_, eventRrn) => eventRrn == rrn, cancellation);

    /// <summary>The transactions with DE 11 <paramref name="stan"/> (six digits) from DE 41 <paramref name="terminal"/>, oldest first.</summary>
    public Task<List<TransactionView>> ByStanAsync(string stan, string terminal, CancellationToken cancellation)
    {
        // The transaction key is acquirer id | DE 41 | DE 11 | DE 7.
        var part = $"|{terminal}|{stan}|";
        return FindAsync(Encoding.UTF8.GetBytes(part), (key, _) => key.Contains(part, StringComparison.Ordinal), cancellation);
    }

    private async Task<List<TransactionView>> FindAsync(byte[] sought, Func<string, string, bool> matches, CancellationToken cancellation)
    {
        var found = new Dictionary<string, TransactionView>(StringComparer.Ordinal);
        // A decision carries no RRN: it is found by the key of the transaction found before it.
        var foundKeys = new List<byte[]>();
        var highest = await journal.ReadHighestOrderingAsync(cancellation).ConfigureAwait(false);
        var after = Math.Max(0, highest - Window);
        for (var read = Page; read == Page && after < highest;) // what is written meanwhile is not waited for
        {
            read = 0;
            await foreach (var e in journal.AllEventsAsync(after, Page, cancellation).ConfigureAwait(false))
            {
                read++;
                after = e.Ordering;
                if (e.Manifest is not (Started or Decided) || !Holds(e.Payload.Span, sought, foundKeys))
                    continue;
                switch (Events.Deserialize(e.Manifest, e.Payload))
                {
                    case TransactionStarted s when matches(s.Key, s.Rrn) && !found.ContainsKey(s.Key):
                        found[s.Key] = new TransactionView(s.Key, e.PersistenceId, Kind(s.Kind), s.Amount, s.MaskedPan, s.Rrn,
                            s.Channel.Length > 0 ? s.Channel : null, "in-flight", null, null, DateTimeOffset.FromUnixTimeMilliseconds(s.AtUnixMs));
                        foundKeys.Add(Encoding.UTF8.GetBytes(s.Key));
                        break;
                    case TransactionDecided d when found.TryGetValue(d.Key, out var started) || matches(d.Key, d.Rrn):
                        found[d.Key] = new TransactionView(d.Key, e.PersistenceId, Kind(d.Kind), d.Amount, d.MaskedPan, started?.Rrn ?? d.Rrn,
                            d.Channel.Length > 0 ? d.Channel : null, "decided", d.ResponseCode, d.ApprovalCode.Length > 0 ? d.ApprovalCode : null,
                            DateTimeOffset.FromUnixTimeMilliseconds(d.AtUnixMs));
                        break;
                }
            }
        }
        return found.Values.OrderBy(t => t.At).ThenBy(t => t.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Whether an event's bytes may be of interest: they hold what is sought, or the key of a transaction found already.</summary>
    private static bool Holds(ReadOnlySpan<byte> payload, byte[] sought, List<byte[]> foundKeys)
    {
        if (payload.IndexOf(sought) >= 0)
            return true;
        foreach (var key in foundKeys)
            if (payload.IndexOf(key) >= 0)
                return true;
        return false;
    }

    private static string Kind(int kind) =>
        Enum.IsDefined((TransactionKind)kind) ? ((TransactionKind)kind).Name() : kind.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
