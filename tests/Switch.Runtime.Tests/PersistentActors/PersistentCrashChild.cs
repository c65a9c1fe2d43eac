using System.Runtime.CompilerServices;
using System.Text;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Tests.PersistentActors;

/// <summary>
/// The child process of the PersistentActor crash test: started like <see cref="Persistence.CrashChild"/> (this test
/// assembly under <c>dotnet exec</c>); a module initializer takes over when <c>SWITCH_PA_CRASH_CHILD</c> is set,
/// runs ledgers that each handle one credit of 1 after another and prints <c>ack pid balance</c> for every reply.
/// </summary>
internal static class PersistentCrashChild
{
    private const string ModeVariable = "SWITCH_PA_CRASH_CHILD";
    private const int Ledgers = 16;

    internal static Dictionary<string, string> SqliteEnvironment(string file) =>
        new() { [ModeVariable] = "sqlite", ["SWITCH_PA_CRASH_TARGET"] = file };

    internal static Dictionary<string, string> PostgresEnvironment(string connectionString, string schema) =>
        new() { [ModeVariable] = "postgres", ["SWITCH_PA_CRASH_TARGET"] = connectionString, ["SWITCH_PA_CRASH_SCHEMA"] = schema };

    [ModuleInitializer]
    internal static void RunChildIfAsked()
    {
        var mode = Environment.GetEnvironmentVariable(ModeVariable);
        if (string.IsNullOrEmpty(mode))
            return;
        // Not inline: other threads would block on this module's initialization. A foreground thread keeps the
        // process alive after the (empty) test entry point returns.
        new Thread(() =>
        {
            try
            {
                RunAsync(mode).GetAwaiter().GetResult();
                Environment.Exit(3); // the parent should have killed us long before
            }
            catch (Exception error)
            {
                Console.Error.WriteLine(error);
                Environment.Exit(2);
            }
        }) { IsBackground = false, Name = "persistent-crash-child" }.Start();
    }

    private static async Task RunAsync(string mode)
    {
        var target = Environment.GetEnvironmentVariable("SWITCH_PA_CRASH_TARGET")!;
        EventJournal journal = mode switch
        {
            "sqlite" => await SqliteJournal.OpenAsync(new SqlitePersistenceOptions(target)),
            "postgres" => await PostgresJournal.OpenAsync(new PostgresPersistenceOptions(target) { Schema = Environment.GetEnvironmentVariable("SWITCH_PA_CRASH_SCHEMA")! }),
            _ => throw new ArgumentException($"unknown crash child mode '{mode}'"),
        };
        var system = ActorSystem.Create("crash-child");
        system.UsePersistence(journal, null, Ledger.Serializer());
        var output = new StreamWriter(Console.OpenStandardOutput(), Encoding.ASCII) { AutoFlush = true };
        var gate = new object();
        var stop = DateTime.UtcNow.AddSeconds(50);
        await Task.WhenAll(Enumerable.Range(0, Ledgers).Select(i => Task.Run(async () =>
        {
            var pid = $"crash-ledger-{i}";
            var ledger = system.ActorOf(Ledger.Props(pid), pid);
            while (DateTime.UtcNow < stop)
            {
                var balance = await ledger.Ask<Balance>(new Credit(1), TimeSpan.FromSeconds(10), system);
                lock (gate)
                    output.WriteLine($"ack {pid} {balance.Amount}");
            }
        })));
    }
}
