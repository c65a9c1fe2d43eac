using Microsoft.Data.Sqlite;

namespace Switch.Runtime.Persistence;

/// <summary>
/// The SQLite tables (modelled on Akka.Persistence.Sql) and their migrations. The journal's
/// <c>ordering INTEGER PRIMARY KEY AUTOINCREMENT</c> is the rowid: assigned inside the write transaction, which
/// SQLite serializes (one writer at a time per file), so orderings commit in increasing order.
/// </summary>
internal sealed class SqliteSchema
{
    /// <summary>The newest schema version this build knows.</summary>
    internal const int LatestVersion = 1;

    internal SqliteSchema(SqlitePersistenceOptions options)
    {
        options.Validate();
        Options = options;
        Journal = Quote(options.JournalTable);
        Tags = Quote(options.TagTable);
        Snapshot = Quote(options.SnapshotTable);
        Version = Quote(options.SchemaVersionTable);
        FullPath = Path.GetFullPath(options.FilePath);
        WriteTimeoutSeconds = Math.Max(1, (int)Math.Ceiling(options.WriteTimeout.TotalSeconds));
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.ReadTimeout.TotalSeconds)), // how long a locked database is retried
        }.ToString();
        WriterConnectionString = new SqliteConnectionStringBuilder(ConnectionString)
        {
            // The URI form names the VFS: the writer's log writes are gathered per transaction (WalGatheringVfs).
            DataSource = "file:" + FullPath.Replace("%", "%25").Replace("?", "%3f").Replace("#", "%23") + "?vfs=" + WalGatheringVfs.Name,
            Pooling = false,
        }.ToString();
        ReaderConnectionString = new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString(); // SqliteReaders pools them
        Scope = "switch.persistence:" + options.JournalTable;
    }

    internal SqlitePersistenceOptions Options { get; }

    /// <summary>How long the writer retries a database locked by another process (whole seconds: Microsoft.Data.Sqlite's unit).</summary>
    internal int WriteTimeoutSeconds { get; }

    internal string FullPath { get; }

    internal string ConnectionString { get; }

    /// <summary>The connections of <see cref="SqliteReaders"/>.</summary>
    internal string ReaderConnectionString { get; }

    /// <summary>The journal writer's connection: through <see cref="WalGatheringVfs"/>, not pooled.</summary>
    internal string WriterConnectionString { get; }

    internal string Journal { get; }

    internal string Tags { get; }

    internal string Snapshot { get; }

    internal string Version { get; }

    private string Scope { get; }

    private static string Quote(string identifier) => "\"" + identifier + "\"";

    private string[] Migration(int version) => version switch
    {
        1 =>
        [
            $"""
            CREATE TABLE IF NOT EXISTS {Journal} (
                ordering        INTEGER PRIMARY KEY AUTOINCREMENT,
                persistence_id  TEXT    NOT NULL,
                sequence_number INTEGER NOT NULL,
                deleted         INTEGER NOT NULL DEFAULT 0,
                created         INTEGER NOT NULL,
                manifest        TEXT    NOT NULL,
                payload         BLOB    NOT NULL,
                writer_id       TEXT    NOT NULL,
                tags            TEXT    NULL,
                UNIQUE (persistence_id, sequence_number))
            """,
            $"""
            CREATE TABLE IF NOT EXISTS {Tags} (
                ordering_id    INTEGER NOT NULL,
                tag            TEXT    NOT NULL,
                persistence_id TEXT    NOT NULL,
                sequence_nr    INTEGER NOT NULL,
                PRIMARY KEY (ordering_id, tag)) WITHOUT ROWID
            """,
            $"CREATE INDEX IF NOT EXISTS {Quote(Options.TagTable + "_tag_idx")} ON {Tags} (tag, ordering_id)",
            $"""
            CREATE TABLE IF NOT EXISTS {Snapshot} (
                persistence_id  TEXT    NOT NULL,
                sequence_number INTEGER NOT NULL,
                created         INTEGER NOT NULL,
                manifest        TEXT    NOT NULL,
                payload         BLOB    NOT NULL,
                PRIMARY KEY (persistence_id, sequence_number))
            """,
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(version)),
    };

    /// <summary>Whether <paramref name="journal"/>'s file holds the same snapshot table as this schema's (so one query can read both).</summary>
    internal bool SharesSnapshotTableWith(SqliteSchema journal) => FullPath == journal.FullPath && Snapshot == journal.Snapshot;

    /// <summary>Opens a connection with this store's settings (WAL, sync level).</summary>
    internal SqliteConnection Open() => Open(ConnectionString);

    /// <summary>Opens the journal writer's connection.</summary>
    internal SqliteConnection OpenWriter()
    {
        WalGatheringVfs.EnsureRegistered();
        return Open(WriterConnectionString);
    }

    private SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Execute(connection, Options.Synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Creates or migrates the schema; safe to run from many processes at once and again and again.</summary>
    internal void Migrate()
    {
        var directory = Path.GetDirectoryName(FullPath);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        using var connection = Open();
        Execute(connection, $"PRAGMA page_size = {Options.PageSize}"); // takes effect only while the file is empty
        var mode = Scalar(connection, "PRAGMA journal_mode = WAL");
        if (!string.Equals(mode as string, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"SQLite refused WAL mode for '{FullPath}' (journal_mode is '{mode}').");
        Execute(connection, $"CREATE TABLE IF NOT EXISTS {Version} (scope TEXT NOT NULL, version INTEGER NOT NULL, applied INTEGER NOT NULL, PRIMARY KEY (scope, version))");
        using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one migrator at a time
        var current = Convert.ToInt32(Scalar(connection, $"SELECT COALESCE(MAX(version), 0) FROM {Version} WHERE scope = $scope", transaction, ("$scope", Scope)));
        if (current > LatestVersion)
            throw new InvalidOperationException($"The schema of '{FullPath}' is at version {current}, newer than this build knows ({LatestVersion}).");
        for (var version = current + 1; version <= LatestVersion; version++)
        {
            foreach (var statement in Migration(version))
                Execute(connection, statement, transaction);
            Execute(connection, $"INSERT INTO {Version} (scope, version, applied) VALUES ($scope, $version, $applied)", transaction,
                ("$scope", Scope), ("$version", version), ("$applied", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        }
        transaction.Commit();
    }

    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, transaction, parameters);
        command.ExecuteNonQuery();
    }

    internal static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, transaction, parameters);
        return command.ExecuteScalar();
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    /// <summary>True for the unique violation of (persistence_id, sequence_number).</summary>
    internal static bool IsSequenceConflict(SqliteException error) =>
        error.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */ &&
        error.SqliteExtendedErrorCode is 2067 /* _UNIQUE */ or 1555 /* _PRIMARYKEY */ &&
        error.Message.Contains("sequence_number", StringComparison.Ordinal);
}
