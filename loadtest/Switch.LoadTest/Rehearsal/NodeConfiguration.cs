using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Switch.LoadTest.Scenarios;
using Switch.Runtime.Configuration;

namespace Switch.LoadTest.Rehearsal;

/// <summary>
/// The configuration a rehearsal writes for one node: its acquirer listener, admin endpoint and (in a cluster) node-to-node
/// transport on fixed free loopback ports (so a restarted node is found where it was), one channel per scenario bank
/// pointing at its simulator, BIN ranges routing each bank's cards to it, on-us prepaid cards, and limits out of the
/// way of the load. A cluster's nodes share the journal's PostgreSQL and the run's <see cref="NodeSecrets"/>.
/// </summary>
/// <param name="AccountShards">The node's <c>switch.accounts.shards</c> (the scenario's node-config may set it).</param>
internal sealed record NodeConfiguration(string File, string LogFile, string DataDir, int AcquirerPort, int AdminPort, string JournalConnection,
    int AccountShards)
{
    public static NodeConfiguration Write(Scenario scenario, SwitchNodeSettings node, BankFarm banks, NodeSecrets secrets, string directory,
        string? postgresConnectionString)
    {
        // A single node keeps the names it always had; a cluster's nodes are told apart by their ids.
        var name = scenario.Switch.Clustered ? node.Id : "node";
        var dataDir = Path.Combine(directory, name);
        Directory.CreateDirectory(dataDir);
        var acquirerPort = FreePort();
        var adminPort = FreePort();
        var a = scenario.Acquirer;
        var c = new StringBuilder();
        c.AppendLine(CultureInfo.InvariantCulture, $"# Written by the rehearsal of scenario {scenario.Name}.");
        c.AppendLine("switch {");
        c.AppendLine(CultureInfo.InvariantCulture, $"  node {{ id = {Quote(node.Id)}, data-dir = {Quote(dataDir)} }}");
        c.AppendLine(CultureInfo.InvariantCulture, $"  security.card-data-key = \"{secrets.CardDataKey}\"");
        if (postgresConnectionString is not null)
            c.AppendLine(CultureInfo.InvariantCulture, $"  journal {{ backend = postgres, postgres.connection-string = {Quote(postgresConnectionString)} }}");
        if (scenario.Switch.Clustered)
        {
            c.AppendLine(CultureInfo.InvariantCulture, $"  cluster {{ enabled = true, data-centre = {Quote(node.DataCentre)} }}");
            c.AppendLine(CultureInfo.InvariantCulture, $"  remote {{ port = {FreePort()}, secret = \"{secrets.ClusterSecret}\" }}");
        }
        // The partition is injected through the node's admin endpoint, which offers it only when told to.
        var faultInjection = scenario.Timeline.Any(t => t.Action == TimelineAction.NodePartition) ? ", fault-injection = true" : "";
        c.AppendLine(CultureInfo.InvariantCulture, $"  admin {{ port = {adminPort}, token = \"{secrets.AdminToken}\"{faultInjection} }}");
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
        var file = Path.Combine(directory, name + ".conf");
        System.IO.File.WriteAllText(file, c.ToString());
        var shards = new ConfigurationBuilder().AddHocon(ScenarioReader.ReferenceFile, file).Build().GetInt("switch:accounts:shards");
        return new NodeConfiguration(file, Path.Combine(directory, name + ".log"), dataDir, acquirerPort, adminPort,
            postgresConnectionString ?? Path.Combine(dataDir, "journal.db"), shards);
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
