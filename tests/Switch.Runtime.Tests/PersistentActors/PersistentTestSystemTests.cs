using Switch.Runtime.Actors;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.PersistentActors;

public sealed class PersistentTestSystemTests
{
    [Fact]
    public async Task A_test_system_persists_to_a_temporary_file_that_a_second_system_recovers_and_dispose_deletes()
    {
        var test = await PersistentTestSystem.CreateAsync(Ledger.Serializer());
        var file = test.Options.FilePath;
        await using (test)
        {
            var ledger = test.System.ActorOf(Ledger.Props("tk-1"));
            Assert.Equal(new Balance(1, 7), await ledger.Ask<Balance>(new Credit(7), TestProbe.DefaultTimeout, test.System));
            var (restarted, _, _) = await test.OpenAsync(Ledger.Serializer(), "restarted");
            var again = restarted.ActorOf(Ledger.Props("tk-1"));
            var status = await again.Ask<LedgerStatus>(new GetBalance(), TestProbe.DefaultTimeout, restarted);
            Assert.Equal(7, status.Amount);
            Assert.True(File.Exists(file));
        }
        Assert.False(File.Exists(file));
        Assert.False(Directory.Exists(Path.GetDirectoryName(file)));
    }
}
