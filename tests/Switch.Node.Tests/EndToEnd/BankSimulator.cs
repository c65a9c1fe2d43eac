using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>Bank host simulators for the tests, and the HOCON that points channels at them.</summary>
internal static class BankSimulator
{
    public static async Task<BankHostSimulator> StartAsync(BankHostBehaviour? behaviour = null, int port = 0)
    {
        var bank = new BankHostSimulator(new BankHostOptions(Dialects.Iso87Ascii, FrameFormat.Binary2)
        {
            Endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port),
            Behaviour = behaviour ?? BankHostBehaviour.ApproveAll,
        });
        await bank.StartAsync();
        return bank;
    }

    /// <summary>A channel object for the channels list.</summary>
    public static string Channel(string name, string bank, BankHostSimulator host, string extra = "") =>
        $"{{ name = {name}, bank = {bank}, port = {host.Endpoint.Port}, request-timeout = 1s, reconnect-delay = 200ms, saf-retry-interval = 500ms {extra} }}";
}
