using Switch.Runtime.Actors;

namespace Switch.Runtime.Tests.Actors;

public sealed class ActorPathTests
{
    private static ActorPath Path(string address, long leafUid, long parentUid, params string[] names)
    {
        var path = ActorPath.Root(address);
        for (var i = 0; i < names.Length; i++)
            path = path.Child(names[i], i == names.Length - 1 ? leafUid : parentUid);
        return path;
    }

    [Fact]
    public void Paths_are_equal_by_address_names_and_the_actor_s_own_uid()
    {
        // A remote reference builds its path from text, with 0 for every uid but the actor's own.
        var local = Path("node-1", 42, 7, "user", "accounts", "shard-3", "acct");
        var remote = Path("node-1", 42, 0, "user", "accounts", "shard-3", "acct");

        Assert.Equal(local, remote);
        Assert.Equal(local.GetHashCode(), remote.GetHashCode());
        Assert.Equal("switch://node-1/user/accounts/shard-3/acct", local.ToString());

        Assert.NotEqual(local, Path("node-1", 43, 7, "user", "accounts", "shard-3", "acct")); // another incarnation
        Assert.NotEqual(local, Path("node-2", 42, 7, "user", "accounts", "shard-3", "acct"));
        Assert.NotEqual(local, Path("node-1", 42, 7, "user", "accounts", "shard-4", "acct"));
        Assert.NotEqual(local, Path("node-1", 42, 7, "user", "accounts", "acct"));
        Assert.NotEqual(local, Path("node-1", 42, 7, "accounts", "shard-3", "acct"));
    }
}
