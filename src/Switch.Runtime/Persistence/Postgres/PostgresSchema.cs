using System.Text;
using Npgsql;

namespace Switch.Runtime.Persistence;

/// <summary>
/// The PostgreSQL tables (modelled on Akka.Persistence.Sql) and their migrations, the connection pool, and the
/// advisory-lock keys. The journal's <c>ordering</c> is a BIGINT identity (sequence cache 1).
/// </summary>
internal sealed class PostgresSchema : IAsyncDisposable
{
    internal const int LatestVersion = 1;

    internal PostgresSchema(PostgresPersistenceOptions options)
    {
        options.Validate();
        Options = options;
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        builder.Timeout = Math.Max(1, (int)Math.Ceiling(options.ConnectTimeout.TotalSeconds));
        builder.CommandTimeout = Math.Max(1, (int)Math.Ceiling(Math.Max(options.WriteTimeout.TotalSeconds, options.ReadTimeout.TotalSeconds)));
        builder.CancellationTimeout = 1000; // after a timeout, wait this long for the server to cancel before dropping the connection
        if (builder.MaxAutoPrepare == 0)
            builder.MaxAutoPrepare = 32; // the journal's few statements run prepared
        if (!Mentions(options.ConnectionString, "maxpoolsize", "maximumpoolsize"))
            builder.MaxPoolSize = DefaultMaxPoolSize;
        // Nothing here changes a session's state (the advisory locks are transaction-scoped), so a connection going back
        // to the pool needs no reset: Npgsql's reset would run before every pooled read, parsed and executed each time.
        builder.NoResetOnClose = true;
        if (string.IsNullOrEmpty(builder.ApplicationName))
            builder.ApplicationName = "switch-persistence";
        Location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        DataSource = NpgsqlDataSource.Create(builder);
        var schema = Quote(options.Schema);
        Journal = schema + "." + Quote(options.JournalTable);
        Tags = schema + "." + Quote(options.TagTable);
        Snapshot = schema + "." + Quote(options.SnapshotTable);
        Version = schema + "." + Quote(options.SchemaVersionTable);
        JournalUniqueConstraint = Truncate(options.JournalTable + "_pid_seq_uq");
        Scope = $"switch.persistence:{options.Schema}.{options.JournalTable}";
        WriteLockKey = StableKey("switch.persistence.write:" + Scope);
    }

    /// <summary>
    /// The connections each store (journal, snapshot store) opens at most when the connection string does not say
    /// (Npgsql's own default is 100), the journal's writer among them: readers beyond it wait for a free one. Recovery reads, the busiest, come at most
    /// 32 at a time per node, and the nodes of a cluster share one server's max_connections (100 by default).
    /// </summary>
    internal const int DefaultMaxPoolSize = 16;

