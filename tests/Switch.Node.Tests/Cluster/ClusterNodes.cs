using System.Net;
using Npgsql;
using Switch.Actors;
using Switch.Actors.Accounts.Events;
using Switch.Node.Tests.EndToEnd;
using Switch.Runtime.Sharding;
using Switch.Runtime.Tests.Postgres;
using Switch.Simulators;

namespace Switch.Node.Tests.Cluster;

/// <summary>
/// A cluster on loopback for one test: a private PostgreSQL (journal, members, leases), a bank host simulator, and
/// switch nodes as real processes, each with its own configuration file.
/// </summary>
internal sealed class ClusterNodes : IAsyncDisposable
{
    public const string AcquirerId = "000077";
    public const int Shards = 16;

    private readonly PostgresServer _server;
    private readonly string _directory = Directory.CreateTempSubdirectory("switch-cluster-").FullName;
    private readonly Dictionary<string, NodeProcess> _nodes = new(StringComparer.Ordinal);

    private ClusterNodes(PostgresServer server, string connectionString, BankHostSimulator bank)
    {
        _server = server;
        ConnectionString = connectionString;
        Bank = bank;
    }

    public string ConnectionString { get; }

    public BankHostSimulator Bank { get; }

    /// <summary>SIGSTOP of the database server: every connection hangs, as in a database failover.</summary>
    public void PauseDatabase() => _server.Pause();

    public void ResumeDatabase() => _server.Resume();

