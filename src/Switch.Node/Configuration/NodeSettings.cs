using Microsoft.Extensions.Configuration;
using Switch.Actors;
using Switch.Actors.Accounts;
using Switch.Actors.Channels;
using Switch.Actors.Routing;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Cluster;
using Switch.Runtime.Configuration;
using Switch.Runtime.Persistence;
using Switch.Runtime.Remote;

namespace Switch.Node.Configuration;

/// <summary>
/// The node's settings, read once at start-up from the merged configuration (hocon/reference.conf, the node's
/// file, environment variables, arguments). Anything invalid stops the node with the file, line and key at fault.
/// </summary>
internal sealed record NodeSettings
{
    public required string NodeId { get; init; }
    public required string DataDir { get; init; }
    public required TimeSpan ShutdownTimeout { get; init; }
    public required PersistenceOptions Journal { get; init; }
    public required IReadOnlyList<AcquirerSettings> Acquirers { get; init; }
    public required PaymentSwitchOptions Payments { get; init; }
    public required IReadOnlyList<string> DemoBankChannels { get; init; }
    public required DemoBankSettings DemoBank { get; init; }
    public required LoggingSettings Logging { get; init; }
    public required AdminSettings Admin { get; init; }

    /// <summary>The cluster membership (PostgreSQL) and the node-to-node transport; null on a single node.</summary>
    public required (ClusterSettings Membership, RemoteSettings Transport)? Cluster { get; init; }

    /// <summary>Reads and validates everything under <c>switch</c>.</summary>
    /// <exception cref="ConfigurationErrorException">A setting is missing or invalid.</exception>
    public static NodeSettings Read(IConfigurationRoot c)
    {
        var dataDir = c.GetString("switch:node:data-dir");
        var nodeId = c.GetString("switch:node:id");
        var demo = new DemoBankSettings(
            c.GetBool("switch:demo-bank:enabled"), c.GetInt("switch:demo-bank:port"),
            Dialect(c, "switch:demo-bank:dialect"), Framing(c, "switch:demo-bank:framing"),
            c.GetDuration("switch:demo-bank:latency"), Ratio(c, "switch:demo-bank:decline-ratio"));
        var channels = ListElement.Read(c, "switch:channels", "switch:channel-defaults").Select(e => Channel(c, e)).ToList();
        var demoChannels = channels.Where(x => x.UseDemoBank).Select(x => x.Options.Name).ToList();
        if (demoChannels.Count > 0 && !demo.Enabled)
            throw Error(c, "switch:demo-bank:enabled", $"channel {demoChannels[0]} uses the demo bank, which is not enabled");
        var products = c.GetSection("switch:products").GetChildren().ToDictionary(p => p.Key, p => Product(c, $"switch:products:{p.Key}"), StringComparer.Ordinal);
        var bins = c.GetSection("switch:bin-table").GetChildren().Select(b => Bin(c, $"switch:bin-table:{b.Key}")).ToList();
        var journal = ReadJournal(c, nodeId, dataDir);
        return new NodeSettings
        {
            NodeId = nodeId,
            DataDir = dataDir,
            ShutdownTimeout = c.GetDuration("switch:node:shutdown-timeout"),
            Journal = journal,
            Acquirers = ListElement.Read(c, "switch:acquirers", "switch:acquirer-defaults").Select(e => Acquirer(c, e)).ToList(),
            Payments = ReadPayments(c, channels.Select(x => x.Options).ToList(), bins, products),
            DemoBankChannels = demoChannels,
            DemoBank = demo,
            Logging = new LoggingSettings(c.GetString("switch:logging:level"), c.GetBool("switch:logging:console"),
                c.GetString("switch:logging:file") is { Length: > 0 } log ? Path.Combine(dataDir, log) : ""),
            Admin = new AdminSettings(c.GetBool("switch:admin:enabled"), Address(c, "switch:admin:host"),
                Port(c, "switch:admin:port", allowZero: true), c.GetString("switch:admin:token"), c.GetBool("switch:admin:fault-injection")),
            Cluster = c.GetBool("switch:cluster:enabled") ? ReadCluster(c, journal) : null,
        };
    }

