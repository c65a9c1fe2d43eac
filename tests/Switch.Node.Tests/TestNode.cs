using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Switch.Node.Configuration;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests;

/// <summary>
/// A node started in this process from HOCON (reference.conf + the test's configuration), with its SQLite journal in a
/// temp directory, and an acquirer client connected to its first listener over real TCP.
/// </summary>
internal sealed class TestNode : IAsyncDisposable
{
    public const string CardDataKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

    public const string AdminToken = "test-admin-token";

    private TestNode(SwitchNode node, string directory, string configFile, string[] overrides)
    {
        Node = node;
        Directory = directory;
        ConfigFile = configFile;
        Overrides = overrides;
    }

    public SwitchNode Node { get; }

    public string Directory { get; }

    public string ConfigFile { get; }

    public string[] Overrides { get; }

    public IPEndPoint AcquirerEndpoint => Node.Acquirers[0].Endpoint;

    public IPEndPoint AdminEndpoint => Node.AdminEndpoint!;

    /// <summary>Starts a node with <paramref name="hocon"/> (inside <c>switch { }</c>) in a new temp directory.</summary>
    public static async Task<TestNode> StartAsync(string hocon, params string[] overrides)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("switch-node-").FullName;
        var file = Path.Combine(directory, "test.conf");
        await File.WriteAllTextAsync(file, $$"""
            switch {
              node.data-dir = "{{directory.Replace("\\", "/")}}"
              node.shutdown-timeout = 5s
              logging.console = false
              logging.file = ""
              security.card-data-key = "{{CardDataKey}}"
              acquirers = [ { name = test-acquirer, acquirer-id = "000042", port = 0 } ]
              admin.token = "{{AdminToken}}"
              {{hocon}}
            }
            """);
        return await StartAsync(directory, file, overrides);
    }

    /// <summary>Starts a node in this process from a configuration file whose data directory is <paramref name="directory"/>.</summary>
    public static Task<TestNode> FromConfigFileAsync(string directory, string file) => StartAsync(directory, file, []);

    /// <summary>Starts a node again on the same directory and configuration (a restart).</summary>
    public static async Task<TestNode> RestartAsync(TestNode stopped) => await StartAsync(stopped.Directory, stopped.ConfigFile, stopped.Overrides);

    private static async Task<TestNode> StartAsync(string directory, string file, string[] overrides)
    {
        // Any free port for the admin endpoint, so that test nodes never meet each other (or a node on this machine) on 9110.
        var settings = NodeSettings.Read(Program.Load(file, [.. overrides, "--switch:admin:port=0"]));
        var node = await SwitchNode.StartAsync(settings, NullLoggerFactory.Instance);
        return new TestNode(node, directory, file, overrides);
    }

    public Task<AcquirerClient> ConnectAsync() =>
        AcquirerClient.ConnectAsync(AcquirerEndpoint, new AcquirerClientOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));

    public async ValueTask DisposeAsync() => await Node.StopAsync();

    /// <summary>Deletes the node's directory (call after the last restart).</summary>
    public void DeleteDirectory()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
