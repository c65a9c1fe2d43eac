using Switch.LoadTest.Scenarios;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.LoadTest.Rehearsal;

/// <summary>One bank host simulator per scenario bank, on loopback, and the faults the timeline plays on them.</summary>
internal sealed class BankFarm : IAsyncDisposable
{
    private readonly Dictionary<string, (BankSettings Settings, BankHostSimulator Host)> _banks;

    private BankFarm(Dictionary<string, (BankSettings, BankHostSimulator)> banks) => _banks = banks;

    /// <summary>The bank hosts speak this dialect and framing (the channels' defaults).</summary>
    public static readonly Dialect Dialect = Dialects.Iso87Ascii;

    public static readonly FrameFormat Framing = FrameFormat.Binary2;

    public static async Task<BankFarm> StartAsync(IReadOnlyList<BankSettings> banks, int seed)
    {
        var started = new Dictionary<string, (BankSettings, BankHostSimulator)>(StringComparer.Ordinal);
        var i = 0;
        foreach (var bank in banks)
        {
            var host = new BankHostSimulator(new BankHostOptions(Dialect, Framing) { Behaviour = Normal(bank), Seed = seed + i++ });
            await host.StartAsync().ConfigureAwait(false);
            started[bank.Channel] = (bank, host);
        }
        return new BankFarm(started);
    }

    public int PortOf(string channel) => _banks[channel].Host.Endpoint.Port;

    public BankHostSimulator this[string channel] => _banks[channel].Host;

    public IEnumerable<string> Channels => _banks.Keys;

    /// <summary>Starts the fault <paramref name="action"/> names on its channel's bank.</summary>
    public void Begin(TimelineAction action)
    {
        var (settings, host) = _banks[action.Channel];
        switch (action.Action)
        {
            case TimelineAction.BankDown:
                host.SetOutage(OutageMode.Down);
                break;
            case TimelineAction.BankBlackHole:
                host.SetOutage(OutageMode.BlackHole);
                break;
            case TimelineAction.BankSlow:
                host.Behaviour = Normal(settings) with { Latency = Latency.LogNormal(action.Latency, action.Latency * 2) };
                break;
            case TimelineAction.BankDisconnect:
                host.SetOutage(OutageMode.Down);
                host.SetOutage(OutageMode.None);
                break;
        }
    }

    /// <summary>Ends the fault: the bank answers as configured again.</summary>
    public void End(TimelineAction action)
    {
        var (settings, host) = _banks[action.Channel];
        if (action.Action == TimelineAction.BankSlow)
            host.Behaviour = Normal(settings);
        else if (host.Outage != OutageMode.None)
            host.SetOutage(OutageMode.None);
    }

    private static BankHostBehaviour Normal(BankSettings bank) => new()
    {
        Latency = Latency.LogNormal(bank.MedianLatency, bank.P99Latency),
        Declines = bank.DeclineRatio > 0 ? [new Decline("05", bank.DeclineRatio)] : [],
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, host) in _banks.Values)
            await host.DisposeAsync().ConfigureAwait(false);
    }
}