    private static (ClusterSettings, RemoteSettings) ReadCluster(IConfigurationRoot c, PersistenceOptions journal)
    {
        const string k = "switch:cluster", r = "switch:remote";
        if (journal is not PostgresPersistenceOptions postgres)
            throw Error(c, $"{k}:enabled", "a cluster keeps its members and shard leases with the journal, which must be PostgreSQL (switch.journal.backend = postgres)");
        var membership = new ClusterSettings
        {
            Enabled = true,
            DataCentre = Required(c, $"{k}:data-centre"),
            Roles = c.GetSection($"{k}:roles").GetChildren().Select(x => x.Value ?? "").ToList(),
            ConnectionString = postgres.ConnectionString,
            Schema = postgres.Schema,
            HeartbeatInterval = c.GetDuration($"{k}:heartbeat-interval"),
            HeartbeatTimeout = c.GetDuration($"{k}:heartbeat-timeout"),
            LeaseTtl = c.GetDuration($"{k}:lease-ttl"),
            LeaseRenewInterval = c.GetDuration($"{k}:lease-renew-interval"),
            RebalanceInterval = c.GetDuration($"{k}:rebalance-interval"),
            RebalanceThreshold = c.GetInt($"{k}:rebalance-threshold"),
            MaxSimultaneousMoves = c.GetInt($"{k}:max-simultaneous-moves"),
            HandOffTimeout = c.GetDuration($"{k}:hand-off-timeout"),
            ConnectTimeout = c.GetDuration($"{k}:connect-timeout"),
            OperationTimeout = c.GetDuration($"{k}:operation-timeout"),
        };
        try
        {
            membership.Validate();
        }
        catch (ArgumentException error)
        {
            throw Error(c, $"{k}:{Kebab(error.ParamName)}", error.Message);
        }
        var secret = c.GetString($"{r}:secret");
        if (secret.Length < 16)
            throw Error(c, $"{r}:secret", "a cluster needs the shared secret of at least 16 characters (set it with switch__remote__secret)");
        var transport = new RemoteSettings
        {
            Host = Address(c, $"{r}:host"),
            Port = Port(c, $"{r}:port", allowZero: true),
            Secret = secret,
            CertificatePath = c.GetString($"{r}:tls:certificate"),
            CertificatePassword = c.GetString($"{r}:tls:certificate-password"),
            MaximumFrameSize = (int)Math.Min(int.MaxValue, c.GetSize($"{r}:maximum-frame-size")),
            SendQueueSize = Positive(c, $"{r}:send-queue-size"),
            HandshakeTimeout = c.GetDuration($"{r}:handshake-timeout"),
            ReconnectBackoff = c.GetDuration($"{r}:reconnect-backoff"),
            DisconnectedQueueTimeout = c.GetDuration($"{r}:disconnected-queue-timeout"),
            HeartbeatInterval = c.GetDuration($"{r}:heartbeat-interval"),
            AcceptableHeartbeatPause = c.GetDuration($"{r}:acceptable-heartbeat-pause"),
        };
        return (membership, transport);
    }

