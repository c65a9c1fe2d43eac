using Npgsql;
using Switch.Runtime.Cluster;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Tests.Cluster;

/// <summary>The journal's lease check inside its own write transaction, on a real PostgreSQL.</summary>
[Collection("cluster-postgres")]
public sealed class LeaseFenceTests(ClusterDatabaseFixture fixture)
{
    private const string Accounts = "account";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private readonly ClusterSettings _settings = fixture.NewSchema();

    private async Task<IReadOnlyList<WriteFence>> CheckAsync(params WriteFence[] tokens)
    {
        await using var connection = await fixture.ConnectAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        return await LeaseFence.CheckAsync(connection, transaction, _settings.Schema, tokens);
    }

    [Fact]
    public async Task Current_tokens_pass_and_a_stale_epoch_another_owner_or_an_unknown_shard_fail()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var a = await store.JoinUpAsync("node-a");
        var b = await store.JoinUpAsync("node-b");
        var zero = (await store.TryAcquireAsync(Accounts, 0, "node-a", a, Long)).Lease!.Token!;
        var one = (await store.TryAcquireAsync(Accounts, 1, "node-a", a, Long)).Lease!.Token!;
        Assert.True(await store.ReleaseAsync(Accounts, 1, "node-a", 1));
        var oneAgain = (await store.TryAcquireAsync(Accounts, 1, "node-a", a, Long)).Lease!.Token!;
        var two = (await store.TryAcquireAsync(Accounts, 2, "node-b", b, Long)).Lease!.Token!;

