namespace Switch.Benchmarks.Bench;

/// <summary>
/// <c>bench &lt;name&gt; [options]</c>: throughput benchmarks that print one JSON line per measurement on stdout
/// (progress and notes go to stderr). Names: <c>journal</c>, <c>persist</c>, <c>messages</c>, <c>remote</c>, <c>recovery</c>, <c>entities</c>.
/// </summary>
internal static class BenchCommand
{
    internal static int Run(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "journal":
                return JournalBench.RunAsync(args[1..]).GetAwaiter().GetResult();
            case "persist":
                return PersistBench.RunAsync(args[1..]).GetAwaiter().GetResult();
            case "messages":
                return MessagingBench.RunAsync(args[1..]).GetAwaiter().GetResult();
            case "remote":
                return RemoteBench.RunAsync(args[1..]).GetAwaiter().GetResult();
            case "recovery":
                return RecoveryBench.RunAsync(args[1..]).GetAwaiter().GetResult();
            case "entities":
                return EntityBench.RunAsync(args[1..]).GetAwaiter().GetResult();
            default:
                Console.Error.WriteLine("usage: bench journal [--store sqlite|postgres|all] [--writers 400] [--events 400000] [--payload 100] [--window-us N] [--checkpoint-pages N] [--sync full|normal]");
                return 1;
        }
    }
}
