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

    private string Write(string text)
    {
        var file = Path.Combine(_directory, "scenario.conf");
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
