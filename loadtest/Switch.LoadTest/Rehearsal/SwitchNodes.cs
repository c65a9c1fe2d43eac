using System.Diagnostics;
using System.Net;
using Npgsql;
using Switch.LoadTest.Scenarios;

namespace Switch.LoadTest.Rehearsal;

/// <summary>
/// The switch a rehearsal runs: one node, or a cluster of nodes sharing the journal's PostgreSQL. Starts them (all at
/// once), knows where their acquirer listeners are, and tells when the cluster serves: every node started and every
/// account shard leased to a running node.
/// </summary>
internal sealed class SwitchNodes : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly IReadOnlyList<RehearsalNode> _nodes;
    private readonly string? _clusterDatabase;

    private SwitchNodes(IReadOnlyList<RehearsalNode> nodes, string? clusterDatabase)
    {
        _nodes = nodes;
        _clusterDatabase = clusterDatabase;
    }

    /// <summary>Writes every node's configuration into <paramref name="directory"/>; nothing is started yet.</summary>
    public static SwitchNodes Write(Scenario scenario, BankFarm banks, string directory, string? postgresConnectionString)
    {
        var secrets = NodeSecrets.Generate();
        var nodes = scenario.Switch.Nodes
            .Select(node => new RehearsalNode(node, NodeConfiguration.Write(scenario, node, banks, secrets, directory, postgresConnectionString), secrets))
            .ToList();
        return new SwitchNodes(nodes, scenario.Switch.Clustered ? postgresConnectionString : null);
    }

    /// <summary>The nodes in the scenario's order.</summary>
    public IReadOnlyList<RehearsalNode> All => _nodes;

    public RehearsalNode this[string id] => _nodes.First(n => n.Id == id);

    /// <summary>Where each node's acquirer listener is, in the scenario's order.</summary>
    public IReadOnlyList<EndPoint> AcquirerEndpoints => _nodes.Select(n => (EndPoint)new IPEndPoint(IPAddress.Loopback, n.Configuration.AcquirerPort)).ToList();

    /// <summary>The admin endpoint of the first node that runs (null when none does): for calls any node can answer.</summary>
    public AdminClient? LiveAdmin => _nodes.FirstOrDefault(n => n.Running)?.Admin;

    /// <summary>Starts every node at once and waits until the switch serves; how many account shards each node holds then.</summary>
    /// <exception cref="InvalidOperationException">A node did not start, exited meanwhile, or the shards were not all leased in time.</exception>
    public async Task<IReadOnlyDictionary<string, int>> StartAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.Process.StartAsync(StartTimeout))).ConfigureAwait(false);
        var owned = await WaitUntilServingAsync().ConfigureAwait(false);
        if (_nodes.FirstOrDefault(n => !n.Running) is { } gone)
            throw new InvalidOperationException($"node {gone.Id} exited after it had started, before the load:\n{gone.Process.Tail}");
        return owned;
    }

    /// <summary>Starts <paramref name="node"/> (again) and waits until it logged that it started.</summary>
    public Task StartAsync(RehearsalNode node) => node.Process.StartAsync(StartTimeout);

    /// <summary>
    /// In a cluster, waits until every account shard has an unexpired lease held by a node that runs (a single node
    /// owns every shard once started); how many each running node holds then (empty for a single node).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not so within two minutes; the message says how far it got.</exception>
    public async Task<IReadOnlyDictionary<string, int>> WaitUntilServingAsync()
    {
        if (_clusterDatabase is null)
            return new Dictionary<string, int>();
        var shards = _nodes[0].Configuration.AccountShards;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var running = _nodes.Where(n => n.Running).Select(n => n.Id).ToArray();
            var owned = await LeasedShardsAsync(running).ConfigureAwait(false);
            if (owned.Values.Sum() == shards)
                return owned;
            if (waited.Elapsed > StartTimeout)
                throw new InvalidOperationException($"{owned.Values.Sum()} of the {shards} account shards were leased to running nodes after {StartTimeout.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
        }
    }

    /// <summary>How many account shards each of <paramref name="running"/> holds an unexpired lease of.</summary>
    private async Task<Dictionary<string, int>> LeasedShardsAsync(string[] running)
    {
        await using var connection = new NpgsqlConnection(_clusterDatabase);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT owner_node_id, count(*) FROM shard_leases WHERE entity_type = 'account' AND owner_node_id = ANY($1) AND expires_at > now() GROUP BY owner_node_id",
            connection)
        {
            Parameters = { new NpgsqlParameter { Value = running } },
        };
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var owned = running.ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        while (await reader.ReadAsync().ConfigureAwait(false))
            owned[reader.GetString(0)] = (int)reader.GetInt64(1);
        return owned;
    }

    /// <summary>"node-1 holds 86, node-2 holds 85 ...", for the log and the timeline's marks.</summary>
    public static string Describe(IReadOnlyDictionary<string, int> owned) => string.Join(", ", owned.Select(o => $"{o.Key} holds {o.Value}"));

    /// <summary>Stops every running node gracefully (SIGTERM, all at once); each one's exit code, by id.</summary>
    public async Task<IReadOnlyDictionary<string, int>> TerminateAsync(TimeSpan timeout)
    {
        var running = _nodes.Where(n => n.Running).ToList();
        var exits = await Task.WhenAll(running.Select(n => n.Process.TerminateAsync(timeout))).ConfigureAwait(false);
        return running.Select((n, i) => (n.Id, Exit: exits[i])).ToDictionary(x => x.Id, x => x.Exit);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync().ConfigureAwait(false);
    }
}
