using System.Diagnostics;
using System.Text.Json;
using Switch.Runtime.Tests.Postgres;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// A cluster for the admin tests (and swctl's): a private PostgreSQL holding the journal, the members and the shard
/// leases, and nodes started in this process with 16 account shards. A node the cluster marks down exits its process
/// (code 3), so a test downs only a node running in a process of its own, or one cut off by an injected partition
/// that it never ends. Heartbeat timeout and lease TTL are longer than the defaults, so that a node merely slowed by a
/// loaded machine is not downed; a partitioned node is still downed within seconds of its peers no longer hearing it.
/// </summary>
internal sealed class AdminCluster : IAsyncDisposable
{
    public const int Shards = 16;

    private const string Secret = "a-cluster-secret-for-admin-tests";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly PostgresServer _server;
    private readonly List<TestNode> _nodes = [];

    private AdminCluster(PostgresServer server, string connectionString)
    {
        _server = server;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static AdminCluster Start(string database)
    {
        var server = PostgresServer.Start();
        return new AdminCluster(server, server.CreateDatabase(database));
    }

    /// <summary>The configuration (inside <c>switch { }</c>) of cluster node <paramref name="nodeId"/> in <paramref name="dataCentre"/>.</summary>
    public string Configuration(string nodeId, string dataCentre, bool faultInjection = false) => $$"""
        node.id = {{nodeId}}
        node.shutdown-timeout = 20s
        journal.backend = postgres
        journal.postgres.connection-string = "{{ConnectionString}}"
        cluster { enabled = true, data-centre = {{dataCentre}}, heartbeat-timeout = 10s, lease-ttl = 10s }
        remote { port = 0, secret = "{{Secret}}" }
        accounts.shards = {{Shards}}
        admin.fault-injection = {{(faultInjection ? "true" : "false")}}
        """;

    /// <summary>Starts node <paramref name="nodeId"/> in this process; it is stopped with the cluster unless the test stops it first.</summary>
    public async Task<TestNode> StartNodeAsync(string nodeId, string dataCentre, bool faultInjection = false)
    {
        var node = await TestNode.StartAsync(Configuration(nodeId, dataCentre, faultInjection));
        _nodes.Add(node);
        return node;
    }

    /// <summary>How many account shards each node holds a current lease on, in a GET /cluster answer.</summary>
    public static Dictionary<string, int> Owners(JsonElement cluster) =>
        cluster.GetProperty("shards").EnumerateArray().Single(r => r.GetProperty("entity_type").GetString() == "account")
            .GetProperty("owners").EnumerateArray().ToDictionary(o => o.GetProperty("node_id").GetString()!, o => o.GetProperty("shards").GetInt32());

    /// <summary>The account shards this node owns, in its GET /cluster answer.</summary>
    public static List<int> OwnedHere(JsonElement cluster) =>
        cluster.GetProperty("shards").EnumerateArray().Single(r => r.GetProperty("entity_type").GetString() == "account")
            .GetProperty("owned_here").EnumerateArray().Select(s => s.GetInt32()).ToList();

    /// <summary>The member <paramref name="nodeId"/> in a GET /cluster answer; null when absent.</summary>
    public static JsonElement? Member(JsonElement cluster, string nodeId) =>
        cluster.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("node_id").GetString() == nodeId).Select(m => (JsonElement?)m).FirstOrDefault();

    /// <summary>The status of member <paramref name="nodeId"/>; null when absent.</summary>
    public static string? Status(JsonElement cluster, string nodeId) => Member(cluster, nodeId)?.GetProperty("status").GetString();

    /// <summary>True when every account shard has a current owner and exactly <paramref name="nodes"/> own them, each at least one.</summary>
    public static bool SpreadOver(JsonElement cluster, params string[] nodes)
    {
        var owners = Owners(cluster);
        return owners.Values.Sum() == Shards && owners.Count == nodes.Length && nodes.All(n => owners.GetValueOrDefault(n) > 0);
    }

    /// <summary>Reads GET /cluster with <paramref name="read"/> until <paramref name="until"/> holds (a generous deadline); the last answer.</summary>
    public static async Task<JsonElement> WaitForAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> until, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var cluster = await read();
            if (until(cluster))
                return cluster;
            if (clock.Elapsed > Deadline)
                Assert.Fail($"not in {Deadline.TotalSeconds:0} s: {what}; the last answer: {cluster.GetRawText()}");
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _nodes.Count - 1; i >= 0; i--)
        {
            await _nodes[i].DisposeAsync();
            _nodes[i].DeleteDirectory();
        }
        _server.Dispose();
    }
}
