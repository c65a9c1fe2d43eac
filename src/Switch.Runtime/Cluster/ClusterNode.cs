namespace Switch.Runtime.Cluster;

/// <summary>What a node says about itself when it joins.</summary>
/// <param name="NodeId">The node's stable name (<c>switch.node.id</c>); a restart joins again under the same id.</param>
/// <param name="Address">host:port of the node's cluster transport, where other nodes reach it.</param>
/// <param name="DataCentre">The node's data centre.</param>
/// <param name="Roles">The node's roles.</param>
public sealed record ClusterNode(string NodeId, string Address, string DataCentre, IReadOnlyList<string> Roles);
