using Microsoft.Data.Sqlite;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Tests.Persistence;

/// <summary>
/// How the SQLite journal's writer writes its log: a transaction's frames gathered into a few writes, every commit in
/// the file before it is acknowledged. Alone in its collection: it counts the process's write system calls.
/// </summary>
[Collection(Name)]
public sealed class SqliteWriteAheadLogTests : IAsyncLifetime
{
    private const string Name = "sqlite-write-ahead-log";

    private readonly string _directory = Directory.CreateTempSubdirectory("switch-sqlite-wal-").FullName;

    private string File => Path.Combine(_directory, "journal.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_transaction_of_400_events_reaches_the_log_in_a_few_writes_and_another_connection_sees_it_at_once()
    {
        await using var journal = await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(File));
        const int ids = 400;
        Task Round(int seq) => Task.WhenAll(Enumerable.Range(0, ids).Select(i => journal.WriteAsync(JournalContract.Write($"p-{i}", seq, seq))));
        for (var seq = 1; seq <= 20; seq++)
            await Round(seq); // each id's newest index entry now sits on a page of its own
        for (var seq = 21; seq <= 23; seq++)
        {
            var transactions = journal.CommittedTransactions;
            var before = WriteCalls();
            await Round(seq); // SQLite writes such a commit as 400+ frames, two calls each
            var calls = WriteCalls() - before;
            var commits = journal.CommittedTransactions - transactions;
            Assert.True(calls <= 20 * commits, $"{calls} write calls for {commits} transactions");
            Assert.Equal(ids * seq, CountRows()); // a plain connection (no gathering) reads every acknowledged event
        }
    }

    [Fact]
    public async Task A_transaction_larger_than_the_gathering_buffer_is_stored_whole()
    {
        await using var journal = await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(File));
        var payload = new byte[4000];
        Random.Shared.NextBytes(payload);
        var events = Enumerable.Range(1, 400).Select(s => new NewEvent(s, "big.v1", payload, [])).ToArray(); // ~1.6 MB of log
        await journal.WriteAsync(new AtomicWrite("big", events));
        Assert.Equal(400, CountRows());
        await using var reopened = await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(File));
        var replayed = 0;
        await foreach (var e in reopened.ReplayAsync("big"))
        {
            Assert.Equal(payload, e.Payload.ToArray());
            replayed++;
        }
        Assert.Equal(400, replayed);
    }

    private long CountRows()
    {
        using var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM journal";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>The process's write-type system calls so far (Linux: syscw in /proc/self/io).</summary>
    private static long WriteCalls()
    {
        foreach (var line in System.IO.File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith("syscw:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("/proc/self/io has no syscw line");
    }

    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class Alone;
}
