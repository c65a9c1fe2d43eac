using System.Buffers.Binary;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;
using Switch.Runtime.Serialization;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.PersistentActors;

public sealed class RecoveryConcurrencyTests
{
    [Fact]
    public async Task No_more_actors_read_their_events_at_once_than_maxConcurrentRecoveries()
    {
        await using var test = await PersistentTestSystem.CreateAsync(Ledger.Serializer());
        for (var i = 0; i < 10; i++)
            await test.System.ActorOf(Ledger.Props($"rc-{i}")).Ask<Balance>(new Credit(5), TestProbe.DefaultTimeout, test.System);

        // A second system whose deserializer (run inside the recovery permit) blocks until released and counts how
        // many recoveries are inside at once.
        var gate = new ManualResetEventSlim(false);
        int inside = 0, most = 0;
        var gated = new EventSerializer().Register<Credited>("ledger.credited.v2", e => BitConverter.GetBytes(e.Amount), payload =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            gate.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Decrement(ref inside);
            return new Credited(BinaryPrimitives.ReadInt64LittleEndian(payload.Span));
        });
        await using var journal = await SqliteJournal.OpenAsync(test.Options);
        await using var system = ActorSystem.Create("gated");
        system.UsePersistence(journal, null, gated, maxConcurrentRecoveries: 2);
        var ledgers = Enumerable.Range(0, 10).Select(i => system.ActorOf(Ledger.Props($"rc-{i}"))).ToList();
        var balances = ledgers.Select(l => l.Ask<LedgerStatus>(new GetBalance(), TimeSpan.FromSeconds(30), system)).ToList();

        TestTime.AwaitAssert(() => Assert.Equal(2, Volatile.Read(ref inside)), TimeSpan.FromSeconds(10));
        await Task.Delay(200); // give any recovery beyond the limit the chance to start (it must not)
        Assert.Equal(2, Volatile.Read(ref most));
        gate.Set();
        Assert.All(await Task.WhenAll(balances), status => Assert.Equal(5, status.Amount));
        Assert.Equal(2, most);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
