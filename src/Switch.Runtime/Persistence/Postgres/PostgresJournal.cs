using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Switch.Runtime.Persistence;

/// <summary>
/// The PostgreSQL journal. The group-commit loop writes each batch in one round trip on a dedicated connection: a
/// transaction-scoped advisory lock (per journal table), then one multi-row INSERT (arrays unnested on the server,
/// tags and a cluster's lease check in the same statement), run by the server as one implicit transaction. The lock is
/// held from before the insert to the commit, so orderings commit in increasing order even when several processes
/// write the same table: a poller of <see cref="EventJournal.AllEventsAsync"/> never skips an event. The price is
/// that write transactions of different processes take turns (each still carries up to
/// <see cref="PersistenceOptions.MaxBatchEvents"/> events). Reads use the pool.
/// </summary>
public sealed class PostgresJournal : EventJournal
{
    private const string Columns = "ordering, persistence_id, sequence_number, created, manifest, payload, writer_id, tags";
    private readonly PostgresSchema _schema;
    private readonly string _insertSql, _insertWithTagsSql, _fencedInsertSql, _fencedInsertWithTagsSql;
    private readonly string _replaySql, _highestSql, _recoveryStartSql, _highestOrderingSql, _deleteSql, _byTagSql, _allSql;
    private NpgsqlConnection? _writer;

    private PostgresJournal(PostgresSchema schema, ILogger logger)
        : base($"postgres journal '{schema.Location} {schema.Options.Schema}.{schema.Options.JournalTable}'", "postgres", schema.Options, logger)
    {
        _schema = schema;
        var j = schema.Journal;
        var insert = $"INSERT INTO {j} (persistence_id, sequence_number, created, manifest, payload, writer_id, tags) " +
                     "SELECT u.p, u.s, $1, u.m, u.b, u.w, u.t FROM unnest($2::text[], $3::bigint[], $4::text[], $5::bytea[], $6::text[], $7::text[]) AS u(p, s, m, b, w, t)";
        const string returning = " RETURNING ordering, persistence_id, sequence_number";
        var insertTags = $"INSERT INTO {schema.Tags} (ordering_id, tag, persistence_id, sequence_nr) " +
                         "SELECT stored.ordering, t.tag, t.p, t.s FROM unnest($8::text[], $9::bigint[], $10::text[]) AS t(p, s, tag) " +
                         "JOIN stored ON stored.persistence_id = t.p AND stored.sequence_number = t.s";
        _insertSql = insert;
        _insertWithTagsSql = $"WITH stored AS ({insert}{returning}) {insertTags}";
        // A cluster's insert: the lease check's CTEs first; nothing is inserted when a lease is stale. The ordering lock is
        // taken inside the statement, after the check (which may wait for a lease renewal to commit) and before the first
        // ordering is drawn: the row of "current" exists only when no lease is stale, and the lock is taken for it.
        static string OrderedUnlessStale(int lockParameter) =>
            $" WHERE (SELECT count(*) FROM (SELECT pg_advisory_xact_lock(${lockParameter}) FROM (SELECT WHERE NOT EXISTS (SELECT 1 FROM stale)) AS current) AS ordered) = 1";
        var fenceSchema = schema.Options.Schema;
        _fencedInsertSql = $"WITH {Cluster.LeaseFence.StaleQueries(fenceSchema, 8)}, stored AS ({insert}{OrderedUnlessStale(12)}) {Cluster.LeaseFence.SelectStale}";
        _fencedInsertWithTagsSql = $"WITH {Cluster.LeaseFence.StaleQueries(fenceSchema, 11)}, stored AS ({insert}{OrderedUnlessStale(15)}{returning}), " +
                                   $"tagged AS ({insertTags}) {Cluster.LeaseFence.SelectStale}";
        _replaySql = $"SELECT {Columns} FROM {j} WHERE persistence_id = $1 AND sequence_number >= $2 AND sequence_number <= $3 AND NOT deleted ORDER BY sequence_number LIMIT $4";
        _highestSql = $"SELECT COALESCE(MAX(sequence_number), 0) FROM {j} WHERE persistence_id = $1";
        _recoveryStartSql = $"SELECT h.highest, s.* FROM (SELECT COALESCE(MAX(sequence_number), 0) AS highest FROM {j} WHERE persistence_id = $1) AS h " +
                            $"LEFT JOIN LATERAL (SELECT {PostgresSnapshotStore.Columns} FROM {schema.Snapshot} WHERE persistence_id = $1 ORDER BY sequence_number DESC LIMIT 1) AS s ON TRUE";
        _highestOrderingSql = $"SELECT COALESCE(MAX(ordering), 0) FROM {j}";
        _deleteSql = $"UPDATE {j} SET deleted = TRUE WHERE persistence_id = $1 AND sequence_number <= $2 AND NOT deleted";
        _byTagSql = $"SELECT j.ordering, j.persistence_id, j.sequence_number, j.created, j.manifest, j.payload, j.writer_id, j.tags FROM {schema.Tags} t " +
                    $"JOIN {j} j ON j.ordering = t.ordering_id WHERE t.tag = $1 AND t.ordering_id > $2 AND NOT j.deleted ORDER BY t.ordering_id LIMIT $3";
        _allSql = $"SELECT {Columns} FROM {j} WHERE ordering > $1 AND NOT deleted ORDER BY ordering LIMIT $2";
    }