    /// <summary>A settings property's name as its key: HeartbeatTimeout → heartbeat-timeout.</summary>
    private static string Kebab(string? name) =>
        string.Concat((name ?? "").Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(ch) : ch.ToString()));

    private static PaymentSwitchOptions ReadPayments(IConfigurationRoot c, List<ChannelOptions> channels, List<BinRange> bins, Dictionary<string, ProductLimits> products)
    {
        var key = c.GetString("switch:security:card-data-key");
        if (key.Length != 64 || !key.All(char.IsAsciiHexDigit))
            throw Error(c, "switch:security:card-data-key", "must be 64 hex digits (set it in the configuration or with switch__security__card-data-key)");
        foreach (var bin in bins)
            if (!products.ContainsKey(bin.Product))
                throw Error(c, "switch:bin-table", $"range {bin} names product '{bin.Product}', which is not under switch.products");
        var options = new PaymentSwitchOptions(channels, bins, products, key)
        {
            AccountShards = c.GetInt("switch:accounts:shards"),
            AccountIdleTimeout = c.GetDuration("switch:accounts:idle-timeout"),
            MaxActiveAccounts = c.GetInt("switch:accounts:max-active"),
            HoldExpiry = c.GetDuration("switch:accounts:hold-expiry"),
            KeyRetention = c.GetDuration("switch:accounts:key-retention"),
            AuthorizationTimeout = c.GetDuration("switch:accounts:authorization-timeout"),
            RecoveryScanEvents = Positive(c, "switch:accounts:recovery-scan-events"),
            SnapshotEvery = Positive(c, "switch:accounts:snapshot-every"),
        };
        try
        {
            _ = new Router(new BinTable(bins), channels.ToDictionary(x => x.Name, x => new ChannelStatus(x.Name, x.Bank)));
        }
        catch (ArgumentException error)
        {
            throw Error(c, "switch:bin-table", error.Message);
        }
        return options;
    }

    private static PersistenceOptions ReadJournal(IConfigurationRoot c, string nodeId, string dataDir)
    {
        const string j = "switch:journal";
        var backend = c.GetString($"{j}:backend");
        PersistenceOptions options = backend switch
        {
            "sqlite" => new SqlitePersistenceOptions(Path.Combine(dataDir, Required(c, $"{j}:sqlite:file")))
            {
                Synchronous = c.GetString($"{j}:sqlite:synchronous") switch
                {
                    "full" => SqliteSynchronous.Full,
                    "normal" => SqliteSynchronous.Normal,
                    var other => throw Error(c, $"{j}:sqlite:synchronous", $"'{other}' is not full or normal"),
                },
                PageSize = c.GetInt($"{j}:sqlite:page-size"),
                CheckpointPages = c.GetInt($"{j}:sqlite:checkpoint-pages"),
            },
            "postgres" => new PostgresPersistenceOptions(Required(c, $"{j}:postgres:connection-string")) { Schema = c.GetString($"{j}:postgres:schema") },
            _ => throw Error(c, $"{j}:backend", $"'{backend}' is not sqlite or postgres"),
        };
        options = options with
        {
            MaxBatchEvents = c.GetInt($"{j}:max-batch-events"),
            BatchWindow = c.GetDuration($"{j}:batch-window"),
            WriteTimeout = c.GetDuration($"{j}:write-timeout"),
            ReadTimeout = c.GetDuration($"{j}:read-timeout"),
            ConnectTimeout = c.GetDuration($"{j}:connect-timeout"),
            BreakerMaxFailures = c.GetInt($"{j}:breaker-max-failures"),
            BreakerResetTimeout = c.GetDuration($"{j}:breaker-reset-timeout"),
            WriterId = nodeId,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException error)
        {
            throw Error(c, $"{j}:backend", error.Message);
        }
        return options;
    }

    private static AcquirerSettings Acquirer(IConfigurationRoot c, ListElement e) => new(
        Required(c, e.Key(c, "name")), Required(c, e.Key(c, "acquirer-id")), c.GetString(e.Key(c, "host")), Port(c, e.Key(c, "port"), allowZero: true),
        Dialect(c, e.Key(c, "dialect")), Framing(c, e.Key(c, "framing")), Positive(c, e.Key(c, "max-connections")), Positive(c, e.Key(c, "max-in-flight")),
        c.GetDuration(e.Key(c, "idle-timeout")), Positive(c, e.Key(c, "max-errors-in-a-row")));

    private static (ChannelOptions Options, bool UseDemoBank) Channel(IConfigurationRoot c, ListElement e)
    {
        var useDemo = c.GetBool(e.Key(c, "use-demo-bank"));
        var options = new ChannelOptions(Required(c, e.Key(c, "name")), Required(c, e.Key(c, "bank")), c.GetString(e.Key(c, "host")),
            useDemo ? 1 : Port(c, e.Key(c, "port"), allowZero: false), Dialect(c, e.Key(c, "dialect")), Framing(c, e.Key(c, "framing")))
        {
            Connections = Positive(c, e.Key(c, "connections")),
            RequestTimeout = c.GetDuration(e.Key(c, "request-timeout")),
            TimeoutResponseCode = c.GetString(e.Key(c, "timeout-response-code")),
            EchoInterval = c.GetDuration(e.Key(c, "echo-interval")),
            ReconnectDelay = c.GetDuration(e.Key(c, "reconnect-delay")),
            SignOnTimeout = c.GetDuration(e.Key(c, "sign-on-timeout")),
            SafRetryInterval = c.GetDuration(e.Key(c, "saf-retry-interval")),
            Breaker = new BreakerOptions
            {
                FailureRatio = Ratio(c, e.Key(c, "breaker:failure-ratio")),
                SamplingDuration = c.GetDuration(e.Key(c, "breaker:sampling-duration")),
                MinimumThroughput = Positive(c, e.Key(c, "breaker:minimum-throughput")),
                BreakDuration = c.GetDuration(e.Key(c, "breaker:break-duration")),
            },
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException error)
        {
            throw Error(c, e.Path, error.Message);
        }
        return (options, useDemo);
    }

    private static BinRange Bin(IConfigurationRoot c, string path)
    {
        var range = Required(c, $"{path}:range");
        var dash = range.IndexOf('-');
        var (low, high) = dash < 0 ? (range, range) : (range[..dash], range[(dash + 1)..]);
        var onUs = c[$"{path}:on-us"] is not null && c.GetBool($"{path}:on-us");
        var candidates = c.GetSection($"{path}:candidates").GetChildren().Select(x =>
        {
            var p = $"{path}:candidates:{x.Key}";
            var max = c[$"{p}:max-amount"] is null ? 0 : long.Parse(c.GetString($"{p}:max-amount"));
            return new RouteCandidate(Required(c, $"{p}:channel"),
                c[$"{p}:priority"] is null ? 1 : c.GetInt($"{p}:priority"),
                c[$"{p}:weight"] is null ? 1 : c.GetInt($"{p}:weight"),
                c[$"{p}:min-amount"] is null ? 0 : long.Parse(c.GetString($"{p}:min-amount")),
                max == 0 ? long.MaxValue : max);
        }).ToList();
        if (!onUs && candidates.Count == 0)
            throw Error(c, $"{path}:candidates", $"range {range} is not on-us and has no candidate channel");
        return new BinRange(low, high, c[$"{path}:issuer"] ?? "", Required(c, $"{path}:product"), onUs, candidates);
    }

    private static ProductLimits Product(IConfigurationRoot c, string path)
    {
        long Amount(string name) => c[$"{path}:{name}"] is null ? 0 : NonNegative(c, $"{path}:{name}");
        return new ProductLimits
        {
            SingleAmount = Amount("single-amount"), DailyAmount = Amount("daily-amount"), DailyCount = (int)Amount("daily-count"),
            MonthlyAmount = Amount("monthly-amount"), MonthlyCount = (int)Amount("monthly-count"), OpeningBalance = Amount("opening-balance"),
        };
    }

    private static Dialect Dialect(IConfigurationRoot c, string key)
    {
        var name = c.GetString(key);
        return Dialects.All.FirstOrDefault(d => d.Name == name)
            ?? throw Error(c, key, $"'{name}' is not a dialect ({string.Join(", ", Dialects.All.Select(d => d.Name))})");
    }

    private static FrameFormat Framing(IConfigurationRoot c, string key)
    {
        var name = c.GetString(key);
        try
        {
            return FrameFormat.Parse(name);
        }
        catch (FormatException error)
        {
            throw Error(c, key, error.Message);
        }
    }

    private static string Address(IConfigurationRoot c, string key)
    {
        var host = c.GetString(key);
        return System.Net.IPAddress.TryParse(host, out _) ? host : throw Error(c, key, $"'{host}' is not an IP address");
    }

    private static string Required(IConfigurationRoot c, string key)
    {
        var value = c.GetString(key);
        return value.Length > 0 ? value : throw Error(c, key, "is required");
    }

    private static int Port(IConfigurationRoot c, string key, bool allowZero)
    {
        var port = c.GetInt(key);
        return port is >= 0 and <= 65535 && (allowZero || port > 0) ? port : throw Error(c, key, $"{port} is not a TCP port");
    }

    private static int Positive(IConfigurationRoot c, string key)
    {
        var value = c.GetInt(key);
        return value > 0 ? value : throw Error(c, key, $"{value} must be at least 1");
    }

    private static long NonNegative(IConfigurationRoot c, string key)
    {
        var text = c.GetString(key);
        return long.TryParse(text, out var value) && value >= 0 ? value : throw Error(c, key, $"'{text}' is not an amount in minor units");
    }

    private static double Ratio(IConfigurationRoot c, string key)
    {
        var text = c.GetString(key);
        return double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1
            ? value : throw Error(c, key, $"'{text}' is not a ratio between 0 and 1");
    }

    private static ConfigurationErrorException Error(IConfigurationRoot c, string key, string reason) =>
        c.Invalid(key, reason);
}

/// <summary>One acquirer listener.</summary>
internal sealed record AcquirerSettings(string Name, string AcquirerId, string Host, int Port, Dialect Dialect, FrameFormat Framing,
    int MaxConnections, int MaxInFlight, TimeSpan IdleTimeout, int MaxErrorsInARow);

/// <summary>The demo bank simulator.</summary>
internal sealed record DemoBankSettings(bool Enabled, int Port, Dialect Dialect, FrameFormat Framing, TimeSpan Latency, double DeclineRatio);

/// <summary>Where logs go.</summary>
internal sealed record LoggingSettings(string Level, bool Console, string File);

/// <summary>
/// The operators' admin endpoint (HTTP + JSON); an empty <paramref name="Token"/> refuses every call but the health checks.
/// <paramref name="FaultInjection"/> allows POST /faults/partition (rehearsals only).
/// </summary>
internal sealed record AdminSettings(bool Enabled, string Host, int Port, string Token, bool FaultInjection);