    public static async Task<ClusterNodes> StartAsync(string database, BankHostBehaviour? bankBehaviour = null)
    {
        var server = PostgresServer.Start();
        var connectionString = server.CreateDatabase(database);
        var bank = await BankSimulator.StartAsync(bankBehaviour ?? new BankHostBehaviour { Latency = Latency.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10)) });
        return new ClusterNodes(server, connectionString, bank);
    }

    public NodeProcess this[string nodeId] => _nodes[nodeId];

    /// <summary>The acquirer endpoints of the nodes that run (for acquirers that move to another node when theirs goes).</summary>
    public IReadOnlyList<IPEndPoint> LiveAcquirers()
    {
        lock (_nodes)
            return _nodes.Values.Where(n => !n.HasExited && n.AcquirerEndpoint.IsCompletedSuccessfully).Select(n => n.AcquirerEndpoint.Result).ToList();
    }

    /// <summary>Starts node <paramref name="nodeId"/> in <paramref name="dataCentre"/> (again, after a stop: a new incarnation).</summary>
    public async Task<NodeProcess> StartNodeAsync(string nodeId, string dataCentre)
    {
        var directory = Path.Combine(_directory, nodeId);
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "node.conf");
        await File.WriteAllTextAsync(config, $$"""
            switch {
              node.id = {{nodeId}}
              node.data-dir = "{{directory}}"
              node.shutdown-timeout = 20s
              logging.file = ""
              security.card-data-key = "{{TestNode.CardDataKey}}"
              admin { port = 0, token = "{{TestNode.AdminToken}}", fault-injection = true }
              journal.backend = postgres
              journal.postgres.connection-string = "{{ConnectionString}}"
              cluster { enabled = true, data-centre = {{dataCentre}} }
              remote { port = 0, secret = "a-cluster-secret-for-tests" }
              accounts.shards = {{Shards}}
              accounts.authorization-timeout = 5s
              acquirers = [ { name = acquirer, acquirer-id = "{{AcquirerId}}", port = 0 } ]
              channels = [ {{BankSimulator.Channel("bank-a-1", "bank-a", Bank)}} ]
              bin-table = [
                { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] }
                { range = "627700", issuer = switch, product = prepaid, on-us = true }
              ]
              products {
                classic {}
                prepaid { opening-balance = 100000000 }
              }
            }
            """);
        NodeProcess? previous;
        lock (_nodes)
            _nodes.Remove(nodeId, out previous);
        if (previous is not null)
            await previous.DisposeAsync();
        var node = await NodeProcess.StartAsync(config);
        lock (_nodes)
            _nodes[nodeId] = node;
        return node;
    }

    /// <summary>Runs <paramref name="sql"/> on the cluster's database and reads every row with <paramref name="read"/>.</summary>
    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, object[]? parameters = null, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters ?? [])
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }

    /// <summary>The owner of every account shard whose lease is current, by shard.</summary>
    public async Task<Dictionary<int, string>> OwnersAsync() =>
        (await QueryAsync("SELECT shard_id, owner_node_id FROM shard_leases WHERE entity_type = 'account' AND owner_node_id IS NOT NULL AND expires_at > now()",
            r => (Shard: r.GetInt32(0), Owner: r.GetString(1)))).ToDictionary(o => o.Shard, o => o.Owner);

    /// <summary>The journal's events of <paramref name="persistenceId"/> with manifest <paramref name="manifest"/>.</summary>
    public async Task<long> EventsAsync(string persistenceId, string manifest) =>
        (await QueryAsync("SELECT count(*) FROM journal WHERE persistence_id = $1 AND manifest = $2", r => r.GetInt64(0), [persistenceId, manifest])).Single();

    /// <summary>The current owner of a lease (null when released or expired).</summary>
    public async Task<string?> LeaseOwnerAsync(string entityType, int shardId) =>
        (await QueryAsync("SELECT owner_node_id FROM shard_leases WHERE entity_type = $1 AND shard_id = $2 AND expires_at > now()",
            r => r.IsDBNull(0) ? null : r.GetString(0), [entityType, shardId])).SingleOrDefault();

    /// <summary>
    /// Polls the account leases until cancelled: an epoch names one owner for ever, so the same shard and epoch seen
    /// with two owners would be a shard owned twice. Returns every such sighting.
    /// </summary>
    public async Task<List<string>> WatchForDoubleOwnershipAsync(CancellationToken cancellationToken)
    {
        var seen = new Dictionary<(int Shard, long Epoch), string>();
        var doubled = new List<string>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var leases = await QueryAsync("SELECT shard_id, epoch, owner_node_id FROM shard_leases WHERE entity_type = 'account' AND owner_node_id IS NOT NULL",
                    r => (Key: (r.GetInt32(0), r.GetInt64(1)), Owner: r.GetString(2)), cancellationToken: cancellationToken);
                foreach (var (key, owner) in leases)
                {
                    if (seen.TryGetValue(key, out var before) && before != owner)
                        doubled.Add($"shard {key.Item1} epoch {key.Item2}: {before} and {owner}");
                    seen[key] = owner;
                }
                await Task.Delay(50, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        return doubled;
    }

    /// <summary>The leases that name <paramref name="nodeId"/> as owner, expired or not.</summary>
    public async Task<long> LeasesHeldAsync(string nodeId) =>
        (await QueryAsync("SELECT count(*) FROM shard_leases WHERE owner_node_id = $1", r => r.GetInt64(0), [nodeId])).Single();

    /// <summary>Waits until every shard has a current owner and each node in <paramref name="nodes"/> owns some.</summary>
    public async Task WaitForBalanceAsync(params string[] nodes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var owners = await OwnersAsync();
            if (owners.Count == Shards && nodes.All(n => owners.ContainsValue(n)) && owners.Values.All(nodes.Contains))
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"shards not spread over {string.Join(", ", nodes)} in time: {string.Join(", ", owners.Select(o => $"{o.Key}={o.Value}"))}");
            await Task.Delay(100);
        }
    }

    /// <summary>Every decision in the journal.</summary>
    public Task<List<TransactionDecided>> DecisionsAsync()
    {
        var serializer = PaymentSwitch.Serializer();
        return QueryAsync("SELECT manifest, payload FROM journal WHERE manifest = 'account.transaction-decided.v1' ORDER BY ordering",
            r => (TransactionDecided)serializer.Deserialize(r.GetString(0), (byte[])r[1]));
    }

    public static int ShardOf(string accountKey) => ShardHash.ShardOf(accountKey, Shards);

    /// <summary>
    /// What every cluster scenario must end with: the acquirers heard only approvals or retryable answers (91, 96),
    /// the journal decided each transaction once, and holds every approval they heard.
    /// </summary>
    public async Task AssertReconciledAsync(IReadOnlyDictionary<string, Protocol.Iso8583.IsoMessage> answers)
    {
        Assert.NotEmpty(answers);
        var failed = answers.Where(a => a.Value.ResponseCode is not (Actors.Transactions.ResponseCodes.Approved
            or Actors.Transactions.ResponseCodes.IssuerUnavailable or Actors.Transactions.ResponseCodes.SystemMalfunction)).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} answers were neither approvals nor retryable: {string.Join(", ", failed.Take(5).Select(f => f.Value.ResponseCode))}");
        var decided = await DecisionsAsync();
        var byKey = decided.GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.ToList());
        var twice = byKey.Where(p => p.Value.Count > 1).Select(p => p.Key).ToList();
        Assert.True(twice.Count == 0, $"decided more than once: {string.Join(", ", twice.Take(5))}");
        foreach (var (key, answer) in answers)
        {
            if (answer.ResponseCode != Actors.Transactions.ResponseCodes.Approved)
                continue;
            Assert.True(byKey.TryGetValue(key, out var events), $"the approval of {key} is not in the journal");
            Assert.Equal(Actors.Transactions.ResponseCodes.Approved, events![0].ResponseCode);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values)
            await node.DisposeAsync();
        await Bank.DisposeAsync();
        _server.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
