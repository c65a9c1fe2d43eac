namespace Switch.Node.Tests.Cluster;

/// <summary>
/// The cluster changing under load (three node processes, two in dc-a and one in dc-b, acquirers on every node that
/// move to another node when theirs goes): nothing is lost or decided twice, and acquirers hear nothing worse than
/// retryable answers.
/// </summary>
public sealed class ClusterChangeTests
{
    private static async Task<ClusterNodes> StartThreeAsync(string database)
    {
        var cluster = await ClusterNodes.StartAsync(database);
        await Task.WhenAll(cluster.StartNodeAsync("node-1", "dc-a"), cluster.StartNodeAsync("node-2", "dc-a"), cluster.StartNodeAsync("node-3", "dc-b"));
        await cluster.WaitForBalanceAsync("node-1", "node-2", "node-3");
        return cluster;
    }

    private static async Task MoreAnswersAsync(ClusterLoad load, int more)
    {
        var target = load.Answers.Count + more;
        await EndToEnd.AuthorizationTests.Eventually(() => load.Answers.Count >= target, seconds: 60);
    }

    /// <summary>The load stops, its unanswered requests are repeated until answered, and everything is reconciled.</summary>
    private static async Task StopAndReconcileAsync(ClusterNodes cluster, ClusterLoad load)
    {
        await load.StopAsync();
        await load.RepeatUnansweredAsync(cluster.LiveAcquirers);
        await cluster.AssertReconciledAsync(load.Answers);
    }

    [Fact]
    public async Task A_node_that_leaves_gracefully_hands_its_shards_off_and_takes_some_again_when_it_rejoins()
    {
        await using var cluster = await StartThreeAsync("switch_cluster_leave");
        await using var load = new ClusterLoad(cluster.LiveAcquirers, senders: 6, cards: 300);
        await MoreAnswersAsync(load, 200);

        Assert.Equal(0, await cluster["node-3"].TerminateAsync()); // SIGTERM: leave, then exit
        Assert.Equal(0, await cluster.LeasesHeldAsync("node-3")); // every lease released, none left to expire
        await cluster.WaitForBalanceAsync("node-1", "node-2");
        await MoreAnswersAsync(load, 200);

        await cluster.StartNodeAsync("node-3", "dc-b");
        await cluster.WaitForBalanceAsync("node-1", "node-2", "node-3");
        await MoreAnswersAsync(load, 200);
        await StopAndReconcileAsync(cluster, load);
    }

    [Fact]
    public async Task A_rolling_restart_of_every_node_under_load_fails_no_transaction()
    {
        await using var cluster = await StartThreeAsync("switch_cluster_rolling");
        await using var load = new ClusterLoad(cluster.LiveAcquirers, senders: 6, cards: 300);
        await MoreAnswersAsync(load, 200);
        foreach (var (node, dataCentre) in new[] { ("node-1", "dc-a"), ("node-2", "dc-a"), ("node-3", "dc-b") })
        {
            Assert.Equal(0, await cluster[node].TerminateAsync());
            await cluster.StartNodeAsync(node, dataCentre);
            await cluster.WaitForBalanceAsync("node-1", "node-2", "node-3");
            await MoreAnswersAsync(load, 100);
        }
        await StopAndReconcileAsync(cluster, load);
    }

    [Fact]
    public async Task When_a_whole_data_centre_is_killed_the_other_takes_every_shard_and_nothing_is_lost()
    {
        await using var cluster = await StartThreeAsync("switch_cluster_dc_kill");
        await using var load = new ClusterLoad(cluster.LiveAcquirers, senders: 6, cards: 300);
        await MoreAnswersAsync(load, 200);

        await Task.WhenAll(cluster["node-1"].KillAsync(), cluster["node-2"].KillAsync());
        await cluster.WaitForBalanceAsync("node-3");
        await MoreAnswersAsync(load, 200);
        await StopAndReconcileAsync(cluster, load);
    }

    [Fact]
    public async Task When_the_database_hangs_every_node_stops_serving_and_all_serve_again_once_it_answers_without_a_restart()
    {
        await using var cluster = await StartThreeAsync("switch_cluster_db_pause");
        await using var load = new ClusterLoad(cluster.LiveAcquirers, senders: 6, cards: 300);
        await MoreAnswersAsync(load, 200);

        cluster.PauseDatabase();
        await Task.Delay(TimeSpan.FromSeconds(6)); // past every lease: no node may serve meanwhile
        cluster.ResumeDatabase();
        await cluster.WaitForBalanceAsync("node-1", "node-2", "node-3");
        await MoreAnswersAsync(load, 300);
        Assert.All(new[] { "node-1", "node-2", "node-3" }, node => Assert.False(cluster[node].HasExited, $"{node} exited"));
        await StopAndReconcileAsync(cluster, load);
    }

    [Fact]
    public async Task An_isolated_data_centre_hands_every_shard_off_under_load_and_then_losing_it_whole_loses_nothing()
    {
        await using var cluster = await StartThreeAsync("switch_cluster_dc_isolate");
        await using var load = new ClusterLoad(cluster.LiveAcquirers, senders: 6, cards: 300);
        await MoreAnswersAsync(load, 200);

        using (var admin = new Admin.AdminHttp(await cluster["node-3"].AdminEndpoint))
            (await admin.PostAsync("/dc/dc-a/isolate")).Expect(System.Net.HttpStatusCode.OK);
        await cluster.WaitForBalanceAsync("node-3"); // every shard moved to dc-b by handoff
        await MoreAnswersAsync(load, 200);

        await Task.WhenAll(cluster["node-1"].KillAsync(), cluster["node-2"].KillAsync());
        await MoreAnswersAsync(load, 200);
        await StopAndReconcileAsync(cluster, load);
    }

    [Fact]
    public async Task A_node_cut_off_from_its_peers_and_the_database_stops_serving_and_no_shard_is_ever_owned_twice()
    {
        await using var cluster = await StartThreeAsync("switch_cluster_partition");
        await using var load = new ClusterLoad(cluster.LiveAcquirers, senders: 6, cards: 300);
        await MoreAnswersAsync(load, 200);
        using var ownership = new CancellationTokenSource();
        var twice = cluster.WatchForDoubleOwnershipAsync(ownership.Token);

        using (var admin = new Admin.AdminHttp(await cluster["node-2"].AdminEndpoint))
            (await admin.PostAsync("/faults/partition", """{"partitioned": true}""")).Expect(System.Net.HttpStatusCode.OK);
        await cluster.WaitForBalanceAsync("node-1", "node-3"); // the others took node-2's shards once its leases ran out
        await MoreAnswersAsync(load, 200);

        // The partition ends: node-2 learns it was declared down and exits, so that a new incarnation can join.
        using (var admin = new Admin.AdminHttp(await cluster["node-2"].AdminEndpoint))
            await admin.PostAsync("/faults/partition", """{"partitioned": false}""");
        Assert.Equal(3, await cluster["node-2"].WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await cluster.StartNodeAsync("node-2", "dc-a");
        await cluster.WaitForBalanceAsync("node-1", "node-2", "node-3");
        await MoreAnswersAsync(load, 100);
        await ownership.CancelAsync();
        Assert.Empty(await twice);
        await StopAndReconcileAsync(cluster, load);
    }
}
