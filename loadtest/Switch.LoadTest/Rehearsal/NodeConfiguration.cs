using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Switch.LoadTest.Scenarios;

namespace Switch.LoadTest.Rehearsal;

/// <summary>
/// The node configuration a rehearsal writes: its acquirer listener and admin endpoint on fixed free loopback ports
/// (so a restarted node is found where it was), one channel per scenario bank pointing at its simulator, BIN ranges
/// routing each bank's cards to it, on-us prepaid cards, and limits out of the way of the load.
/// </summary>
internal sealed record NodeConfiguration(string File, string DataDir, int AcquirerPort, int AdminPort, string AdminToken, string JournalConnection)
{
    public static NodeConfiguration Write(Scenario scenario, BankFarm banks, string directory, string? postgresConnectionString)
    {
        var dataDir = Path.Combine(directory, "node");
        Directory.CreateDirectory(dataDir);
        var acquirerPort = FreePort();
        var adminPort = FreePort();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var a = scenario.Acquirer;
        var c = new StringBuilder();
        c.AppendLine(CultureInfo.InvariantCulture, $"# Written by the rehearsal of scenario {scenario.Name}.");
        c.AppendLine("switch {");
        c.AppendLine(CultureInfo.InvariantCulture, $"  node {{ id = rehearsal, data-dir = {Quote(dataDir)} }}");
        c.AppendLine(CultureInfo.InvariantCulture, $"  security.card-data-key = \"{key}\"");
        if (postgresConnectionString is not null)
            c.AppendLine(CultureInfo.InvariantCulture, $"  journal {{ backend = postgres, postgres.connection-string = {Quote(postgresConnectionString)} }}");
        c.AppendLine(CultureInfo.InvariantCulture, $"  admin {{ port = {adminPort}, token = \"{token}\" }}");
        c.AppendLine(CultureInfo.InvariantCulture,
            $"  acquirers = [ {{ name = loadtest, acquirer-id = {Quote(a.AcquirerId)}, port = {acquirerPort}, dialect = {a.Dialect.Name}, framing = {a.FramingName}, max-connections = {a.Connections * 2 + 8}, max-in-flight = 4096 }} ]");
        c.AppendLine("  channels = [");
        foreach (var bank in scenario.Banks)
            c.AppendLine(CultureInfo.InvariantCulture,
                $"    {{ name = {Quote(bank.Channel)}, bank = {Quote(bank.Channel)}, port = {banks.PortOf(bank.Channel)}, connections = {bank.Connections}, request-timeout = {bank.RequestTimeout.TotalMilliseconds:0}ms }}");
        c.AppendLine("  ]");
        c.AppendLine("  bin-table = [");
        foreach (var bank in scenario.Banks)
            c.AppendLine(CultureInfo.InvariantCulture,
                $"    {{ range = \"{bank.Bin}\", issuer = {Quote(bank.Channel)}, product = loadtest, candidates = [ {{ channel = {Quote(bank.Channel)} }} ] }}");
        c.AppendLine(CultureInfo.InvariantCulture, $"    {{ range = \"{ScenarioReader.OnUsBin}\", issuer = switch, product = prepaid, on-us = true }}");
        c.AppendLine("  ]");
        c.AppendLine("  products { loadtest {}, prepaid { opening-balance = 1000000000000 } }");
        c.AppendLine("}");
        c.AppendLine(scenario.Switch.NodeConfig);
        var file = Path.Combine(directory, "node.conf");
        System.IO.File.WriteAllText(file, c.ToString());
        return new NodeConfiguration(file, dataDir, acquirerPort, adminPort, token, postgresConnectionString ?? Path.Combine(dataDir, "journal.db"));
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
