// Micro-benchmarks of the Switch protocol code (BenchmarkDotNet).
//
// Run the ISO 8583 codec benchmarks, from the repository root, in Release (BenchmarkDotNet refuses Debug):
//
//     dotnet run -c Release --project loadtest/Switch.Benchmarks -- --filter '*Codec*'
//
// A quick check with fewer iterations (less precise, about ten times faster):
//
//     dotnet run -c Release --project loadtest/Switch.Benchmarks -- --filter '*Codec*' --job short
//
// One dialect only: add e.g. --filter '*Codec*' and pick the case from the table, or run everything with --filter '*'.
// Results (tables, CSV, HTML) go to BenchmarkDotNet.Artifacts/results in the working directory.
//
// Throughput benchmarks that print one JSON line each (Bench/): e.g. the journal with 400 concurrent writers,
//
//     dotnet run -c Release --project loadtest/Switch.Benchmarks -- bench journal --store sqlite|postgres --writers 400 --events 400000
//
// or node-to-node messages: two actor systems joined by their transports over loopback TCP, ping-pong pairs,
//
//     dotnet run -c Release --project loadtest/Switch.Benchmarks -- bench remote --pairs 16 --in-flight 100 --messages-per-pair 200000

using BenchmarkDotNet.Running;

namespace Switch.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bench")
            return Bench.BenchCommand.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
