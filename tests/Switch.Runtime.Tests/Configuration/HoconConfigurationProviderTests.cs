using Microsoft.Extensions.Configuration;
using Switch.Runtime.Configuration;

namespace Switch.Runtime.Tests.Configuration;

public sealed class HoconConfigurationProviderTests : IDisposable
{
    private readonly HoconTestSupport files = new();

    public HoconConfigurationProviderTests()
    {
        files.Write("reference.conf", """
            switch {
              journal {
                backend = sqlite
                batch-window = 5ms
                batch-size = 64
              }
              node-name = node
              greeting = "hello from "${switch.node-name}
              ports = [8583, 8584]
            }
            """);
        files.Write("switch.conf", """
            switch {
              journal.backend = postgres
              node-name = switch-1
              description = ${switch.journal.backend}" with batches of "${switch.journal.batch-size}
              optional = null
            }
            """);
    }

    public void Dispose() => files.Dispose();

    [Fact]
    public void Later_files_override_earlier_ones_and_substitutions_resolve_over_the_merged_result()
    {
        var config = files.Build("reference.conf", "switch.conf");

        Assert.Equal("postgres", config["switch:journal:backend"]);
        Assert.Equal("5ms", config["switch:journal:batch-window"]);
        Assert.Equal("hello from switch-1", config["switch:greeting"]);
        Assert.Equal("postgres with batches of 64", config["switch:description"]);
        Assert.Equal("8584", config["switch:ports:1"]);
        Assert.Null(config["switch:optional"]);
        Assert.Equal(["8583", "8584"], config.GetSection("switch:ports").GetChildren().Select(c => c.Value));
    }

    [Fact]
    public void A_later_file_can_extend_an_earlier_files_value()
    {
        files.Write("more.conf", "switch.ports += 9000\nswitch.node-name = ${switch.node-name}-b");

        var config = files.Build("reference.conf", "switch.conf", "more.conf");

        Assert.Equal(["8583", "8584", "9000"], config.GetSection("switch:ports").GetChildren().Select(c => c.Value));
        Assert.Equal("switch-1-b", config["switch:node-name"]);
        Assert.Equal("hello from switch-1-b", config["switch:greeting"]);
    }

    [Fact]
    public void Every_key_remembers_the_file_and_line_it_was_written_at()
    {
        var config = files.Build("reference.conf", "switch.conf");

        Assert.Equal(files.PathOf("switch.conf") + ":2", config.OriginOf("switch:journal:backend"));
        Assert.Equal(files.PathOf("reference.conf") + ":4", config.OriginOf("switch:journal:batch-window"));
        Assert.Equal(files.PathOf("reference.conf") + ":9", config.OriginOf("switch:ports:0"));
        Assert.Equal(files.PathOf("reference.conf") + ":8", config.OriginOf("SWITCH:GREETING"));
        Assert.Equal(files.PathOf("switch.conf") + ":5", config.OriginOf("switch:optional"));
        Assert.Null(config.OriginOf("switch:nothing"));
    }

