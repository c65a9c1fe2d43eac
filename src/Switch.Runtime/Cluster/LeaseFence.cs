using Npgsql;
using NpgsqlTypes;
using Switch.Runtime.Persistence;

namespace Switch.Runtime.Cluster;

/// <summary>
/// The journal's guard against a stale shard owner (invariant 3: one writer per entity). Inside the write transaction,
/// before its insert, the journal checks the fencing tokens of the shards it writes for: a token is current when its
/// lease still names that node and epoch, has not expired by the database's clock, and its owner is still an up or
/// leaving member in the incarnation that acquired it. The check locks those lease rows FOR SHARE until the
/// transaction ends, so a takeover (which updates the row) waits for the write to commit or roll back, and the new
/// owner's recovery then reads it: a write is either fenced out or seen by the next owner, never lost between them.
/// </summary>
/// <remarks>
/// The rows are locked in (entity type, shard) order, as <see cref="ClusterStore.RenewAllAsync"/> locks them, so
/// fencing several shards in one transaction cannot deadlock with a renewal. Renewals and takeovers of those shards
/// wait for the transaction: keep it short.
/// </remarks>
public static class LeaseFence
{
    /// <summary>
    /// Checks <paramref name="tokens"/> in the caller's open transaction and locks their lease rows until it ends.
    /// </summary>
    /// <param name="connection">The open connection of the transaction.</param>
    /// <param name="transaction">The write transaction; the locks last until it commits or rolls back.</param>
    /// <param name="schema">The schema holding the cluster tables (<see cref="ClusterSettings.Schema"/>).</param>
    /// <param name="tokens">The tokens the writes carry (duplicates are fine).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>
    /// The stale tokens, by entity type and shard: empty when the writes may commit. Otherwise the caller must roll
    /// back (or leave those writes out) and the writer must stop serving those shards.
    /// </returns>
    public static async Task<IReadOnlyList<WriteFence>> CheckAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema,
        IReadOnlyCollection<WriteFence> tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count == 0)
            return [];
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { CreateCommand(schema, tokens) } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadStaleAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The check as a batch command, for a journal that sends its whole write transaction in one round trip: put it
    /// before the insert, then read its result set with <see cref="ReadStaleAsync"/> and roll back when it is not empty.
    /// </summary>
    /// <param name="schema">The schema holding the cluster tables.</param>
    /// <param name="tokens">The tokens (at least one).</param>
    /// <returns>A command whose result set is the stale tokens (entity_type, shard_id, epoch, node_id).</returns>
    public static NpgsqlBatchCommand CreateCommand(string schema, IReadOnlyCollection<WriteFence> tokens)
    {
        var command = new NpgsqlBatchCommand($"WITH {StaleQueries(schema, 1)} {SelectStale}");
        AddParameters(command.Parameters, tokens);
        return command;
    }

    /// <summary>
    /// The check as common table expressions to put at the head of a statement's WITH: <c>stale</c> is then the stale
    /// tokens (entity_type, shard_id, epoch, node_id), and the lease rows are locked as <see cref="CheckAsync"/> locks
    /// them. A journal makes its insert conditional on <c>NOT EXISTS (SELECT 1 FROM stale)</c> and ends the statement
    /// with <see cref="SelectStale"/>, so that one statement checks, locks and writes.
    /// </summary>
    /// <param name="schema">The schema holding the cluster tables.</param>
    /// <param name="firstParameter">The number of the first of the four parameters (<c>$n</c>) that
    /// <see cref="AddParameters"/> adds.</param>
    internal static string StaleQueries(string schema, int firstParameter)
    {
        PersistenceOptions.CheckIdentifier(schema, nameof(schema));
        var leases = ClusterSchema.Table(schema, "shard_leases");
        var members = ClusterSchema.Table(schema, "cluster_members");
        var n = firstParameter;
        // MATERIALIZED: the locking query runs by itself (a lock clause is not allowed on the outer join's nullable side).
        return "wanted AS (SELECT DISTINCT entity_type, shard_id, epoch, node_id " +
               $"FROM unnest(${n}::text[], ${n + 1}::integer[], ${n + 2}::bigint[], ${n + 3}::text[]) AS t (entity_type, shard_id, epoch, node_id)), " +
               "locked AS MATERIALIZED (SELECT l.entity_type, l.shard_id, l.owner_node_id, l.owner_incarnation, l.epoch, l.expires_at " +
               $"FROM {leases} l WHERE (l.entity_type, l.shard_id) IN (SELECT entity_type, shard_id FROM wanted) " +
               "ORDER BY l.entity_type, l.shard_id FOR SHARE OF l), " +
               "stale AS (SELECT w.entity_type, w.shard_id, w.epoch, w.node_id FROM wanted w " +
               "LEFT JOIN locked l ON l.entity_type = w.entity_type AND l.shard_id = w.shard_id " +
               "WHERE l.entity_type IS NULL OR l.owner_node_id IS DISTINCT FROM w.node_id OR l.epoch <> w.epoch OR l.expires_at <= clock_timestamp() " +
               $"OR NOT EXISTS (SELECT 1 FROM {members} m WHERE m.node_id = l.owner_node_id AND m.incarnation = l.owner_incarnation AND m.status IN ('up', 'leaving')))";
    }

    /// <summary>The end of a statement that starts with <see cref="StaleQueries"/>: its result set is the stale tokens.</summary>
    internal const string SelectStale = "SELECT entity_type, shard_id, epoch, node_id FROM stale ORDER BY entity_type, shard_id, epoch, node_id";

    /// <summary>Adds the four parameters of <see cref="StaleQueries"/>: the tokens' entity types, shards, epochs and owners.</summary>
    internal static void AddParameters(NpgsqlParameterCollection parameters, IReadOnlyCollection<WriteFence> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfZero(tokens.Count, nameof(tokens));
        var types = new string[tokens.Count];
        var shards = new int[tokens.Count];
        var epochs = new long[tokens.Count];
        var nodes = new string[tokens.Count];
        var i = 0;
        foreach (var token in tokens)
        {
            types[i] = token.EntityType;
            shards[i] = token.ShardId;
            epochs[i] = token.Epoch;
            nodes[i] = token.Owner;
            i++;
        }
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<int[]> { TypedValue = shards, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        parameters.Add(new NpgsqlParameter<long[]> { TypedValue = epochs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = nodes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
    }

    /// <summary>Reads the result set of a <see cref="CreateCommand"/> command (the reader positioned on it) to its end.</summary>
    /// <param name="reader">The batch's reader, on the check's result set.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The stale tokens; empty when every token is current.</returns>
    public static async Task<IReadOnlyList<WriteFence>> ReadStaleAsync(NpgsqlDataReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var stale = new List<WriteFence>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            stale.Add(new WriteFence(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3)));
        return stale;
    }
}
