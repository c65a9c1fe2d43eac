namespace Switch.Runtime.Cluster;

/// <summary>A row of <c>cluster_data_centres</c>: the operators' <c>dc isolate</c> / <c>dc failback</c> state of one data centre.</summary>
/// <param name="DataCentre">The data centre.</param>
/// <param name="Isolated">True while isolated: its nodes get no shards and the shards they hold move out.</param>
/// <param name="ChangedAt">When the state was last set (database clock).</param>
/// <param name="ChangedBy">Who set it (an operator, as the admin endpoint names them).</param>
public sealed record DataCentreState(string DataCentre, bool Isolated, DateTimeOffset ChangedAt, string ChangedBy);
