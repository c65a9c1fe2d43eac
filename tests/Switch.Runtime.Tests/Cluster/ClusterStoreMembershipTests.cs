using System.Net;
using System.Net.Sockets;
using Npgsql;
using Switch.Runtime.Cluster;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Tests.Cluster;

/// <summary>Membership in the cluster store, on a real PostgreSQL (the collection's private server): a new schema per test.</summary>
[Collection("cluster-postgres")]
public sealed class ClusterStoreMembershipTests(ClusterDatabaseFixture fixture)
{
    private readonly ClusterSettings _settings = fixture.NewSchema();

    [Fact]
    public async Task Nodes_and_a_journal_starting_together_create_the_tables_once()
    {
        var opening = Enumerable.Range(0, 4).Select(_ => ClusterStore.OpenAsync(_settings)).ToList();
        var journal = PostgresJournal.OpenAsync(new PostgresPersistenceOptions(fixture.ConnectionString) { Schema = _settings.Schema });
        var stores = await Task.WhenAll(opening);
        await (await journal).DisposeAsync();
        foreach (var store in stores)
            await store.DisposeAsync();
        await using (var again = await ClusterStore.OpenAsync(_settings))
            Assert.Empty(await again.MembersAsync());

        await using var connection = await fixture.ConnectAsync();
        async Task<string?> Scalar(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = _settings.Schema });
            return (string?)await command.ExecuteScalarAsync();
        }
        string Columns(string table) =>
            "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns " +
            $"WHERE table_schema = $1 AND table_name = '{table}'";
        Assert.Equal("node_id:text,address:text,data_centre:text,roles:ARRAY,status:text,incarnation:bigint,heartbeat_at:timestamp with time zone," +
                     "joined_at:timestamp with time zone,changed_at:timestamp with time zone", await Scalar(Columns("cluster_members")));
        Assert.Equal("entity_type:text,shard_id:integer,owner_node_id:text,owner_incarnation:bigint,epoch:bigint,expires_at:timestamp with time zone," +
                     "last_owner:text,changed_at:timestamp with time zone", await Scalar(Columns("shard_leases")));
        Assert.Equal("data_centre:text,isolated:boolean,changed_at:timestamp with time zone,changed_by:text", await Scalar(Columns("cluster_data_centres")));
        Assert.Equal("1", await Scalar($"SELECT string_agg(version::text, ',') FROM \"{_settings.Schema}\".schema_version WHERE scope = 'switch.cluster:' || $1"));
    }

    [Fact]
    public async Task A_join_starts_at_incarnation_1_and_a_rejoin_takes_the_next_incarnation_and_starts_over()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        Assert.Equal(1, await store.JoinAsync(new ClusterNode("node-a", "10.0.0.1:2552", "dc1", ["payments", "admin"])));
        var joined = await store.MemberAsync("node-a");
        Assert.Equal(("10.0.0.1:2552", "dc1", MemberStatus.Joining, 1L), (joined.Address, joined.DataCentre, joined.Status, joined.Incarnation));
        Assert.Equal(["payments", "admin"], joined.Roles);
        Assert.True(await store.MarkUpAsync("node-a", 1));
        Assert.True(await store.MarkUpAsync("node-a", 1)); // already up: still true
        Assert.Equal(MemberStatus.Up, (await store.MemberAsync("node-a")).Status);

        Assert.Equal(2, await store.JoinAsync(new ClusterNode("node-a", "10.0.0.9:2552", "dc2", [])));
        var rejoined = await store.MemberAsync("node-a");
        Assert.Equal(("10.0.0.9:2552", "dc2", MemberStatus.Joining, 2L), (rejoined.Address, rejoined.DataCentre, rejoined.Status, rejoined.Incarnation));
        Assert.Empty(rejoined.Roles);
        Assert.True(rejoined.JoinedAt > joined.JoinedAt);
        Assert.False(await store.HeartbeatAsync("node-a", 1)); // the previous incarnation must stop serving
        Assert.False(await store.MarkUpAsync("node-a", 1));
        Assert.True(await store.HeartbeatAsync("node-a", 2));
        Assert.Equal(3, await store.JoinAsync(ClusterTesting.Node("node-a")));
    }

    [Fact]
    public async Task A_heartbeat_is_stamped_with_the_database_clock()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var incarnation = await store.JoinAsync(ClusterTesting.Node("node-a"));
        await Task.Delay(300);
        Assert.True((await store.MemberAsync("node-a")).HeartbeatAge >= TimeSpan.FromMilliseconds(200));

        await using var connection = await fixture.ConnectAsync();
        async Task<DateTime> Read(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            return (DateTime)(await command.ExecuteScalarAsync())!;
        }
        var before = await Read("SELECT clock_timestamp()");
        Assert.True(await store.HeartbeatAsync("node-a", incarnation));
        var after = await Read("SELECT clock_timestamp()");
        var stamped = await Read($"SELECT heartbeat_at FROM \"{_settings.Schema}\".cluster_members WHERE node_id = 'node-a'");
        Assert.InRange(stamped, before, after);
        Assert.True((await store.MemberAsync("node-a")).HeartbeatAge < TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_graceful_leave_goes_through_leaving_and_exiting_to_removed_and_other_transitions_are_refused()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var incarnation = await store.JoinUpAsync("node-a");
        Assert.False(await store.MarkExitingAsync("node-a", incarnation)); // not leaving yet
        Assert.False(await store.RemoveAsync("node-a", incarnation)); // neither exiting nor down
        Assert.False(await store.LeaveAsync("node-a", incarnation + 1)); // no such incarnation
        Assert.True(await store.LeaveAsync("node-a", incarnation));
        Assert.True(await store.LeaveAsync("node-a", incarnation));
        Assert.False(await store.MarkUpAsync("node-a", incarnation));
        Assert.True(await store.HeartbeatAsync("node-a", incarnation)); // a leaving node still serves what it hands off
        Assert.True(await store.MarkExitingAsync("node-a", incarnation));
        Assert.Equal(MemberStatus.Exiting, (await store.MemberAsync("node-a")).Status);
        Assert.True(await store.RemoveAsync("node-a", incarnation));
        Assert.True(await store.RemoveAsync("node-a", incarnation));
        Assert.Equal(MemberStatus.Removed, (await store.MemberAsync("node-a")).Status);
        Assert.False(await store.HeartbeatAsync("node-a", incarnation));
        Assert.False(await store.LeaveAsync("node-a", incarnation));
    }

    [Fact]
    public async Task An_operator_down_refuses_the_nodes_heartbeats_until_it_joins_again()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var incarnation = await store.JoinUpAsync("node-a");
        var before = await store.MemberAsync("node-a");
        Assert.True(await store.DownAsync("node-a"));
        Assert.False(await store.DownAsync("node-a"));
        Assert.False(await store.DownAsync("node-unknown"));
        var downed = await store.MemberAsync("node-a");
        Assert.Equal(MemberStatus.Down, downed.Status);
        Assert.True(downed.ChangedAt > before.ChangedAt);
        Assert.False(await store.HeartbeatAsync("node-a", incarnation));
        Assert.False(await store.MarkUpAsync("node-a", incarnation));
        Assert.True(await store.RemoveAsync("node-a", incarnation));
        Assert.False(await store.DownAsync("node-a")); // removed

        var next = await store.JoinUpAsync("node-a");
        Assert.Equal(incarnation + 1, next);
        Assert.True(await store.HeartbeatAsync("node-a", next));
    }

    [Fact]
    public async Task Unreachable_members_are_those_silent_longer_than_the_timeout_by_the_database_clock()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        var a = await store.JoinUpAsync("node-a");
        await store.JoinUpAsync("node-b");
        await store.JoinAsync(ClusterTesting.Node("node-c")); // joining
        var d = await store.JoinUpAsync("node-d");
        Assert.True(await store.LeaveAsync("node-d", d));
        var e = await store.JoinUpAsync("node-e");
        Assert.True(await store.LeaveAsync("node-e", e));
        Assert.True(await store.MarkExitingAsync("node-e", e)); // exiting members are left alone
        var timeout = TimeSpan.FromMilliseconds(500);
        Assert.Empty(await store.DownUnreachableAsync(timeout));

        // node-d spoke last (its leave): wait until all three are silent past the timeout, not just node-b.
        await ClusterTesting.WaitUntilAsync(async () =>
        {
            foreach (var id in new[] { "node-b", "node-c", "node-d" })
            {
                if ((await store.MemberAsync(id)).HeartbeatAge <= timeout)
                    return false;
            }
            return true;
        }, "node-b, node-c and node-d to go silent");
        Assert.True(await store.HeartbeatAsync("node-a", a));
        Assert.Equal(["node-b", "node-c", "node-d"], await store.DownUnreachableAsync(timeout));
        Assert.Empty(await store.DownUnreachableAsync(timeout));
        var members = (await store.MembersAsync()).ToDictionary(m => m.NodeId, m => m.Status);
        Assert.Equal(MemberStatus.Up, members["node-a"]);
        Assert.Equal(MemberStatus.Exiting, members["node-e"]);
        Assert.All(["node-b", "node-c", "node-d"], id => Assert.Equal(MemberStatus.Down, members[id]));
    }

    [Fact]
    public async Task A_member_whose_own_heartbeat_is_old_when_its_statement_runs_downs_nobody()
    {
        // As after a database stall: the deciding node's statement runs when every heartbeat, its own too, is old.
        await using var store = await ClusterStore.OpenAsync(_settings);
        var a = await store.JoinUpAsync("node-a");
        await store.JoinUpAsync("node-b");
        var timeout = TimeSpan.FromMilliseconds(400);
        await ClusterTesting.WaitUntilAsync(async () => (await store.MemberAsync("node-a")).HeartbeatAge > timeout, "every heartbeat to age");
        Assert.Empty(await store.DownUnreachableAsync(timeout, "node-a", a));
        Assert.False(await store.DownAsync("node-b", "node-a", a, timeout));
        Assert.Equal(MemberStatus.Up, (await store.MemberAsync("node-b")).Status);

        Assert.True(await store.HeartbeatAsync("node-a", a)); // node-a is alive again, node-b is not
        Assert.Equal(["node-b"], await store.DownUnreachableAsync(timeout, "node-a", a));
        Assert.Equal(MemberStatus.Up, (await store.MemberAsync("node-a")).Status); // never downs itself
        Assert.False(await store.DownAsync("node-a", "node-b", 1, timeout)); // a downed member decides nothing
    }

    [Fact]
    public async Task Nodes_racing_to_down_unreachable_members_down_each_one_exactly_once()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ClusterStore.OpenAsync(_settings)));
        try
        {
            var ids = Enumerable.Range(0, 30).Select(i => $"node-{i:00}").ToList();
            var timeout = TimeSpan.FromMilliseconds(200);
            for (var round = 0; round < 4; round++)
            {
                foreach (var id in ids)
                    await stores[0].JoinAsync(ClusterTesting.Node(id));
                await ClusterTesting.WaitUntilAsync(async () => (await stores[0].MembersAsync()).All(m => m.HeartbeatAge > timeout), "every member to go silent");
                using var start = new ManualResetEventSlim();
                var racers = stores.Select(store => Task.Run(async () =>
                {
                    start.Wait();
                    return await store.DownUnreachableAsync(timeout);
                })).ToList();
                start.Set();
                var downed = (await Task.WhenAll(racers)).SelectMany(d => d).ToList();
                Assert.Equal(ids, downed.Order(StringComparer.Ordinal));
                Assert.All(await stores[0].MembersAsync(), m => Assert.Equal(MemberStatus.Down, m.Status));
            }
        }
        finally
        {
            foreach (var store in stores)
                await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Operators_isolate_a_data_centre_and_fail_it_back()
    {
        await using var store = await ClusterStore.OpenAsync(_settings);
        Assert.Empty(await store.DataCentresAsync());
        var isolated = await store.SetDataCentreIsolatedAsync("dc2", true, "ops:alice");
        Assert.Equal(("dc2", true, "ops:alice"), (isolated.DataCentre, isolated.Isolated, isolated.ChangedBy));
        await store.SetDataCentreIsolatedAsync("dc1", false, "ops:alice");
        var failedBack = await store.SetDataCentreIsolatedAsync("dc2", false, "ops:bob");
        Assert.True(failedBack.ChangedAt > isolated.ChangedAt);
        Assert.Equal([("dc1", false, "ops:alice"), ("dc2", false, "ops:bob")],
            (await store.DataCentresAsync()).Select(d => (d.DataCentre, d.Isolated, d.ChangedBy)));
    }

    [Fact]
    public async Task A_database_that_cannot_be_reached_fails_opening_with_the_store_named()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var settings = _settings with { ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=nowhere", ConnectTimeout = TimeSpan.FromSeconds(1) };
        var error = await Assert.ThrowsAsync<ClusterStoreUnavailableException>(() => ClusterStore.OpenAsync(settings));
        Assert.Contains($"cluster store '127.0.0.1:{port}/nowhere {settings.Schema}'", error.Message);
        Assert.Contains("could not open and migrate", error.Message);
        Assert.NotNull(error.InnerException);
    }
}
