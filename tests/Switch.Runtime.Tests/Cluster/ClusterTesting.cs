using System.Diagnostics;
using Switch.Runtime.Cluster;

namespace Switch.Runtime.Tests.Cluster;

/// <summary>Helpers shared by the cluster store tests.</summary>
internal static class ClusterTesting
{
    public static ClusterNode Node(string id, string dataCentre = "dc1") => new(id, $"10.0.0.{id.Length}:2552", dataCentre, ["payments"]);

    /// <summary>Joins <paramref name="id"/> and marks it up; returns its incarnation.</summary>
    public static async Task<long> JoinUpAsync(this ClusterStore store, string id, string dataCentre = "dc1")
    {
        var incarnation = await store.JoinAsync(Node(id, dataCentre));
        Assert.True(await store.MarkUpAsync(id, incarnation));
        return incarnation;
    }

    public static async Task<ClusterMember> MemberAsync(this ClusterStore store, string id) =>
        (await store.MembersAsync()).Single(m => m.NodeId == id);

    public static async Task<ShardLease> LeaseAsync(this ClusterStore store, string entityType, int shardId) =>
        (await store.LeasesAsync(entityType)).Single(l => l.ShardId == shardId);

    /// <summary>Polls until <paramref name="condition"/> holds; fails the test after a generous 15 s (a bound, not a speed check).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(15))
                Assert.Fail($"gave up waiting for {what}");
            await Task.Delay(50);
        }
    }
}
