using System.Text.RegularExpressions;

namespace Switch.Runtime.Persistence;

/// <summary>Settings shared by both backends: group commit, timeouts, the circuit breaker and table names.</summary>
public abstract partial record PersistenceOptions
{
    /// <summary>The most events one group-commit transaction holds (an atomic write is never split). Default 1000.</summary>
    public int MaxBatchEvents { get; init; } = 1000;

    /// <summary>
    /// How long the writer waits for more writes after the first one of a batch arrives, unless the batch fills.
    /// Default zero: writes that arrive while a transaction commits form the next batch by themselves, which
    /// batches well under load without adding latency when idle.
    /// </summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.Zero;

    /// <summary>The longest a write may take from the call until it is durably committed or fails. Default 5 s.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest a read (or a delete, or a snapshot operation) may wait for the database. Default 10 s.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest opening a connection may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failures (transactions or reads) that open the circuit breaker. Default 5.</summary>
    public int BreakerMaxFailures { get; init; } = 5;

    /// <summary>How long the open breaker fails calls fast before it lets one probe through. Default 5 s.</summary>
    public TimeSpan BreakerResetTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The writer id stored with events whose write names none. Default: a new GUID per journal instance.</summary>
    public string? WriterId { get; init; }

    /// <summary>The journal table. Default "journal".</summary>
    public string JournalTable { get; init; } = "journal";

    /// <summary>The tag table (ordering_id, tag, persistence_id, sequence_nr). Default "tags".</summary>
    public string TagTable { get; init; } = "tags";

    /// <summary>The snapshot table. Default "snapshot".</summary>
    public string SnapshotTable { get; init; } = "snapshot";

    /// <summary>The table that records which schema migrations ran. Default "schema_version".</summary>
    public string SchemaVersionTable { get; init; } = "schema_version";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range (opening a store does it too).</summary>
    public virtual void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchEvents, 1, nameof(MaxBatchEvents));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchWindow, TimeSpan.Zero, nameof(BatchWindow));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(WriteTimeout, TimeSpan.Zero, nameof(WriteTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReadTimeout, TimeSpan.Zero, nameof(ReadTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(BreakerMaxFailures, 1, nameof(BreakerMaxFailures));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BreakerResetTimeout, TimeSpan.Zero, nameof(BreakerResetTimeout));
        CheckIdentifier(JournalTable, nameof(JournalTable));
        CheckIdentifier(TagTable, nameof(TagTable));
        CheckIdentifier(SnapshotTable, nameof(SnapshotTable));
        CheckIdentifier(SchemaVersionTable, nameof(SchemaVersionTable));
    }

    internal static void CheckIdentifier(string name, string setting)
    {
        if (name is null || !IdentifierPattern().IsMatch(name))
            throw new ArgumentException($"{setting} must be a plain SQL identifier (letters, digits, '_', at most 63, not starting with a digit): '{name}'.", setting);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}

/// <summary>How hard SQLite syncs the write-ahead log at commit (PRAGMA synchronous).</summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// A write is acknowledged only after the WAL holding its commit is synced: it survives a power loss. The default.
    /// The writer does not wait for the sync: it commits the next batch meanwhile, and one sync covers every commit
    /// made before it started. A committed batch is visible to queries for the length of its sync before it is
    /// acknowledged (a power loss in that window loses it, and its writers are told nothing was confirmed).
    /// </summary>
    Full,

    /// <summary>The WAL is synced at checkpoints only: a write acknowledged at commit survives a process crash, may be lost on a power loss.</summary>
    Normal,
}

/// <summary>The SQLite backend's settings (the embedded default). The database runs in WAL mode.</summary>
public sealed record SqlitePersistenceOptions : PersistenceOptions
{
    /// <summary>Creates the settings for the database file at <paramref name="filePath"/> (created when missing).</summary>
    /// <param name="filePath">The database file.</param>
    public SqlitePersistenceOptions(string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        FilePath = filePath;
    }

    /// <summary>The database file (created when missing).</summary>
    public string FilePath { get; init; }

    /// <summary>Sync level at commit. Default <see cref="SqliteSynchronous.Full"/>.</summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>
    /// The page size of a database this store creates (PRAGMA page_size; an existing file keeps its own). Default
    /// 1024. Every commit writes each page it touched, whole, to the write-ahead log, and each event touches the
    /// index page of its own persistence id: with 400 actors a commit writes about one page per event, so 1 KiB
    /// pages commit about 10% more events per second than SQLite's 4 KiB default (measured, bench persist).
    /// </summary>
    public int PageSize { get; init; } = 1024;

    /// <summary>
    /// The write-ahead log's size, in pages, at which the writer copies it back into the database file
    /// (PRAGMA wal_autocheckpoint). Default 20000 (about 20 MiB with 1 KiB pages). Each event dirties the index page of its
    /// persistence id, so a checkpoint writes and syncs about one page per distinct recent persistence id: a larger
    /// log amortizes that over more commits (SQLite's own default of 1000 halves journal throughput with 400
    /// writers), at the cost of disk space and a longer log to read after a crash.
    /// </summary>
    public int CheckpointPages { get; init; } = 20000;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointPages, 100, nameof(CheckpointPages));
        if (PageSize is < 512 or > 65536 || !int.IsPow2(PageSize))
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "SQLite page sizes are powers of two from 512 to 65536.");
    }
}

/// <summary>The PostgreSQL backend's settings.</summary>
public sealed record PostgresPersistenceOptions : PersistenceOptions
{
    /// <summary>Creates the settings for the database at <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    /// <param name="connectionString">Host, port, database, user and password; timeouts are set from these options.</param>
    public PostgresPersistenceOptions(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ConnectionString = connectionString;
    }

    /// <summary>The Npgsql connection string.</summary>
    public string ConnectionString { get; init; }

    /// <summary>The schema that holds the tables (created when missing). Default "public".</summary>
    public string Schema { get; init; } = "public";

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        CheckIdentifier(Schema, nameof(Schema));
    }
}
