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

    public static async Task<ClusterNodes> StartAsync(string database)
    {
        var server = PostgresServer.Start();
        var connectionString = server.CreateDatabase(database);
        var bank = await BankSimulator.StartAsync(new BankHostBehaviour { Latency = Latency.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10)) });
        return new ClusterNodes(server, connectionString, bank);
    }

    public NodeProcess this[string nodeId] => _nodes[nodeId];

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
              admin.port = 0
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
        var node = await NodeProcess.StartAsync(config);
        _nodes[nodeId] = node;
        return node;
    }

    /// <summary>The owner of every account shard whose lease is current, by shard.</summary>
    public async Task<Dictionary<int, string>> OwnersAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT shard_id, owner_node_id FROM shard_leases WHERE entity_type = 'account' AND owner_node_id IS NOT NULL AND expires_at > now()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var owners = new Dictionary<int, string>();
        while (await reader.ReadAsync())
            owners[reader.GetInt32(0)] = reader.GetString(1);
        return owners;
    }

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
    public async Task<List<TransactionDecided>> DecisionsAsync()
    {
        var serializer = PaymentSwitch.Serializer();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT manifest, payload FROM journal WHERE manifest = 'account.transaction-decided.v1' ORDER BY ordering", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var decided = new List<TransactionDecided>();
        while (await reader.ReadAsync())
            decided.Add((TransactionDecided)serializer.Deserialize(reader.GetString(0), (byte[])reader[1]));
        return decided;
    }

    public static int ShardOf(string accountKey) => ShardHash.ShardOf(accountKey, Shards);

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