    /// <summary>Opens the journal: creates or migrates the schema (idempotently) and starts the writer loop.</summary>
    /// <param name="options">The connection string and settings.</param>
    /// <param name="loggerFactory">Where to log failures; null for none.</param>
    /// <param name="cancellationToken">Stops opening.</param>
    /// <returns>The open journal; dispose it to close.</returns>
    /// <exception cref="JournalUnavailableException">The database could not be reached or migrated in time.</exception>
    public static async Task<PostgresJournal> OpenAsync(PostgresPersistenceOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var schema = await PostgresSchema.OpenAsync(options, "postgres journal", cancellationToken).ConfigureAwait(false);
        var journal = new PostgresJournal(schema, (ILogger?)loggerFactory?.CreateLogger<PostgresJournal>() ?? NullLogger.Instance);
        journal.StartWriter();
        return journal;
    }

    // ---- writes ----------------------------------------------------------------------------------------------

    private protected override async ValueTask<WriteRejection[]?> WriteBatchAsync(IReadOnlyList<AtomicWrite> batch, long createdUnixMs, CancellationToken cancellationToken)
    {
        try
        {
            _writer ??= await _schema.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var fences = Fences(batch);
            if (await TryWriteAtOnceAsync(batch, fences, createdUnixMs, cancellationToken).ConfigureAwait(false))
                return null;
            return fences is null
                ? await IsolateAsync(batch, createdUnixMs, cancellationToken).ConfigureAwait(false)
                : await WriteFencedBatchAsync(batch, fences, createdUnixMs, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The connection may be broken or mid-transaction: the next batch starts on a fresh one.
            var broken = _writer;
            _writer = null;
            if (broken is not null)
                await DisposeQuietlyAsync(broken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The common case in one round trip and one transaction: the ordering lock, then one statement that inserts every
    /// write; for a cluster's writes, one statement that checks their leases, then takes the ordering lock and inserts.
    /// No BEGIN and no COMMIT: PostgreSQL runs the statements of a batch as one implicit transaction and commits it at
    /// the batch's end, so the ordering lock is held for the insert and the commit only, never across a round trip to
    /// this process (which on a busy machine may not be running) nor while the lease check waits for a renewal.
    /// False, nothing stored, when a sequence number collides or a lease is stale.
    /// </summary>
    private async ValueTask<bool> TryWriteAtOnceAsync(IReadOnlyList<AtomicWrite> batch, List<WriteFence>? fences, long createdUnixMs, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = CreateBatch(_writer!, null, batch, 0, batch.Count, createdUnixMs, withLock: fences is null, fences);
            // Disposing the reader reads to the end of the batch, past the commit: true is returned only once durable.
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var stale = false;
            if (fences is not null)
                stale = (await Cluster.LeaseFence.ReadStaleAsync(reader, cancellationToken).ConfigureAwait(false)).Count > 0;
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
            }
            return !stale;
        }
        catch (PostgresException error) when (_schema.IsSequenceConflict(error))
        {
            return false; // the server rolled the transaction back
        }
        catch (Exception error) when (error is not PostgresException)
        {
            // The batch may have reached the server and committed before the failure.
            throw new CommitUncertainException(error);
        }
    }

    /// <summary>
    /// Some write of an unfenced batch collides with a stored event (or an earlier write of the batch): the batch is
    /// redone with a savepoint per write, so that only the offenders are rolled back and the others commit.
    /// </summary>
    private async ValueTask<WriteRejection[]> IsolateAsync(IReadOnlyList<AtomicWrite> batch, long createdUnixMs, CancellationToken cancellationToken)
    {
        var rejected = new WriteRejection[batch.Count];
        await using var transaction = await _writer!.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockBatch = new NpgsqlBatch(_writer, transaction) { BatchCommands = { LockCommand() } })
            await lockBatch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await InsertEachAsync(transaction, batch, positions: null, rejected, createdUnixMs, cancellationToken).ConfigureAwait(false);
        await CommitAsync(transaction, cancellationToken).ConfigureAwait(false);
        return rejected;
    }

    /// <inheritdoc />
    public override bool SupportsFencing => true;

    private static List<WriteFence>? Fences(IReadOnlyList<AtomicWrite> batch)
    {
        List<WriteFence>? fences = null;
        foreach (var write in batch)
            if (write.Fence is { } fence && (fences ??= []).Contains(fence) is false)
                fences.Add(fence);
        return fences;
    }

    /// <summary>
    /// A batch with shard leases to check (a cluster's writes) that could not go in one round trip: the ordering lock and the lease check
    /// (<see cref="Cluster.LeaseFence"/>, which holds the lease rows until the commit, so that a takeover waits for it)
    /// in one round trip, then the insert of the writes whose leases are current. A sequence conflict redoes the batch
    /// with a savepoint per write, as the unfenced path does.
    /// </summary>
    private async ValueTask<WriteRejection[]?> WriteFencedBatchAsync(IReadOnlyList<AtomicWrite> batch, List<WriteFence> fences, long createdUnixMs, CancellationToken cancellationToken)
    {
        for (var isolate = false; ; isolate = true)
        {
            var rejected = new WriteRejection[batch.Count];
            await using var transaction = await _writer!.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            HashSet<WriteFence> stale;
            await using (var check = new NpgsqlBatch(_writer, transaction))
            {
                check.BatchCommands.Add(LockCommand());
                check.BatchCommands.Add(Cluster.LeaseFence.CreateCommand(_schema.Options.Schema, fences));
                await using var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                stale = (await Cluster.LeaseFence.ReadStaleAsync(reader, cancellationToken).ConfigureAwait(false)).ToHashSet();
            }
            var accepted = new List<AtomicWrite>(batch.Count);
            var positions = new List<int>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].Fence is { } fence && stale.Contains(fence))
                {
                    rejected[i] = WriteRejection.StaleFence;
                    continue;
                }
                accepted.Add(batch[i]);
                positions.Add(i);
            }
            if (!isolate && accepted.Count > 0)
            {
                try
                {
                    await using var insert = CreateBatch(_writer, transaction, accepted, 0, accepted.Count, createdUnixMs, withLock: false);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException error) when (_schema.IsSequenceConflict(error))
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }
            else
            {
                await InsertEachAsync(transaction, accepted, positions, rejected, createdUnixMs, cancellationToken).ConfigureAwait(false);
            }
            await CommitAsync(transaction, cancellationToken).ConfigureAwait(false);
            return Array.IndexOf(rejected, WriteRejection.StaleFence) >= 0 || Array.IndexOf(rejected, WriteRejection.SequenceConflict) >= 0 ? rejected : null;
        }
    }

    /// <summary>
    /// Inserts <paramref name="writes"/> one by one, each under a savepoint: a write that collides on its sequence number
    /// is rolled back alone and marked in <paramref name="rejected"/> at its position in the batch (its index in
    /// <paramref name="writes"/> when <paramref name="positions"/> is null).
    /// </summary>
    private async Task InsertEachAsync(NpgsqlTransaction transaction, IReadOnlyList<AtomicWrite> writes, IReadOnlyList<int>? positions,
        WriteRejection[] rejected, long createdUnixMs, CancellationToken cancellationToken)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            await transaction.SaveAsync("w", cancellationToken).ConfigureAwait(false);
            try
            {
                await using var insert = CreateBatch(_writer!, transaction, writes, i, 1, createdUnixMs, withLock: false);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException error) when (_schema.IsSequenceConflict(error))
            {
                await transaction.RollbackAsync("w", cancellationToken).ConfigureAwait(false);
                rejected[positions?[i] ?? i] = WriteRejection.SequenceConflict;
            }
            await transaction.ReleaseAsync("w", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The ordering lock (see the class summary), held until the transaction ends.</summary>
    private NpgsqlBatchCommand LockCommand() =>
        new("SELECT pg_advisory_xact_lock($1)") { Parameters = { new NpgsqlParameter<long> { TypedValue = _schema.WriteLockKey } } };

    private static async Task CommitAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        try
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            throw new CommitUncertainException(error);
        }
    }

    private static async Task DisposeQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // already broken
        }
    }

    /// <summary>
    /// One round trip: [the ordering lock;] one INSERT of the writes' events (and their tags). With
    /// <paramref name="fences"/>, the INSERT checks them first and then takes the ordering lock itself (its result set
    /// is the stale ones; nothing is inserted and no lock taken when any is stale): pass <c>withLock: false</c>.
    /// </summary>
    private NpgsqlBatch CreateBatch(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<AtomicWrite> batch, int start, int count, long created,
        bool withLock, List<WriteFence>? fences = null)
    {
        var events = 0;
        var tagged = 0;
        for (var i = start; i < start + count; i++)
        {
            foreach (var e in batch[i].Events)
            {
                events++;
                tagged += e.Tags.Count;
            }
        }
        var pids = new string[events];
        var seqs = new long[events];
        var manifests = new string[events];
        var payloads = new byte[events][];
        var writers = new string[events];
        var tags = new string?[events];
        var tagPids = new string[tagged];
        var tagSeqs = new long[tagged];
        var tagNames = new string[tagged];
        int n = 0, t = 0;
        for (var i = start; i < start + count; i++)
        {
            var write = batch[i];
            var writerId = write.WriterId ?? DefaultWriterId;
            foreach (var e in write.Events)
            {
                pids[n] = write.PersistenceId;
                seqs[n] = e.SequenceNumber;
                manifests[n] = e.Manifest;
                payloads[n] = e.PayloadArray;
                writers[n] = writerId;
                tags[n] = Tagging.Join(e.Tags);
                n++;
                foreach (var tag in e.Tags)
                {
                    tagPids[t] = write.PersistenceId;
                    tagSeqs[t] = e.SequenceNumber;
                    tagNames[t] = tag;
                    t++;
                }
            }
        }
        var result = new NpgsqlBatch(connection, transaction);
        if (withLock)
            result.BatchCommands.Add(LockCommand());
        var insert = new NpgsqlBatchCommand(fences is null
            ? tagged == 0 ? _insertSql : _insertWithTagsSql
            : tagged == 0 ? _fencedInsertSql : _fencedInsertWithTagsSql);
        var p = insert.Parameters;
        p.Add(new NpgsqlParameter<long> { TypedValue = created });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = pids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<long[]> { TypedValue = seqs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = manifests, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<byte[][]> { TypedValue = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = writers, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = tags, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        if (tagged > 0)
        {
            p.Add(new NpgsqlParameter<string[]> { TypedValue = tagPids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            p.Add(new NpgsqlParameter<long[]> { TypedValue = tagSeqs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            p.Add(new NpgsqlParameter<string[]> { TypedValue = tagNames, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }
        if (fences is not null)
        {
            Cluster.LeaseFence.AddParameters(p, fences);
            p.Add(new NpgsqlParameter<long> { TypedValue = _schema.WriteLockKey });
        }
        result.BatchCommands.Add(insert);
        return result;
    }

    // ---- reads -----------------------------------------------------------------------------------------------

    private protected override IAsyncEnumerable<PersistedEvent> ReadEventsCore(string persistenceId, long from, long to, long max, CancellationToken cancellationToken) =>
        QueryAsync(_replaySql, [persistenceId, from, to, max], cancellationToken);

    private protected override IAsyncEnumerable<PersistedEvent> ReadByTagCore(string tag, long afterOrdering, long max, CancellationToken cancellationToken) =>
        QueryAsync(_byTagSql, [tag, afterOrdering, max], cancellationToken);

    private protected override IAsyncEnumerable<PersistedEvent> ReadAllCore(long afterOrdering, long max, CancellationToken cancellationToken) =>
        QueryAsync(_allSql, [afterOrdering, max], cancellationToken);

    private async IAsyncEnumerable<PersistedEvent> QueryAsync(string sql, object[] parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _schema.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new PersistedEvent(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.GetString(4),
                reader.GetFieldValue<byte[]>(5),
                Tagging.Split(reader.IsDBNull(7) ? null : reader.GetString(7)),
                reader.GetString(6),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
        }
    }

    private protected override async Task<long> ReadHighestSequenceNumberCoreAsync(string persistenceId, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(await PostgresSchema.ScalarAsync(connection, _highestSql, cancellationToken, persistenceId).ConfigureAwait(false));
    }

    /// <summary>
    /// When <paramref name="snapshots"/> is this database's snapshot table, one query reads both: a recovery is one round
    /// trip on one pooled connection instead of two (most recoveries are of accounts touched for the first time).
    /// </summary>
    private protected override Task<(long Highest, Snapshot? Snapshot)> ReadRecoveryStartCoreAsync(string persistenceId, SnapshotStore? snapshots)
    {
        if (snapshots is not PostgresSnapshotStore store || !store.Schema.SharesSnapshotTableWith(_schema))
            return base.ReadRecoveryStartCoreAsync(persistenceId, snapshots);
        return Guard.RunAsync($"Reading the recovery start of '{persistenceId}'", async token =>
        {
            await using var connection = await _schema.DataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(_recoveryStartSql, connection) { Parameters = { new NpgsqlParameter<string> { TypedValue = persistenceId } } };
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.ReadAsync(token).ConfigureAwait(false); // one row, always
            return (reader.GetInt64(0), reader.IsDBNull(1) ? null : PostgresSnapshotStore.Read(persistenceId, reader, 1));
        }, CancellationToken.None);
    }

    private protected override async Task<long> ReadHighestOrderingCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _schema.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(await PostgresSchema.ScalarAsync(connection, _highestOrderingSql, cancellationToken).ConfigureAwait(false));
    }

    private protected override async Task DeleteEventsToCoreAsync(string persistenceId, long toSequenceNumber, CancellationToken cancellationToken)
    {
        await using var connection = await _schema.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSchema.ExecuteAsync(connection, _deleteSql, cancellationToken, persistenceId, toSequenceNumber).ConfigureAwait(false);
    }

    private protected override void OnFailure(Exception error) => _schema.DataSource.Clear();

    private protected override async ValueTask CloseCoreAsync()
    {
        if (_writer is not null)
            await DisposeQuietlyAsync(_writer).ConfigureAwait(false);
        _writer = null;
        await _schema.DisposeAsync().ConfigureAwait(false);
    }
}
