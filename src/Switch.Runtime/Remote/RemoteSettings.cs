namespace Switch.Runtime.Remote;

/// <summary>
/// How a node's transport listens, proves itself to its peers and watches them (<c>switch.remote</c> in
/// <c>hocon/reference.conf</c>; the defaults here match it).
/// </summary>
public sealed record RemoteSettings
{
    /// <summary>The defaults (no secret: set <see cref="Secret"/> before starting a transport).</summary>
    public static RemoteSettings Default { get; } = new();

    /// <summary>The address to listen on. Default <c>127.0.0.1</c>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The TCP port to listen on; 0 takes any free port (see <see cref="RemoteTransport.LocalEndPoint"/>). Default 9120.</summary>
    public int Port { get; init; } = 9120;

    /// <summary>
    /// The cluster secret every node shares: each side of a connection proves it knows it (HMAC-SHA256 over the
    /// other side's random nonce) before any message flows. Required.
    /// </summary>
    public string Secret { get; init; } = "";

    /// <summary>A PKCS#12 file with the certificate and private key for TLS; empty (the default) means plain TCP.</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary>The password of <see cref="CertificatePath"/>.</summary>
    public string CertificatePassword { get; init; } = "";

    /// <summary>
    /// The largest frame (a message with its addressing) sent or accepted, in bytes. Default 1 MiB. A larger message
    /// is refused before it is sent; a larger frame received is skipped and answered with an error, and the
    /// connection stays up.
    /// </summary>
    public int MaximumFrameSize { get; init; } = 1024 * 1024;

    /// <summary>
    /// Messages waiting to be written to one peer, at most. Default 50,000. Beyond it a send fails at once: the
    /// message goes to dead letters and its sender gets <see cref="Actors.Status.Failure"/>.
    /// </summary>
    public int SendQueueSize { get; init; } = 50_000;

    /// <summary>Connecting, TLS and the secret handshake must complete within this. Default 5 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait between attempts to connect to a peer that could not be reached. Default 200 ms.</summary>
    public TimeSpan ReconnectBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// While a peer cannot be connected for longer than this, the messages queued for it go to dead letters and
    /// their senders get a failure (later messages queue again for the next attempt). Default 5 seconds.
    /// </summary>
    public TimeSpan DisconnectedQueueTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each peer is sent a heartbeat. Default one second.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A peer from which nothing (message or heartbeat answer) arrived for this long is unreachable, and its
    /// connection is dropped and dialled again. Default 5 seconds.
    /// </summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host, nameof(Host));
        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        if (string.IsNullOrEmpty(Secret))
            throw new ArgumentException("the cluster secret is required (switch.remote.secret)", nameof(Secret));
        ArgumentNullException.ThrowIfNull(CertificatePath, nameof(CertificatePath));
        ArgumentNullException.ThrowIfNull(CertificatePassword, nameof(CertificatePassword));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumFrameSize, 1024, nameof(MaximumFrameSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SendQueueSize, nameof(SendQueueSize));
        foreach (var (value, name) in new[]
                 {
                     (HandshakeTimeout, nameof(HandshakeTimeout)), (ReconnectBackoff, nameof(ReconnectBackoff)),
                     (DisconnectedQueueTimeout, nameof(DisconnectedQueueTimeout)), (HeartbeatInterval, nameof(HeartbeatInterval)),
                     (AcceptableHeartbeatPause, nameof(AcceptableHeartbeatPause)),
                 })
            if (value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(name, "must be positive");
    }
}
