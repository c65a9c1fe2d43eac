namespace Switch.Runtime.Cluster;

/// <summary>A row of <c>cluster_members</c>, as the database saw it when it was read.</summary>
/// <param name="NodeId">The node's stable name.</param>
/// <param name="Address">host:port of the node's cluster transport.</param>
/// <param name="DataCentre">The node's data centre.</param>
/// <param name="Roles">The node's roles.</param>
/// <param name="Status">Where the member is in its life cycle.</param>
/// <param name="Incarnation">Which join of this node id the row describes (1 for the first, +1 on every join).</param>
/// <param name="HeartbeatAge">How long ago, by the database's clock, the member last stamped its heartbeat (or renewed its leases).</param>
/// <param name="JoinedAt">When this incarnation joined (database clock).</param>
/// <param name="ChangedAt">When the status last changed (database clock).</param>
public sealed record ClusterMember(
    string NodeId,
    string Address,
    string DataCentre,
    IReadOnlyList<string> Roles,
    MemberStatus Status,
    long Incarnation,
    TimeSpan HeartbeatAge,
    DateTimeOffset JoinedAt,
    DateTimeOffset ChangedAt);
