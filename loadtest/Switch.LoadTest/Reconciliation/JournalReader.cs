using Switch.Actors;
using Switch.Actors.Accounts.Events;
using Switch.Actors.Transactions;
using Switch.Runtime.Persistence;

namespace Switch.LoadTest.Reconciliation;

/// <summary>
/// Reads the switch's decisions straight from its journal database (SQLite file or PostgreSQL), in global order,
/// keeping those of the run's own terminals.
/// </summary>
internal static class JournalReader
{
    private const string Decided = "account.transaction-decided.v1";
    private const int Page = 20_000;

    public static async Task<List<JournalDecision>> ReadDecisionsAsync(PersistenceOptions store, Func<string, bool> ofThisRun, CancellationToken cancellationToken)
    {
        await using EventJournal journal = store switch
        {
            SqlitePersistenceOptions sqlite => await SqliteJournal.OpenAsync(sqlite, cancellationToken: cancellationToken).ConfigureAwait(false),
            PostgresPersistenceOptions postgres => await PostgresJournal.OpenAsync(postgres, cancellationToken: cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentException("unknown journal store", nameof(store)),
        };
        var serializer = PaymentSwitch.Serializer();
        var decisions = new List<JournalDecision>();
        long after = 0;
        for (var read = Page; read == Page;)
        {
            read = 0;
            await foreach (var e in journal.AllEventsAsync(after, Page, cancellationToken).ConfigureAwait(false))
            {
                read++;
                after = e.Ordering;
                if (e.Manifest != Decided)
                    continue;
                var decided = (TransactionDecided)serializer.Deserialize(e.Manifest, e.Payload);
                if (ofThisRun(decided.Key))
                    decisions.Add(new JournalDecision(decided.Key, (TransactionKind)decided.Kind, decided.ResponseCode, decided.OriginalKey));
            }
        }
        return decisions;
    }
}
