using System.CommandLine;
using System.Net;
using Switch.LoadTest.Capture;
using Switch.LoadTest.Rehearsal;
using Switch.LoadTest.Relay;
using Switch.LoadTest.Scenarios;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Configuration;
using Switch.Runtime.Persistence;

namespace Switch.LoadTest;

/// <summary>
/// <c>switch-loadtest</c>: peak-day rehearsals of the switch. <c>rehearse</c> starts the node, the bank simulators and
/// the faults itself; <c>run</c> drives a switch already running; <c>replay</c> sends a capture again; <c>relay</c>
/// runs the bare relay baseline on its own. Exit codes: 0 every SLO held, 1 an SLO was missed, 2 bad arguments or
/// scenario, 3 the run could not be carried out.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("switch-loadtest: peak-day rehearsals of the Switch payment switch: load, faults, reconciliation, report");
        root.Subcommands.Add(Rehearse());
        root.Subcommands.Add(Run());
        root.Subcommands.Add(Replay());
        root.Subcommands.Add(RelayCommand());
        return root.Parse(args).Invoke();
    }

    private static Option<string> ScenarioOption() => new("--scenario", "-s") { Description = "The scenario file, e.g. hocon/loadtest/smoke.conf", Required = true };

    private static Option<string> OutOption() => new("--out", "-o") { Description = "The directory for the report (created)", Required = true };

    private static Option<string?> CaptureOption() => new("--capture") { Description = "Also record the requests sent, with their times, to this file (for replay)" };

    private static Option<string[]> SetOption() => new("--set")
    {
        Description = "Override a scenario setting: KEY=VALUE under loadtest.scenario, e.g. --set phases.0.rate=500 (repeatable)",
        AllowMultipleArgumentsPerToken = true,
    };

    private static Command Rehearse()
    {
        var scenario = ScenarioOption();
        var output = OutOption();
        var capture = CaptureOption();
        var set = SetOption();
        var command = new Command("rehearse", "Start the switch node, bank simulators and faults, run the scenario, reconcile, report") { scenario, output, capture, set };
        command.SetAction((result, cancellationToken) => Execute(() =>
            Rehearsals.RehearseAsync(Load(result.GetValue(scenario)!, result.GetValue(set)), result.GetValue(output)!, result.GetValue(capture), Console.Out, cancellationToken)));
        return command;
    }

    private static Command Run()
    {
        var scenario = ScenarioOption();
        var output = OutOption();
        var capture = CaptureOption();
        var set = SetOption();
        var target = new Option<string>("--to") { Description = "The switch's acquirer listener, host:port", Required = true };
        var journal = new Option<string>("--journal")
        {
            Description = "The switch's journal, to reconcile against: sqlite:<file> or postgres:<connection string>",
            Required = true,
        };
        var admin = new Option<string?>("--admin") { Description = "The node's admin endpoint, host:port (breaker states; breaker actions on the timeline)" };
        var token = new Option<string?>("--token") { Description = "The admin endpoint's token (default: SWITCH_ADMIN_TOKEN)" };
        var command = new Command("run", "Drive a switch that is already running, reconcile against its journal, report") { scenario, output, capture, set, target, journal, admin, token };
        command.SetAction((result, cancellationToken) => Execute(async () =>
        {
            var s = Load(result.GetValue(scenario)!, result.GetValue(set));
            using var adminClient = result.GetValue(admin) is { } address
                ? new AdminClient($"http://{address}/", result.GetValue(token) ?? Environment.GetEnvironmentVariable("SWITCH_ADMIN_TOKEN") ?? "")
                : null;
            return await Rehearsals.RunAsync(s, ParseEndpoint(result.GetValue(target)!), Journal(result.GetValue(journal)!), adminClient,
                result.GetValue(output)!, result.GetValue(capture), Console.Out, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Replay()
    {
        var file = new Option<string>("--file") { Description = "A capture written by --capture", Required = true };
        var target = new Option<string>("--to") { Description = "The switch's acquirer listener, host:port", Required = true };
        var speed = new Option<double>("--speed") { Description = "Replay this many times faster than recorded", DefaultValueFactory = _ => 1 };
        var connections = new Option<int>("--connections") { Description = "Connections to the switch", DefaultValueFactory = _ => 4 };
        var framing = new Option<string>("--framing") { Description = "The listener's framing", DefaultValueFactory = _ => "binary2" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for each answer", DefaultValueFactory = _ => 10 };
        var command = new Command("replay", "Send a capture's requests to a switch again, at 1x or N x speed") { file, target, speed, connections, framing, timeout };
        command.SetAction((result, cancellationToken) => Execute(() =>
        {
            if (result.GetValue(speed) <= 0 || result.GetValue(connections) <= 0 || result.GetValue(timeout) <= 0)
                throw new UsageException("--speed, --connections and --timeout must be above 0");
            return Replayer.ReplayAsync(result.GetValue(file)!, ParseEndpoint(result.GetValue(target)!), FrameFormat.Parse(result.GetValue(framing)!),
                result.GetValue(speed), result.GetValue(connections), TimeSpan.FromSeconds(result.GetValue(timeout)), Console.Out, cancellationToken);
        }));
        return command;
    }

    private static Command RelayCommand()
    {
        var listen = new Option<string>("--listen") { Description = "Where acquirers connect, host:port", DefaultValueFactory = _ => "127.0.0.1:8584" };
        var bank = new Option<string>("--bank") { Description = "The bank host, host:port", Required = true };
        var framing = new Option<string>("--framing") { Description = "The framing of both sides", DefaultValueFactory = _ => "binary2" };
        var dialect = new Option<string>("--dialect") { Description = "The bank's dialect (for the sign-on)", DefaultValueFactory = _ => Dialects.Iso87Ascii.Name };
        var command = new Command("relay", "Run the bare relay (same framing, no actors, no journal) until Ctrl+C") { listen, bank, framing, dialect };
        command.SetAction((result, cancellationToken) => Execute(async () =>
        {
            await using var relay = new BareRelay(ParseEndpoint(result.GetValue(listen)!), ParseEndpoint(result.GetValue(bank)!),
                FrameFormat.Parse(result.GetValue(framing)!), Dialects.Get(result.GetValue(dialect)!));
            Console.WriteLine($"bare relay listening on {relay.Endpoint}, relaying to {result.GetValue(bank)}");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            Console.WriteLine($"relayed {relay.Frames} frames");
            return 0;
        }));
        return command;
    }

    private static Scenario Load(string file, string[]? sets)
    {
        var overrides = new List<KeyValuePair<string, string?>>();
        foreach (var set in sets ?? [])
        {
            var equals = set.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new UsageException($"--set {set}: expected KEY=VALUE");
            overrides.Add(new("loadtest:scenario:" + set[..equals].Replace('.', ':'), set[(equals + 1)..]));
        }
        return ScenarioReader.Load(file, overrides);
    }

    private static PersistenceOptions Journal(string text) => text switch
    {
        _ when text.StartsWith("sqlite:", StringComparison.Ordinal) => new SqlitePersistenceOptions(text["sqlite:".Length..]),
        _ when text.StartsWith("postgres:", StringComparison.Ordinal) => new PostgresPersistenceOptions(text["postgres:".Length..]),
        _ => throw new UsageException($"--journal {text}: expected sqlite:<file> or postgres:<connection string>"),
    };

    private static IPEndPoint ParseEndpoint(string text)
    {
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0)
            return endpoint;
        if (text.Split(':') is [var host, var port] && int.TryParse(port, out var number) && number is > 0 and <= 65535)
            return new IPEndPoint(Dns.GetHostAddresses(host).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork), number);
        throw new UsageException($"'{text}' is not host:port");
    }

    private static async Task<int> Execute(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception error) when (error is ConfigurationErrorException or UsageException or FormatException or KeyNotFoundException or InvalidDataException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"switch-loadtest: {error.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"switch-loadtest: the run failed: {error.Message}").ConfigureAwait(false);
            return 3;
        }
    }

    private sealed class UsageException(string message) : Exception(message);
}