        Assert.Empty(await CheckAsync(zero, oneAgain, zero)); // duplicates are fine
        Assert.Empty(await CheckAsync());
        Assert.Equal([one], await CheckAsync(zero, one)); // an older epoch
        var impostor = two with { Owner = "node-a" };
        var unknown = new WriteFence(Accounts, 99, 1, "node-a");
        var otherType = zero with { EntityType = "channel" };
        Assert.Equal([impostor, unknown, otherType], await CheckAsync(unknown, impostor, zero, otherType)); // by entity type and shard
    }

    [Fact]
    public async Task An_expired_lease_or_a_downed_owner_fails_the_check()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var a = await store.JoinUpAsync("node-a");
        var b = await store.JoinUpAsync("node-b");
        var brief = (await store.TryAcquireAsync(Accounts, 0, "node-a", a, TimeSpan.FromMilliseconds(500))).Lease!.Token!;
        var lasting = (await store.TryAcquireAsync(Accounts, 1, "node-b", b, Long)).Lease!.Token!;
        Assert.Empty(await CheckAsync(brief, lasting));
        await ClusterTesting.WaitUntilAsync(async () => (await store.LeaseAsync(Accounts, 0)).Expired, "the lease to expire");
        Assert.Equal([brief], await CheckAsync(brief, lasting)); // nobody took it, but it ran out

        Assert.True(await store.DownAsync("node-b"));
        Assert.Equal([lasting], await CheckAsync(lasting)); // nobody took it, but its owner is down
    }

    [Fact]
    public async Task A_takeover_waits_for_the_fenced_write_to_commit_and_then_gets_the_next_epoch()
    {
        await using var nodeA = await ClusterStore.OpenAsync(_settings);
        await using var nodeB = await ClusterStore.OpenAsync(_settings);
        var a = await nodeA.JoinUpAsync("node-a");
        var b = await nodeB.JoinUpAsync("node-b");
        var token = (await nodeA.TryAcquireAsync(Accounts, 0, "node-a", a, Long)).Lease!.Token!;
        var events = $"\"{_settings.Schema}\".events";
        await using var journal = await fixture.ConnectAsync();
        await using (var create = new NpgsqlCommand($"CREATE TABLE {events} (seq INTEGER PRIMARY KEY)", journal))
            await create.ExecuteNonQueryAsync();

        // node-a's journal: a write transaction checks its lease and holds it...
        await using var write = await journal.BeginTransactionAsync();
        Assert.Empty(await LeaseFence.CheckAsync(journal, write, _settings.Schema, [token]));
        // ...while node-a is downed and node-b takes the shard over.
        Assert.True(await nodeB.DownAsync("node-a"));
        var takeover = nodeB.TryAcquireAsync(Accounts, 0, "node-b", b, Long);
        await using var observer = await fixture.ConnectAsync();
        await ClusterTesting.WaitUntilAsync(async () =>
        {
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%shard_leases%'", observer);
            waiting.Parameters.Add(new NpgsqlParameter { Value = _settings.Schema });
            return (long)(await waiting.ExecuteScalarAsync())! == 1;
        }, "the takeover to wait for the write transaction's lock");
        Assert.False(takeover.IsCompleted);
        Assert.Equal(("node-a", 1L), ((await nodeB.LeaseAsync(Accounts, 0)).Owner, (await nodeB.LeaseAsync(Accounts, 0)).Epoch)); // readers do not wait

        await using (var insert = new NpgsqlCommand($"INSERT INTO {events} VALUES (1)", journal, write))
            await insert.ExecuteNonQueryAsync();
        await write.CommitAsync();
        var taken = await takeover;
        Assert.True(taken.Acquired);
        Assert.Equal(2, taken.Lease!.Epoch);

        // The write committed before the takeover did, so node-b's recovery reads it; node-a's next write is fenced out.
        await using (var order = new NpgsqlCommand(
            $"SELECT (SELECT pg_xact_commit_timestamp(xmin) FROM {events} WHERE seq = 1) < " +
            $"(SELECT pg_xact_commit_timestamp(xmin) FROM \"{_settings.Schema}\".shard_leases WHERE entity_type = $1 AND shard_id = 0)", observer))
        {
            order.Parameters.Add(new NpgsqlParameter { Value = Accounts });
            Assert.True((bool)(await order.ExecuteScalarAsync())!);
        }
        Assert.Equal([token], await CheckAsync(token));
    }

    [Fact]
    public async Task The_check_goes_in_the_journals_batch_before_its_insert()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var a = await store.JoinUpAsync("node-a");
        var current = (await store.TryAcquireAsync(Accounts, 0, "node-a", a, Long)).Lease!.Token!;
        var events = $"\"{_settings.Schema}\".events";
        await using var connection = await fixture.ConnectAsync();
        await using (var create = new NpgsqlCommand($"CREATE TABLE {events} (seq INTEGER PRIMARY KEY)", connection))
            await create.ExecuteNonQueryAsync();

        async Task<IReadOnlyList<WriteFence>> WriteAsync(int seq, WriteFence token)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands = { LeaseFence.CreateCommand(_settings.Schema, [token]), new NpgsqlBatchCommand($"INSERT INTO {events} VALUES ({seq})") },
            };
            IReadOnlyList<WriteFence> stale;
            await using (var reader = await batch.ExecuteReaderAsync())
                stale = await LeaseFence.ReadStaleAsync(reader);
            if (stale.Count == 0)
                await transaction.CommitAsync();
            else
                await transaction.RollbackAsync();
            return stale;
        }

        Assert.Empty(await WriteAsync(1, current));
        Assert.Equal([current with { Epoch = 7 }], await WriteAsync(2, current with { Epoch = 7 }));
        await using var stored = new NpgsqlCommand($"SELECT string_agg(seq::text, ',') FROM {events}", connection);
        Assert.Equal("1", await stored.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Fencing_many_shards_while_their_owner_renews_them_does_not_deadlock()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var a = await store.JoinUpAsync("node-a");
        var tokens = new List<WriteFence>();
        for (var shard = 0; shard < 20; shard++)
            tokens.Add((await store.TryAcquireAsync(Accounts, shard, "node-a", a, Long)).Lease!.Token!);

        var writers = Enumerable.Range(0, 4).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            await using var connection = await fixture.ConnectAsync();
            for (var i = 0; i < 25; i++)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                Assert.Empty(await LeaseFence.CheckAsync(connection, transaction, _settings.Schema, tokens.OrderBy(_ => random.Next()).ToList()));
                await Task.Delay(2);
                await transaction.CommitAsync();
            }
        }));
        var renewer = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
                Assert.Equal(20, (await store.RenewAllAsync("node-a", a, Long)).Leases.Count);
        });
        await Task.WhenAll([.. writers, renewer]); // a deadlock would fail one of them (SQLSTATE 40P01)
    }
}
