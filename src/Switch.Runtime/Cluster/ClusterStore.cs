using Npgsql;
using NpgsqlTypes;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Cluster;

/// <summary>
/// Membership and shard leases in PostgreSQL, the cluster's source of truth: nodes never decide among themselves who
/// is up or who owns a shard, they ask the store, and every decision is one conditional statement (or one short
/// transaction) so that nodes racing for the same change get one outcome. Every time the store compares or stamps
/// is the database's clock, never a node's.
/// </summary>
/// <remarks>
/// Lease rules: a node acquires a shard when the shard has no lease, the lease is released or expired, or its
/// owner is no longer an up or leaving member in the incarnation that acquired it (downed, removed, or joined again).
/// The epoch goes up by one whenever the owner (node id and incarnation) changes and never otherwise, so it is a
/// fencing token: the journal checks it with <see cref="LeaseFence"/> in every write transaction.
/// </remarks>
public sealed class ClusterStore : IAsyncDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    private static readonly string[] LiveStatuses = [MemberStatusText.Joining, MemberStatusText.Up, MemberStatusText.Leaving, MemberStatusText.Exiting];

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly ClusterSettings _settings;
    private readonly ClusterSchema _schema;
    private readonly string _joinSql, _transitionSql, _downSql, _downUnreachableSql, _heartbeatSql, _membersSql, _downUnreachableByMemberSql, _downByMemberSql;
    private readonly string _acquireSql, _leaseSql, _renewSql, _releaseSql, _leasesSql, _isolateSql, _dataCentresSql;

    private ClusterStore(NpgsqlDataSource dataSource, bool ownsDataSource, ClusterSettings settings, string location)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _settings = settings;
        _schema = new ClusterSchema(settings.Schema);
        Name = $"cluster store '{location} {settings.Schema}'";
        var m = _schema.Members;
        var l = _schema.Leases;
        _joinSql =
            $"INSERT INTO {m} AS m (node_id, address, data_centre, roles, status, incarnation, heartbeat_at, joined_at, changed_at) " +
            "VALUES ($1, $2, $3, $4, 'joining', 1, now(), now(), now()) " +
            "ON CONFLICT (node_id) DO UPDATE SET address = EXCLUDED.address, data_centre = EXCLUDED.data_centre, roles = EXCLUDED.roles, " +
            "status = 'joining', incarnation = m.incarnation + 1, heartbeat_at = now(), joined_at = now(), changed_at = now() " +
            "RETURNING incarnation";
        _transitionSql =
            $"UPDATE {m} SET status = $3, changed_at = CASE WHEN status = $3 THEN changed_at ELSE now() END " +
            "WHERE node_id = $1 AND incarnation = $2 AND status = ANY($4)";
        _downSql = $"UPDATE {m} SET status = 'down', changed_at = now() WHERE node_id = $1 AND status IN ('joining', 'up', 'leaving', 'exiting')";
        _downUnreachableSql =
            $"UPDATE {m} SET status = 'down', changed_at = now() " +
            "WHERE status IN ('joining', 'up', 'leaving') AND heartbeat_at < now() - $1 RETURNING node_id";
        // A member's decision counts only while the member's own heartbeat is fresh when the statement runs: a statement
        // sent before a database stall and executed when it ends (every heartbeat old then) downs nobody.
        var decidedByLiveMember = $" AND node_id <> $2 AND EXISTS (SELECT 1 FROM {m} me WHERE me.node_id = $2 AND me.incarnation = $3 " +
                                  "AND me.status IN ('up', 'leaving') AND me.heartbeat_at >= now() - $4)";
        _downUnreachableByMemberSql =
            $"UPDATE {m} SET status = 'down', changed_at = now() " +
            "WHERE status IN ('joining', 'up', 'leaving') AND heartbeat_at < now() - $1" + decidedByLiveMember + " RETURNING node_id";
        _downByMemberSql = $"UPDATE {m} SET status = 'down', changed_at = now() WHERE node_id = $1 AND status IN ('joining', 'up', 'leaving', 'exiting')" +
                           decidedByLiveMember;
        _heartbeatSql = $"UPDATE {m} SET heartbeat_at = now() WHERE node_id = $1 AND incarnation = $2 AND status = ANY($3)";
        _membersSql =
            "SELECT node_id, address, data_centre, roles, status, incarnation, GREATEST(now() - heartbeat_at, interval '0'), joined_at, changed_at " +
            $"FROM {m} ORDER BY node_id";

        // The INSERT's SELECT yields no row unless the caller is up, so a member that is not up creates nothing; the
        // conflict branch takes the row over only under the lease rules (the owner keeps its epoch when it renews).
        _acquireSql =
            $"INSERT INTO {l} AS l (entity_type, shard_id, owner_node_id, owner_incarnation, epoch, expires_at, last_owner, changed_at) " +
            "SELECT $1, $2, $3, $4, 1, now() + $5, $3, now() " +
            $"WHERE EXISTS (SELECT 1 FROM {m} c WHERE c.node_id = $3 AND c.incarnation = $4 AND c.status = 'up') " +
            "ON CONFLICT (entity_type, shard_id) DO UPDATE SET " +
            "epoch = CASE WHEN l.owner_node_id = EXCLUDED.owner_node_id AND l.owner_incarnation = EXCLUDED.owner_incarnation THEN l.epoch ELSE l.epoch + 1 END, " +
            "changed_at = CASE WHEN l.owner_node_id = EXCLUDED.owner_node_id AND l.owner_incarnation = EXCLUDED.owner_incarnation THEN l.changed_at ELSE now() END, " +
            "owner_node_id = EXCLUDED.owner_node_id, owner_incarnation = EXCLUDED.owner_incarnation, expires_at = EXCLUDED.expires_at, last_owner = EXCLUDED.owner_node_id " +
            "WHERE (l.owner_node_id = EXCLUDED.owner_node_id AND l.owner_incarnation = EXCLUDED.owner_incarnation) " +
            "OR l.owner_node_id IS NULL OR l.expires_at <= now() " +
            $"OR NOT EXISTS (SELECT 1 FROM {m} o WHERE o.node_id = l.owner_node_id AND o.incarnation = l.owner_incarnation AND o.status IN ('up', 'leaving')) " +
            "RETURNING epoch, expires_at, now()";
        _leaseSql = $"SELECT owner_node_id, owner_incarnation, epoch, expires_at, last_owner, now() FROM {l} WHERE entity_type = $1 AND shard_id = $2";

        // The held leases are locked in key order, as LeaseFence locks them, so a renewal and a journal transaction
        // fencing several shards wait for each other instead of deadlocking. A renewal is also a heartbeat.
        _renewSql =
            $"WITH member AS (UPDATE {m} SET heartbeat_at = now() WHERE node_id = $1 AND incarnation = $2 AND status IN ('up', 'leaving') RETURNING node_id), " +
            $"held AS (SELECT entity_type, shard_id FROM {l} WHERE owner_node_id = $1 AND owner_incarnation = $2 AND EXISTS (SELECT 1 FROM member) " +
            "ORDER BY entity_type, shard_id FOR NO KEY UPDATE), " +
            $"renewed AS (UPDATE {l} l SET expires_at = now() + $3 FROM held " +
            "WHERE l.entity_type = held.entity_type AND l.shard_id = held.shard_id AND l.owner_node_id = $1 AND l.owner_incarnation = $2 " +
            "RETURNING l.entity_type, l.shard_id, l.epoch) " +
            "SELECT EXISTS (SELECT 1 FROM member), now() + $3, now(), r.entity_type, r.shard_id, r.epoch " +
            "FROM (VALUES (1)) AS one (x) LEFT JOIN renewed r ON TRUE ORDER BY r.entity_type, r.shard_id";
        _releaseSql =
            $"UPDATE {l} SET owner_node_id = NULL, owner_incarnation = NULL, expires_at = now(), changed_at = now() " +
            "WHERE entity_type = $1 AND shard_id = $2 AND owner_node_id = $3 AND epoch = $4";
        _leasesSql =
            $"SELECT entity_type, shard_id, owner_node_id, owner_incarnation, epoch, expires_at, last_owner, now() FROM {l} " +
            "WHERE $1::text IS NULL OR entity_type = $1 ORDER BY entity_type, shard_id";
        _isolateSql =
            $"INSERT INTO {_schema.DataCentres} AS d (data_centre, isolated, changed_at, changed_by) VALUES ($1, $2, now(), $3) " +
            "ON CONFLICT (data_centre) DO UPDATE SET isolated = EXCLUDED.isolated, changed_at = EXCLUDED.changed_at, changed_by = EXCLUDED.changed_by " +
            "RETURNING data_centre, isolated, changed_at, changed_by";
        _dataCentresSql = $"SELECT data_centre, isolated, changed_at, changed_by FROM {_schema.DataCentres} ORDER BY data_centre";
    }

    /// <summary>The store's name in messages: database location (never the password) and schema.</summary>
    public string Name { get; }

    /// <summary>The schema holding the cluster tables (what <see cref="LeaseFence"/> needs).</summary>
    public string Schema => _schema.Name;

    /// <summary>
    /// Opens the store on <see cref="ClusterSettings.ConnectionString"/> (its own connection pool, with
    /// <see cref="ClusterSettings.ConnectTimeout"/>) and creates or migrates the cluster tables, safely when several
    /// nodes start at once.
    /// </summary>
    /// <param name="settings">The connection string, schema and timeouts.</param>
    /// <param name="cancellationToken">Stops opening.</param>
    /// <returns>The open store; dispose it to close its connections.</returns>
    /// <exception cref="ArgumentException">A setting is out of range or the connection string is empty.</exception>
    /// <exception cref="ClusterStoreUnavailableException">The database could not be reached or migrated in time.</exception>
    public static Task<ClusterStore> OpenAsync(ClusterSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        ArgumentException.ThrowIfNullOrEmpty(settings.ConnectionString, nameof(settings.ConnectionString));
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        builder.Timeout = Math.Max(1, (int)Math.Ceiling(settings.ConnectTimeout.TotalSeconds));
        builder.CommandTimeout = Math.Max(1, (int)Math.Ceiling(settings.OperationTimeout.TotalSeconds));
        builder.CancellationTimeout = 1000; // after a timeout, wait this long for the server to cancel before dropping the connection
        if (string.IsNullOrEmpty(builder.ApplicationName))
            builder.ApplicationName = "switch-cluster";
        var location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        return OpenAsync(NpgsqlDataSource.Create(builder), ownsDataSource: true, settings, location, cancellationToken);
    }

    /// <summary>
    /// Opens the store on a connection pool the caller owns (and disposes after the store), and creates or migrates
    /// the cluster tables. <see cref="ClusterSettings.ConnectionString"/> and <see cref="ClusterSettings.ConnectTimeout"/>
    /// are not used: the pool's own apply.
    /// </summary>
    /// <param name="dataSource">The pool.</param>
    /// <param name="settings">The schema and the operation timeout.</param>
    /// <param name="cancellationToken">Stops opening.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    /// <exception cref="ClusterStoreUnavailableException">The database could not be reached or migrated in time.</exception>
    public static Task<ClusterStore> OpenAsync(NpgsqlDataSource dataSource, ClusterSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return OpenAsync(dataSource, ownsDataSource: false, settings, $"{builder.Host}:{builder.Port}/{builder.Database}", cancellationToken);
    }

    private static async Task<ClusterStore> OpenAsync(NpgsqlDataSource dataSource, bool ownsDataSource, ClusterSettings settings, string location, CancellationToken cancellationToken)
    {
        var store = new ClusterStore(dataSource, ownsDataSource, settings, location);
        try
        {
            var timeout = settings.ConnectTimeout + settings.OperationTimeout;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await store._schema.MigrateAsync(dataSource, deadline.Token).WaitAsync(timeout + Grace, cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new ClusterStoreUnavailableException(store.Name, $"could not open and migrate the database: {Describe(error)}.", error);
        }
    }

    // ---- membership --------------------------------------------------------------------------------------------

    /// <summary>
    /// Joins <paramref name="node"/> as <see cref="MemberStatus.Joining"/> with its heartbeat stamped now. A node id that
    /// is already a member (a restart) gets the next incarnation and its status reset to joining, whatever it was: the
    /// previous incarnation's heartbeats and renewals are refused from then on, and its leases can be taken.
    /// </summary>
    /// <param name="node">The node.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The incarnation of this join (1 for the node id's first).</returns>
    public Task<long> JoinAsync(ClusterNode node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrEmpty(node.NodeId, nameof(node.NodeId));
        ArgumentException.ThrowIfNullOrEmpty(node.Address, nameof(node.Address));
        ArgumentException.ThrowIfNullOrEmpty(node.DataCentre, nameof(node.DataCentre));
        ArgumentNullException.ThrowIfNull(node.Roles, nameof(node.Roles));
        return RunAsync($"join of {node.NodeId}", async (connection, token) =>
        {
            await using var command = Command(connection, _joinSql, Text(node.NodeId), Text(node.Address), Text(node.DataCentre),
                new NpgsqlParameter<string[]> { TypedValue = [.. node.Roles], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            return (long)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    /// <summary>Marks a joining member up (it may acquire leases from then on). True when it is up now, also when it already was.</summary>
    /// <param name="nodeId">The node.</param>
    /// <param name="incarnation">Its incarnation (from <see cref="JoinAsync"/>).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>False when that incarnation is not joining or up (downed, left, or superseded).</returns>
    public Task<bool> MarkUpAsync(string nodeId, long incarnation, CancellationToken cancellationToken = default) =>
        TransitionAsync(nodeId, incarnation, MemberStatus.Up, [MemberStatus.Joining], cancellationToken);

    /// <summary>
    /// Marks a joining or up member leaving (graceful leave): it acquires nothing more but still renews what it holds
    /// while it hands its shards off. True when it is leaving now, also when it already was.
    /// </summary>
    /// <param name="nodeId">The node.</param>
    /// <param name="incarnation">Its incarnation.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>False when that incarnation is not joining, up or leaving.</returns>
    public Task<bool> LeaveAsync(string nodeId, long incarnation, CancellationToken cancellationToken = default) =>
        TransitionAsync(nodeId, incarnation, MemberStatus.Leaving, [MemberStatus.Joining, MemberStatus.Up], cancellationToken);

    /// <summary>Marks a leaving member exiting (every shard handed off). True when it is exiting now, also when it already was.</summary>
    /// <param name="nodeId">The node.</param>
    /// <param name="incarnation">Its incarnation.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>False when that incarnation is not leaving or exiting.</returns>
    public Task<bool> MarkExitingAsync(string nodeId, long incarnation, CancellationToken cancellationToken = default) =>
        TransitionAsync(nodeId, incarnation, MemberStatus.Exiting, [MemberStatus.Leaving], cancellationToken);

    /// <summary>Marks an exiting or down member removed (the row stays). True when it is removed now, also when it already was.</summary>
    /// <param name="nodeId">The node.</param>
    /// <param name="incarnation">Its incarnation.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>False when that incarnation is not exiting, down or removed.</returns>
    public Task<bool> RemoveAsync(string nodeId, long incarnation, CancellationToken cancellationToken = default) =>
        TransitionAsync(nodeId, incarnation, MemberStatus.Removed, [MemberStatus.Exiting, MemberStatus.Down], cancellationToken);

    private Task<bool> TransitionAsync(string nodeId, long incarnation, MemberStatus to, MemberStatus[] from, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        string[] allowed = [to.ToText(), .. from.Select(s => s.ToText())];
        return RunAsync($"marking {nodeId} ({incarnation}) {to.ToText()}", async (connection, token) =>
        {
            await using var command = Command(connection, _transitionSql, Text(nodeId), Bigint(incarnation), Text(to.ToText()),
                new NpgsqlParameter<string[]> { TypedValue = allowed, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <summary>
    /// Stamps the member's heartbeat with the database's clock, and says whether this incarnation may go on serving.
    /// </summary>
    /// <param name="nodeId">The node.</param>
    /// <param name="incarnation">Its incarnation.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>
    /// False, and nothing stamped, when the member was marked down or removed or a newer incarnation has joined: the
    /// node must stop serving at once (and may join again).
    /// </returns>
    public Task<bool> HeartbeatAsync(string nodeId, long incarnation, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return RunAsync($"heartbeat of {nodeId} ({incarnation})", async (connection, token) =>
        {
            await using var command = Command(connection, _heartbeatSql, Text(nodeId), Bigint(incarnation),
                new NpgsqlParameter<string[]> { TypedValue = LiveStatuses, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <summary>
    /// Marks a member down (the operators' command), whatever its incarnation: its heartbeats and renewals are refused
    /// from then on, its leases can be taken at once, and <see cref="LeaseFence"/> refuses its writes at once (a node
    /// that is still running may otherwise serve until its local lease deadline).
    /// </summary>
    /// <param name="nodeId">The node.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when this call downed it; false when it is unknown or already down or removed.</returns>
    public Task<bool> DownAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return RunAsync($"downing {nodeId}", async (connection, token) =>
        {
            await using var command = Command(connection, _downSql, Text(nodeId));
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <summary>
    /// Marks a member down on another member's decision (its failure detector): only while the deciding member is up
    /// or leaving in <paramref name="deciderIncarnation"/> and its own heartbeat, when the statement runs, is no older
    /// than <paramref name="deciderFreshness"/>. A decision taken before a database stall and executed after it, when
    /// every heartbeat is old, downs nobody.
    /// </summary>
    /// <returns>True when this call downed it.</returns>
    public Task<bool> DownAsync(string nodeId, string decider, long deciderIncarnation, TimeSpan deciderFreshness, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentException.ThrowIfNullOrEmpty(decider);
        return RunAsync($"downing {nodeId}", async (connection, token) =>
        {
            await using var command = Command(connection, _downByMemberSql, Text(nodeId), Text(decider), Bigint(deciderIncarnation), Interval(deciderFreshness));
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <summary>
    /// Marks down, in one conditional statement, every joining, up or leaving member whose last heartbeat is older than
    /// <paramref name="heartbeatTimeout"/> by the database's clock (an exiting member holds no shards and is left to be
    /// removed). Nodes that call it at the same time down each member once between them: each gets the ids it downed itself.
    /// </summary>
    /// <param name="heartbeatTimeout">The silence after which a member is down (<see cref="ClusterSettings.HeartbeatTimeout"/>).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The node ids this call downed, in order.</returns>
    public Task<IReadOnlyList<string>> DownUnreachableAsync(TimeSpan heartbeatTimeout, CancellationToken cancellationToken = default) =>
        DownUnreachableAsync(heartbeatTimeout, null, cancellationToken);

    /// <summary>
    /// <see cref="DownUnreachableAsync(TimeSpan, CancellationToken)"/> on a member's decision: it downs nobody unless
    /// the deciding member is up or leaving in its incarnation with a heartbeat, when the statement runs, no older than
    /// half of <paramref name="heartbeatTimeout"/> (see <see cref="DownAsync(string, string, long, TimeSpan, CancellationToken)"/>).
    /// </summary>
    public Task<IReadOnlyList<string>> DownUnreachableAsync(TimeSpan heartbeatTimeout, string decider, long deciderIncarnation, CancellationToken cancellationToken = default) =>
        DownUnreachableAsync(heartbeatTimeout, (decider ?? throw new ArgumentNullException(nameof(decider)), deciderIncarnation), cancellationToken);

    private Task<IReadOnlyList<string>> DownUnreachableAsync(TimeSpan heartbeatTimeout, (string Node, long Incarnation)? decider, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(heartbeatTimeout, TimeSpan.Zero);
        return RunAsync<IReadOnlyList<string>>("downing unreachable members", async (connection, token) =>
        {
            await using var command = decider is { } d
                ? Command(connection, _downUnreachableByMemberSql, Interval(heartbeatTimeout), Text(d.Node), Bigint(d.Incarnation), Interval(heartbeatTimeout / 2))
                : Command(connection, _downUnreachableSql, Interval(heartbeatTimeout));
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            var downed = new List<string>();
            while (await reader.ReadAsync(token).ConfigureAwait(false))
                downed.Add(reader.GetString(0));
            downed.Sort(StringComparer.Ordinal);
            return downed;
        }, cancellationToken);
    }

    /// <summary>Every member (including down and removed ones), by node id, with its heartbeat age by the database's clock.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task<IReadOnlyList<ClusterMember>> MembersAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ClusterMember>>("reading the members", async (connection, token) =>
        {
            await using var command = Command(connection, _membersSql);
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            var members = new List<ClusterMember>();
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                members.Add(new ClusterMember(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetFieldValue<string[]>(3),
                    MemberStatusText.Parse(reader.GetString(4)),
                    reader.GetInt64(5),
                    reader.GetFieldValue<TimeSpan>(6),
                    reader.GetFieldValue<DateTimeOffset>(7),
                    reader.GetFieldValue<DateTimeOffset>(8)));
            }
            return members;
        }, cancellationToken);

    // ---- leases ------------------------------------------------------------------------------------------------

    /// <summary>
    /// Acquires (or renews) the lease of one shard for an up member, for <paramref name="ttl"/> from the database's now.
    /// It succeeds when the shard has no lease, the lease is released or expired, its owner is no longer up or leaving
    /// in the incarnation that acquired it, or the caller already owns it (a renewal, epoch unchanged). A change of
    /// owner increments the epoch. Of nodes racing for the same shard, exactly one wins.
    /// </summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="shardId">The shard.</param>
    /// <param name="nodeId">The caller.</param>
    /// <param name="incarnation">The caller's incarnation; it must be up.</param>
    /// <param name="ttl">How long the lease lasts (<see cref="ClusterSettings.LeaseTtl"/>).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The caller's lease, or the lease as it stands (with its owner) when the caller did not get it.</returns>
    public Task<LeaseAcquisition> TryAcquireAsync(string entityType, int shardId, string nodeId, long incarnation, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(entityType);
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        return RunAsync($"acquiring {entityType}/{shardId} for {nodeId} ({incarnation})", async (connection, token) =>
        {
            await using (var acquire = Command(connection, _acquireSql, Text(entityType), Integer(shardId), Text(nodeId), Bigint(incarnation), Interval(ttl)))
            await using (var reader = await acquire.ExecuteReaderAsync(token).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    return new LeaseAcquisition(true, new ShardLease(entityType, shardId, nodeId, incarnation,
                        reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), nodeId, reader.GetFieldValue<DateTimeOffset>(2)));
                }
            }
            await using var read = Command(connection, _leaseSql, Text(entityType), Integer(shardId));
            await using var current = await read.ExecuteReaderAsync(token).ConfigureAwait(false);
            if (!await current.ReadAsync(token).ConfigureAwait(false))
                return new LeaseAcquisition(false, null);
            return new LeaseAcquisition(false, new ShardLease(entityType, shardId,
                current.IsDBNull(0) ? null : current.GetString(0),
                current.IsDBNull(1) ? null : current.GetInt64(1),
                current.GetInt64(2),
                current.GetFieldValue<DateTimeOffset>(3),
                current.IsDBNull(4) ? null : current.GetString(4),
                current.GetFieldValue<DateTimeOffset>(5)));
        }, cancellationToken);
    }

    /// <summary>
    /// Renews, in one statement, every lease this node incarnation holds, for <paramref name="ttl"/> from the database's
    /// now, provided the member is still up or leaving in that incarnation (a downed node renews nothing). Leases
    /// taken over by others are not among them; the call also stamps the member's heartbeat.
    /// </summary>
    /// <param name="nodeId">The node.</param>
    /// <param name="incarnation">Its incarnation.</param>
    /// <param name="ttl">How long the leases last from now (<see cref="ClusterSettings.LeaseTtl"/>).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Whether the member may still serve, and the leases renewed.</returns>
    public Task<LeaseRenewal> RenewAllAsync(string nodeId, long incarnation, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        return RunAsync($"renewing the leases of {nodeId} ({incarnation})", async (connection, token) =>
        {
            await using var command = Command(connection, _renewSql, Text(nodeId), Bigint(incarnation), Interval(ttl));
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            var renewed = new List<WriteFence>();
            bool allowed = false;
            DateTimeOffset expiresAt = default, now = default;
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                allowed = reader.GetBoolean(0);
                expiresAt = reader.GetFieldValue<DateTimeOffset>(1);
                now = reader.GetFieldValue<DateTimeOffset>(2);
                if (!reader.IsDBNull(3))
                    renewed.Add(new WriteFence(reader.GetString(3), reader.GetInt32(4), reader.GetInt64(5), nodeId));
            }
            return new LeaseRenewal(allowed, renewed, expiresAt, now);
        }, cancellationToken);
    }

    /// <summary>
    /// Releases a lease the caller holds at <paramref name="epoch"/> (after handing the shard off): the owner is cleared
    /// and the epoch kept, so the next owner gets the next epoch.
    /// </summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="shardId">The shard.</param>
    /// <param name="nodeId">The owner.</param>
    /// <param name="epoch">The epoch it holds.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>False when the lease was no longer the caller's at that epoch (nothing changed).</returns>
    public Task<bool> ReleaseAsync(string entityType, int shardId, string nodeId, long epoch, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(entityType);
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return RunAsync($"releasing {entityType}/{shardId} of {nodeId} at epoch {epoch}", async (connection, token) =>
        {
            await using var command = Command(connection, _releaseSql, Text(entityType), Integer(shardId), Text(nodeId), Bigint(epoch));
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <summary>Every lease row (of one entity type, or all), by entity type and shard, with the database's clock.</summary>
    /// <param name="entityType">The entity type; null for all.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task<IReadOnlyList<ShardLease>> LeasesAsync(string? entityType = null, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ShardLease>>("reading the leases", async (connection, token) =>
        {
            await using var command = Command(connection, _leasesSql,
                new NpgsqlParameter { Value = (object?)entityType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            var leases = new List<ShardLease>();
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                leases.Add(new ShardLease(
                    reader.GetString(0),
                    reader.GetInt32(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    reader.GetInt64(4),
                    reader.GetFieldValue<DateTimeOffset>(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.GetFieldValue<DateTimeOffset>(7)));
            }
            return leases;
        }, cancellationToken);

    // ---- data centres ------------------------------------------------------------------------------------------

    /// <summary>Isolates a data centre (<c>dc isolate</c>) or ends its isolation (<c>dc failback</c>).</summary>
    /// <param name="dataCentre">The data centre.</param>
    /// <param name="isolated">True to isolate, false to fail back.</param>
    /// <param name="changedBy">Who asked (recorded with the state).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The state as stored.</returns>
    public Task<DataCentreState> SetDataCentreIsolatedAsync(string dataCentre, bool isolated, string changedBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataCentre);
        ArgumentException.ThrowIfNullOrEmpty(changedBy);
        return RunAsync($"{(isolated ? "isolating" : "failing back")} data centre {dataCentre}", async (connection, token) =>
        {
            await using var command = Command(connection, _isolateSql, Text(dataCentre), new NpgsqlParameter<bool> { TypedValue = isolated }, Text(changedBy));
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.ReadAsync(token).ConfigureAwait(false);
            return ReadDataCentre(reader);
        }, cancellationToken);
    }

    /// <summary>Every data centre an operator has isolated or failed back, by name.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task<IReadOnlyList<DataCentreState>> DataCentresAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<DataCentreState>>("reading the data centres", async (connection, token) =>
        {
            await using var command = Command(connection, _dataCentresSql);
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            var states = new List<DataCentreState>();
            while (await reader.ReadAsync(token).ConfigureAwait(false))
                states.Add(ReadDataCentre(reader));
            return states;
        }, cancellationToken);

    private static DataCentreState ReadDataCentre(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetBoolean(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3));

    // ---- plumbing ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Runs one operation on a pooled connection within <see cref="ClusterSettings.OperationTimeout"/>; failures other
    /// than the caller's own cancellation become <see cref="ClusterStoreUnavailableException"/>.
    /// </summary>
    private async Task<T> RunAsync<T>(string what, Func<NpgsqlConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_settings.OperationTimeout);
        try
        {
            // The database call honours the token; WaitAsync bounds the caller even if it did not.
            return await RunOnConnectionAsync(operation, deadline.Token).WaitAsync(_settings.OperationTimeout + Grace, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            if (_ownsDataSource)
                _dataSource.Clear(); // idle connections may be as broken as the one that failed
            throw new ClusterStoreUnavailableException(Name, $"{what} failed: {Describe(error)}.", error);
        }
    }

    private async Task<T> RunOnConnectionAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await operation(connection, cancellationToken).ConfigureAwait(false);
    }

    private static string Describe(Exception error) => error switch
    {
        OperationCanceledException or TimeoutException => "timed out",
        _ => error.GetBaseException().Message,
    };

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter<long> Bigint(long value) => new() { TypedValue = value };

    private static NpgsqlParameter<int> Integer(int value) => new() { TypedValue = value };

    private static NpgsqlParameter<TimeSpan> Interval(TimeSpan value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Interval };

    /// <summary>Closes the store's connections (a pool passed in by the caller stays open).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
            await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