    [Fact]
    public void Providers_added_after_hocon_override_it_and_then_the_origin_is_unknown()
    {
        // Environment variables and command-line arguments are providers like this one (SWITCH__JOURNAL__BACKEND, --switch:journal:backend).
        var config = new ConfigurationBuilder()
            .AddHocon(files.PathOf("reference.conf"), files.PathOf("switch.conf"))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["switch:journal:backend"] = "memory", ["switch:journal:batch-size"] = "lots" })
            .Build();

        Assert.Equal("memory", config["switch:journal:backend"]);
        Assert.Null(config.OriginOf("switch:journal:backend"));
        Assert.Equal(files.PathOf("reference.conf") + ":4", config.OriginOf("switch:journal:batch-window"));

        var e = Assert.Throws<ConfigurationErrorException>(() => config.GetInt("switch:journal:batch-size"));
        Assert.Equal("switch.journal.batch-size: \"lots\" is not an integer (or is out of range) (set by MemoryConfigurationProvider)", e.Message);
    }

    [Fact]
    public void Providers_added_before_hocon_are_overridden_by_it()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["switch:journal:backend"] = "memory" })
            .AddHocon(files.PathOf("reference.conf"))
            .Build();

        Assert.Equal("sqlite", config["switch:journal:backend"]);
    }

    [Fact]
    public void Origins_are_found_through_chained_configurations()
    {
        var inner = files.Build("reference.conf");
        var outer = new ConfigurationBuilder().AddConfiguration(inner).Build();

        Assert.Equal(files.PathOf("reference.conf") + ":3", outer.OriginOf("switch:journal:backend"));
    }

    [Fact]
    public void Typed_accessors_read_values()
    {
        files.Write("typed.conf", """
            s = text
            i = -42
            b1 = true
            b2 = off
            d = 250ms
            z = 64KiB
            empty = ""
            """);
        var config = files.Build("typed.conf");

        Assert.Equal("text", config.GetString("s"));
        Assert.Equal("", config.GetString("empty"));
        Assert.Equal(-42, config.GetInt("i"));
        Assert.True(config.GetBool("b1"));
        Assert.False(config.GetBool("b2"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetDuration("d"));
        Assert.Equal(65536, config.GetSize("z"));
    }

    [Fact]
    public void Typed_accessors_name_the_origin_of_a_malformed_value()
    {
        files.Write("hocon/bad.conf", """
            switch {
              journal {
                batch-window = fast
                batch-size = 1.5
                enabled = maybe
                buffer = 10 parsecs
              }
            }
            """);
        var config = files.Build("hocon/bad.conf");
        string file = files.PathOf("hocon/bad.conf");

        Assert.Equal(
            $"{file}:3: switch.journal.batch-window: \"fast\" is not a duration: expected a number and a unit (ns, us, ms, s, m, h or d), e.g. 250ms or 5s",
            Assert.Throws<ConfigurationErrorException>(() => config.GetDuration("switch:journal:batch-window")).Message);
        Assert.StartsWith(
            $"{file}:4: switch.journal.batch-size: \"1.5\" is not an integer",
            Assert.Throws<ConfigurationErrorException>(() => config.GetInt("switch:journal:batch-size")).Message,
            StringComparison.Ordinal);
        Assert.StartsWith(
            $"{file}:5: switch.journal.enabled: \"maybe\" is not a boolean",
            Assert.Throws<ConfigurationErrorException>(() => config.GetBool("switch:journal:enabled")).Message,
            StringComparison.Ordinal);
        var e = Assert.Throws<ConfigurationErrorException>(() => config.GetSize("switch:journal:buffer"));
        Assert.StartsWith($"{file}:6: switch.journal.buffer: \"10 parsecs\" is not a size: unknown unit \"parsecs\"", e.Message, StringComparison.Ordinal);
        Assert.Equal((file, 6, "switch.journal.buffer"), (e.File, e.Line, e.Path));
    }

    [Fact]
    public void Typed_accessors_report_missing_and_null_values()
    {
        var config = files.Build("reference.conf", "switch.conf");

        Assert.Equal(
            "switch.journal.nothing: is not set; a duration is required",
            Assert.Throws<ConfigurationErrorException>(() => config.GetDuration("switch:journal:nothing")).Message);
        Assert.Equal(
            $"{files.PathOf("switch.conf")}:5: switch.optional: is null; a string is required",
            Assert.Throws<ConfigurationErrorException>(() => config.GetString("switch:optional")).Message);
    }

    [Fact]
    public void Typed_accessors_on_a_section_name_the_full_key()
    {
        var config = files.Build("reference.conf");
        var journal = config.GetSection("switch:journal");

        Assert.Equal(64, journal.GetInt("batch-size"));
        Assert.Equal(
            "switch.journal.missing: is not set; an integer is required",
            Assert.Throws<ConfigurationErrorException>(() => journal.GetInt("missing")).Message);
    }

    [Fact]
    public void Errors_in_files_surface_when_the_configuration_is_built()
    {
        files.Write("broken.conf", "switch {\n  acquirers = [\n    { port = }\n  ]\n}");

        var e = Assert.Throws<ConfigurationErrorException>(() => files.Build("reference.conf", "broken.conf"));

        Assert.Equal($"{files.PathOf("broken.conf")}:3: switch.acquirers.0.port: expected a value after '=', found '}}'", e.Message);
    }

    [Fact]
    public void AddHocon_needs_at_least_one_file()
    {
        Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddHocon());
    }

    [Fact]
    public void A_reference_file_can_use_an_environment_variable_that_overrides_its_default()
    {
        string name = "SWITCH_HOCON_TEST_" + Guid.NewGuid().ToString("N");
        files.Write("env.conf", $"port = 8583\nport = ${{?{name}}}");
        Environment.SetEnvironmentVariable(name, "9000");
        try
        {
            var config = files.Build("env.conf");
            Assert.Equal(9000, config.GetInt("port"));
            Assert.Equal(files.PathOf("env.conf") + ":2", config.OriginOf("port"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        Assert.Equal(8583, files.Build("env.conf").GetInt("port"));
    }
}