    private static bool Mentions(string connectionString, params string[] keys)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in given.Keys)
            if (keys.Contains(key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()))
                return true;
        return false;
    }

    internal PostgresPersistenceOptions Options { get; }

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>host:port/database, for names in messages (never the password).</summary>
    internal string Location { get; }

    internal string Journal { get; }

    internal string Tags { get; }

    internal string Snapshot { get; }

    internal string Version { get; }

    internal string JournalUniqueConstraint { get; }

    /// <summary>Whether <paramref name="journal"/>'s connections reach the same snapshot table as this schema's (so one query can read both).</summary>
    internal bool SharesSnapshotTableWith(PostgresSchema journal) =>
        Options.ConnectionString == journal.Options.ConnectionString && Snapshot == journal.Snapshot;

    /// <summary>
    /// Held (transaction-scoped) by every journal write transaction of this table from before its insert to its
    /// commit: orderings are then assigned and committed in the same order by every process.
    /// </summary>
    internal long WriteLockKey { get; }

    private static readonly long MigrationLockKey = StableKey("switch.persistence.migrate");

    private string Scope { get; }

    internal static string Quote(string identifier) => "\"" + identifier + "\"";

    private static string Truncate(string identifier) => identifier.Length <= 63 ? identifier : identifier[..63];

    /// <summary>A stable 64-bit FNV-1a hash (advisory lock keys must be the same in every process).</summary>
    internal static long StableKey(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return unchecked((long)hash);
    }

    private string[] Migration(int version) => version switch
    {
        1 =>
        [
            $"""
            CREATE TABLE IF NOT EXISTS {Journal} (
                ordering        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                persistence_id  TEXT    NOT NULL,
                sequence_number BIGINT  NOT NULL,
                deleted         BOOLEAN NOT NULL DEFAULT FALSE,
                created         BIGINT  NOT NULL,
                manifest        TEXT    NOT NULL,
                payload         BYTEA   NOT NULL,
                writer_id       TEXT    NOT NULL,
                tags            TEXT    NULL,
                CONSTRAINT {Quote(JournalUniqueConstraint)} UNIQUE (persistence_id, sequence_number))
            """,
            $"""
            CREATE TABLE IF NOT EXISTS {Tags} (
                ordering_id    BIGINT NOT NULL,
                tag            TEXT   NOT NULL,
                persistence_id TEXT   NOT NULL,
                sequence_nr    BIGINT NOT NULL,
                PRIMARY KEY (ordering_id, tag))
            """,
            $"CREATE INDEX IF NOT EXISTS {Quote(Truncate(Options.TagTable + "_tag_idx"))} ON {Tags} (tag, ordering_id)",
            $"""
            CREATE TABLE IF NOT EXISTS {Snapshot} (
                persistence_id  TEXT   NOT NULL,
                sequence_number BIGINT NOT NULL,
                created         BIGINT NOT NULL,
                manifest        TEXT   NOT NULL,
                payload         BYTEA  NOT NULL,
                PRIMARY KEY (persistence_id, sequence_number))
            """,
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(version)),
    };

    /// <summary>Creates or migrates the schema under an advisory lock: safe from many processes, again and again.</summary>
    internal async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await MigrateAsync(connection, Options.Schema, Version, Scope, LatestVersion, Migration, $"{Options.Schema}.{Options.JournalTable}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Brings the tables of <paramref name="scope"/> to <paramref name="latest"/> with <paramref name="migration"/>'s
    /// statements, recording each version in <paramref name="versionTable"/>. Every migration of a database (the
    /// journal's, the cluster's) takes the same advisory lock: concurrent CREATE ... IF NOT EXISTS of the same object
    /// can fail, so they take turns.
    /// </summary>
    internal static async Task MigrateAsync(NpgsqlConnection connection, string schema, string versionTable, string scope, int latest,
        Func<int, string[]> migration, string what, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1)", cancellationToken, MigrationLockKey).ConfigureAwait(false);
        // CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
        if (await ScalarAsync(connection, "SELECT 1 FROM pg_namespace WHERE nspname = $1", cancellationToken, schema).ConfigureAwait(false) is null)
            await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"CREATE TABLE IF NOT EXISTS {versionTable} (scope TEXT NOT NULL, version INTEGER NOT NULL, applied BIGINT NOT NULL, PRIMARY KEY (scope, version))", cancellationToken).ConfigureAwait(false);
        var current = Convert.ToInt32(await ScalarAsync(connection, $"SELECT COALESCE(MAX(version), 0) FROM {versionTable} WHERE scope = $1", cancellationToken, scope).ConfigureAwait(false));
        if (current > latest)
            throw new InvalidOperationException($"The tables of {what} are at version {current}, newer than this build knows ({latest}).");
        for (var version = current + 1; version <= latest; version++)
        {
            foreach (var statement in migration(version))
                await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"INSERT INTO {versionTable} (scope, version, applied) VALUES ($1, $2, $3)", cancellationToken,
                scope, version, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    internal bool IsSequenceConflict(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres &&
        postgres.ConstraintName == JournalUniqueConstraint;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    internal static async Task<PostgresSchema> OpenAsync(PostgresPersistenceOptions options, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var schema = new PostgresSchema(options);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.ConnectTimeout + options.WriteTimeout);
            await schema.MigrateAsync(deadline.Token).WaitAsync(options.ConnectTimeout + options.WriteTimeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            return schema;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await schema.DisposeAsync().ConfigureAwait(false);
            throw new JournalUnavailableException($"{what} '{schema.Location} {options.Schema}.{options.JournalTable}'",
                $"could not open and migrate the database: {StoreGuard.Describe(error)}.", error);
        }
    }
}
