using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Switch.Node.Configuration;
using Switch.Node.Logging;
using Switch.Runtime.Configuration;

namespace Switch.Node;

/// <summary>
/// <c>switch-node [--config hocon/switch.conf] [--switch:key=value ...]</c>: reads hocon/reference.conf, then the
/// configuration file, then environment variables (switch__node__id=...), then arguments; starts the node; stops it
/// gracefully on SIGTERM, Ctrl+C or an operator's <c>cluster leave</c> and exits 0. Invalid configuration: exit 2 with
/// the file, line and key at fault.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var (configFile, overrides) = SplitArguments(args);
        NodeSettings settings;
        try
        {
            var configuration = Load(configFile, overrides);
            settings = NodeSettings.Read(configuration);
        }
        catch (ConfigurationErrorException error)
        {
            Console.Error.WriteLine($"switch-node: invalid configuration: {error.Message}");
            return 2;
        }
        var (loggerFactory, serilog) = NodeLogging.Create(settings.Logging, settings.NodeId);
        await using var _ = serilog;
        var log = loggerFactory.CreateLogger("Switch.Node");
        var lifetime = new NodeLifetime();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        SwitchNode node;
        try
        {
            node = await SwitchNode.StartAsync(settings, loggerFactory, lifetime);
        }
        catch (Exception error)
        {
            log.LogCritical(error, "the node could not start");
            return 1;
        }
        await lifetime.StopRequested;
        await node.StopAsync(); // the stop the node began on the request: finished here before the process exits
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // the node exits by itself once stopped
            lifetime.RequestStop(context.Signal.ToString());
        }
    }

    /// <summary>The configuration: reference.conf next to the binary or under ./hocon, the node's file, environment, arguments.</summary>
    internal static IConfigurationRoot Load(string? configFile, IEnumerable<string> overrides)
    {
        var hocon = Path.Combine(AppContext.BaseDirectory, "hocon");
        var reference = Path.Combine(hocon, "reference.conf");
        var file = configFile ?? Path.Combine(Directory.Exists("hocon") ? "hocon" : hocon, "switch.conf");
        return new ConfigurationBuilder()
            .AddHocon(reference, file)
            .AddEnvironmentVariables()
            .AddCommandLine(overrides.ToArray())
            .Build();
    }

    private static (string? ConfigFile, List<string> Overrides) SplitArguments(string[] args)
    {
        string? config = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length)
                config = args[++i];
            else if (args[i].StartsWith("--config=", StringComparison.Ordinal))
                config = args[i]["--config=".Length..];
            else
                rest.Add(args[i]);
        }
        return (config, rest);
    }
}
