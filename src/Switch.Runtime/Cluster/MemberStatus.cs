namespace Switch.Runtime.Cluster;

/// <summary>
/// A member's place in its life cycle (Akka's names). A node joins (<see cref="Joining"/>), is marked
/// <see cref="Up"/> when ready to own shards, and leaves gracefully through <see cref="Leaving"/> (handing its shards
/// off) and <see cref="Exiting"/> (nothing left to hand off) to <see cref="Removed"/>; an operator, or the store when
/// its heartbeats stop, marks it <see cref="Down"/>. A new join of the same node id starts a new incarnation at
/// <see cref="Joining"/> whatever the status was.
/// </summary>
public enum MemberStatus
{
    /// <summary>Joined, not yet owning shards.</summary>
    Joining,

    /// <summary>Serving: may acquire and renew shard leases.</summary>
    Up,

    /// <summary>Leaving gracefully: renews the leases it still holds while handing them off; acquires none.</summary>
    Leaving,

    /// <summary>Every shard handed off; about to be removed.</summary>
    Exiting,

    /// <summary>Declared dead: it must not serve, its leases can be taken at once, its heartbeats are refused.</summary>
    Down,

    /// <summary>Gone (after exiting or being downed); kept so that its data centre and incarnation stay known.</summary>
    Removed,
}

/// <summary>The text of each <see cref="MemberStatus"/> in the <c>cluster_members.status</c> column.</summary>
internal static class MemberStatusText
{
    internal const string Joining = "joining";
    internal const string Up = "up";
    internal const string Leaving = "leaving";
    internal const string Exiting = "exiting";
    internal const string Down = "down";
    internal const string Removed = "removed";

    internal static string ToText(this MemberStatus status) => status switch
    {
        MemberStatus.Joining => Joining,
        MemberStatus.Up => Up,
        MemberStatus.Leaving => Leaving,
        MemberStatus.Exiting => Exiting,
        MemberStatus.Down => Down,
        MemberStatus.Removed => Removed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    internal static MemberStatus Parse(string text) => text switch
    {
        Joining => MemberStatus.Joining,
        Up => MemberStatus.Up,
        Leaving => MemberStatus.Leaving,
        Exiting => MemberStatus.Exiting,
        Down => MemberStatus.Down,
        Removed => MemberStatus.Removed,
        _ => throw new FormatException($"'{text}' is not a member status."),
    };
}
