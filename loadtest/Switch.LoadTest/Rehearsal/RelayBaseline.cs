using System.Net;
using Switch.LoadTest.Relay;
using Switch.LoadTest.Scenarios;
using Switch.Simulators;

namespace Switch.LoadTest.Rehearsal;

/// <summary>
/// Measures the bare relay on this machine: the scenario's acquirer side, closed loop (each connection keeping the
/// baseline's window of requests in flight), through a <see cref="BareRelay"/> to a bank simulator answering as the
/// scenario's first bank does. The switch's rate is reported as a share of this.
/// </summary>
internal static class RelayBaseline
{
    public static async Task<double> MeasureAsync(Scenario scenario, TextWriter log, CancellationToken cancellationToken)
    {
        if (scenario.Acquirer.Dialect != BankFarm.Dialect)
            throw new InvalidOperationException($"the bare relay passes messages through unchanged: the acquirer side must speak {BankFarm.Dialect.Name}, as the banks do");
        var bankSettings = scenario.Banks.Count > 0 ? scenario.Banks[0] : null;
        var baselineBank = new BankSettings("relay-bank", "400000", 1, bankSettings?.MedianLatency ?? TimeSpan.FromMilliseconds(2),
            bankSettings?.P99Latency ?? TimeSpan.FromMilliseconds(10), bankSettings?.DeclineRatio ?? 0, 1, TimeSpan.FromSeconds(5));
        await using var banks = await BankFarm.StartAsync([baselineBank], scenario.Seed).ConfigureAwait(false);
        await using var relay = new BareRelay(new IPEndPoint(IPAddress.Loopback, 0), banks["relay-bank"].Endpoint, scenario.Acquirer.Framing, BankFarm.Dialect);
        var baseline = scenario with
        {
            Phases = [new LoadPhase("relay-baseline", scenario.RelayBaseline.Duration, 0, 0, Saturate: true, scenario.RelayBaseline.Window)],
            Banks = [baselineBank],
            Cards = scenario.Cards with { OnUsShare = 0 },
            Duplicates = 0,
            Timeline = [],
            Switch = scenario.Switch with { Drain = TimeSpan.FromSeconds(5) },
        };
        log.WriteLine($"bare relay baseline: {baseline.RelayBaseline.Duration.TotalSeconds:0} s closed loop, {scenario.Acquirer.Connections} connections x {scenario.RelayBaseline.Window} in flight");
        var outcome = await RunDriver.DriveAsync(baseline, [relay.Endpoint], "LRLY", timeline: null, admin: null, captureFile: null, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"bare relay baseline: {outcome.CapacityTps:0} requests/s");
        return outcome.CapacityTps;
    }
}
