using Switch.Node.Tests.EndToEnd;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// The node the admin tests steer: bank-a-1 (bank a) first and bank-b-1 (bank b) second for cards 476173, only
/// bank-a-1 for cards 455555, and on-us prepaid cards 627700; each channel on its own bank host simulator.
/// </summary>
internal static class AdminScenario
{
    public static readonly Card SingleChannel = new("4555551234567890", "2912");

    public static readonly Card OnUs = new("6277001234567890", "2912");

    public static async Task<Scenario> StartAsync(BankHostBehaviour? bankA = null, string extra = "", string bankATimeout = "1s")
    {
        var a = await BankSimulator.StartAsync(bankA);
        var b = await BankSimulator.StartAsync();
        return await Scenario.StartAsync($$"""
            channels = [
              {{Scenario.Channel("bank-a-1", "bank-a", a, bankATimeout)}}
              {{Scenario.Channel("bank-b-1", "bank-b", b)}}
            ]
            bin-table = [
              { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1, priority = 1 }, { channel = bank-b-1, priority = 2 } ] }
              { range = "455555", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] }
              { range = "627700", issuer = switch, product = prepaid, on-us = true }
            ]
            products {
              classic {}
              prepaid { opening-balance = 100000 }
            }
            {{extra}}
            """, [a, b]);
    }

    public static AdminHttp Http(this Scenario s, string? token = TestNode.AdminToken) => new(s.Node.AdminEndpoint, token);

    /// <summary>Sends a purchase on <paramref name="card"/>: its response code and which bank host got it ("a", "b" or "none").</summary>
    public static async Task<(string? Code, string Bank)> PurchaseAsync(this Scenario s, Card card, long amount = 1000)
    {
        var before = (A: s.Banks[0].Statistics.Received(new Mti(200)), B: s.Banks[1].Statistics.Received(new Mti(200)));
        var code = (await s.SendAsync(s.Factory.Purchase(card, amount))).ResponseCode;
        var after = (A: s.Banks[0].Statistics.Received(new Mti(200)), B: s.Banks[1].Statistics.Received(new Mti(200)));
        return (code, (after.A - before.A, after.B - before.B) switch
        {
            (0, 0) => "none",
            (1, 0) => "a",
            (0, 1) => "b",
            var other => $"both {other}",
        });
    }
}
