using Switch.LoadTest.Scenarios;
using Switch.Runtime.Configuration;

namespace Switch.LoadTest.Tests.Scenarios;

public sealed class ScenarioReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scenario-").FullName;

    public static TheoryData<string> Shipped => new(Directory.GetFiles(Repository.Path("hocon", "loadtest"), "*.conf").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Every_shipped_scenario_reads(string file)
    {
        var scenario = ScenarioReader.Load(Repository.Path("hocon", "loadtest", file));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), scenario.Name);
        Assert.NotEmpty(scenario.Phases);
        Assert.True(scenario.Slo.MinTps > 0, "a shipped scenario states the rate it must reach");
    }

    [Fact]
    public void Smoke_is_a_minute_at_modest_load_over_two_banks_and_on_us_cards()
    {
        var smoke = ScenarioReader.Load(Repository.Path("hocon", "loadtest", "smoke.conf"));
        Assert.Equal(TimeSpan.FromMinutes(1), smoke.Duration);
        Assert.Equal(["bank-a", "bank-b"], smoke.Banks.Select(b => b.Channel));
        Assert.Equal(TimeSpan.FromMilliseconds(30), smoke.Banks[1].P99Latency);
        Assert.Equal(TimeSpan.FromMilliseconds(10), smoke.Banks[0].P99Latency); // from bank-defaults
        Assert.Equal(200, smoke.Phases[1].Rate);
        Assert.Equal(200, smoke.Phases[1].ToRate); // to-rate -1: same as rate
    }

    [Fact]
    public void Without_nodes_the_switch_is_one_node_and_no_cluster()
    {
        var smoke = ScenarioReader.Load(Repository.Path("hocon", "loadtest", "smoke.conf"));
        Assert.Equal([new SwitchNodeSettings(ScenarioReader.SingleNodeId, "dc1")], smoke.Switch.Nodes);
        Assert.False(smoke.Switch.Clustered);
        Assert.Equal(TimeSpan.FromHours(1), smoke.Slo.MaxFailoverWindow);
    }

    [Fact]
    public void Cluster_smoke_is_three_nodes_in_two_data_centres_and_a_kill_without_restart()
    {
        var scenario = ScenarioReader.Load(Repository.Path("hocon", "loadtest", "cluster-smoke.conf"));
        Assert.True(scenario.Switch.Clustered);
        Assert.Equal("postgres", scenario.Switch.Journal);
        Assert.Equal([new("node-1", "dc-a"), new("node-2", "dc-a"), new SwitchNodeSettings("node-3", "dc-b")], scenario.Switch.Nodes);
        var kill = Assert.Single(scenario.Timeline);
        Assert.Equal((TimelineAction.NodeKill, "node-2", TimeSpan.Zero), (kill.Action, kill.Node, kill.For));
        Assert.Equal("node-kill node-2", kill.ToString());
        Assert.Equal(TimeSpan.FromSeconds(5), scenario.Slo.MaxFailoverWindow);
    }

    [Fact]
    public void Cluster_steps_name_their_node_or_data_centre()
    {
        var file = Write("""
            loadtest.scenario {
              name = cluster
              phases = [ { name = a, rate = 10 } ]
              banks = [ { channel = bank-a, bin = "411111" } ]
              switch { journal = postgres, nodes = [ { id = n1, data-centre = east }, { id = n2, data-centre = west } ] }
              timeline = [
                { at = 20s, action = dc-isolate, data-centre = east, for = 10s }
                { at = 5s, action = node-partition, node = n2, for = 15s }
                { at = 40s, action = rolling-restart }
              ]
            }
            """);
        var timeline = ScenarioReader.Load(file).Timeline;
        Assert.Equal(["node-partition n2 for 15 s", "dc-isolate east for 10 s", "rolling-restart"], timeline.Select(a => a.ToString()));
    }

    [Fact]
    public void Overrides_apply_over_the_file()
    {
        var smoke = ScenarioReader.Load(Repository.Path("hocon", "loadtest", "smoke.conf"),
            [new("loadtest:scenario:phases:1:duration", "5s"), new("loadtest:scenario:acquirer:connections", "2")]);
        Assert.Equal(TimeSpan.FromSeconds(25), smoke.Duration);
        Assert.Equal(2, smoke.Acquirer.Connections);
    }

    [Theory]
    [InlineData("phases = [ { name = a, rate = 10, colour = blue } ]", "loadtest.scenario.phases.0.colour", "unknown setting")]
    [InlineData("phases = [ { name = a, rate = 0 } ]", "loadtest.scenario.phases.0.rate", "needs a rate")]
    [InlineData("banks = [ { channel = x, bin = \"12\" } ]", "loadtest.scenario.banks.0.bin", "six-digit BIN")]
    [InlineData("timeline = [ { at = 5s, action = explode } ]", "loadtest.scenario.timeline.0.action", "is not one of")]
    [InlineData("timeline = [ { at = 5s, action = bank-down, channel = nowhere } ]", "loadtest.scenario.timeline.0.channel", "not one of the scenario's banks")]
    [InlineData("timeline = [ { at = 5s, action = db-pause, for = 2s } ]", "loadtest.scenario.timeline.0.action", "needs switch.journal = postgres")]
    [InlineData("duplicates = 1.5", "loadtest.scenario.duplicates", "not a ratio")]
    [InlineData("switch.nodes = [ { id = n1 }, { id = n2 } ]", "loadtest.scenario.switch.nodes.1.id", "a second node makes a cluster, which needs switch.journal = postgres")]
    [InlineData("switch { journal = postgres, nodes = [ { id = n1 }, { id = n1 } ] }", "loadtest.scenario.switch.nodes.1.id", "two nodes are called n1")]
    [InlineData("switch { journal = postgres, nodes = [ { id = \"n 1\" }, { id = n2 } ] }", "loadtest.scenario.switch.nodes.0.id", "is not a node id")]
    [InlineData("switch.nodes = [ { id = n1, colour = red } ]", "loadtest.scenario.switch.nodes.0.colour", "unknown setting")]
    [InlineData("timeline = [ { at = 5s, action = node-kill, node = n1 } ]", "loadtest.scenario.timeline.0.action", "acts on a cluster")]
    [InlineData(Cluster + "timeline = [ { at = 5s, action = switch-kill, for = 1s } ]", "loadtest.scenario.timeline.0.action", "in a cluster use node-kill")]
    [InlineData(Cluster + "timeline = [ { at = 5s, action = node-kill, node = n3 } ]", "loadtest.scenario.timeline.0.node", "'n3' is not one of the scenario's nodes (n1, n2)")]
    [InlineData(Cluster + "timeline = [ { at = 5s, action = dc-kill, data-centre = dc-z } ]", "loadtest.scenario.timeline.0.data-centre", "no node's data centre")]
    [InlineData(Cluster + "timeline = [ { at = 5s, action = node-partition, node = n1 } ]", "loadtest.scenario.timeline.0.action", "needs a length")]
    [InlineData(Cluster + "timeline = [ { at = 5s, action = rolling-restart, for = 5s } ]", "loadtest.scenario.timeline.0.for", "takes no length")]
    [InlineData(Cluster + "slo.max-failover-window = 0s", "loadtest.scenario.slo.max-failover-window", "longer than 0")]
    public void Invalid_settings_name_the_file_line_and_key(string body, string key, string problem)
    {
        var file = Write($$"""
            loadtest.scenario {
              name = broken
              phases = [ { name = a, rate = 10 } ]
              banks = [ { channel = bank-a, bin = "411111" } ]
              {{body}}
            }
            """);
        var error = Assert.Throws<ConfigurationErrorException>(() => ScenarioReader.Load(file));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(file), error.Message, StringComparison.Ordinal);
    }

    /// <summary>Two nodes on PostgreSQL, for the cluster steps' cases.</summary>
    private const string Cluster = "switch { journal = postgres, nodes = [ { id = n1, data-centre = dc-a }, { id = n2, data-centre = dc-b } ] }\n";

    private string Write(string text)
    {
        var file = Path.Combine(_directory, "scenario.conf");
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
