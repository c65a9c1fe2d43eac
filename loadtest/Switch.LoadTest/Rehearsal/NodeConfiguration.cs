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

    /// <summary>
    /// A free loopback port below the kernel's ephemeral range. A port the kernel handed out for a port-0 bind is in
    /// that range, where any outgoing connection (the acquirers', a node's to PostgreSQL) may take it as its local
    /// port before the node binds it, and the node then fails to start; below the range only an explicit bind can.
    /// </summary>
    private static int FreePort()
    {
        var ephemeralLow = EphemeralRangeStart();
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(Math.Max(1024, ephemeralLow - 10000), ephemeralLow);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // taken: try another
            }
        }
        throw new InvalidOperationException($"no free loopback port found below {ephemeralLow}");
    }

    /// <summary>The first port of the ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range; else IANA's 49152).</summary>
    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (System.IO.File.Exists(range) &&
            int.TryParse(System.IO.File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture, out var low) &&
            low > 2048)
            return low;
        return 49152;
    }
}
