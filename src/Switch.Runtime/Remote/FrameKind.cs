namespace Switch.Runtime.Remote;

/// <summary>The first byte of every frame's body.</summary>
internal enum FrameKind : byte
{
    /// <summary>Dialler to acceptor: version, both addresses, the dialler's nonce.</summary>
    Hello = 1,

    /// <summary>Acceptor to dialler: version, its nonce, its proof of the secret.</summary>
    Challenge = 2,

    /// <summary>Dialler to acceptor: its proof of the secret.</summary>
    Proof = 3,

    /// <summary>Acceptor to dialler: the connection may carry messages.</summary>
    Accepted = 4,

    /// <summary>Either side: the handshake failed, with the reason; the connection closes.</summary>
    Refused = 5,

    /// <summary>A user message: recipient, sender and manifest tokens, then the serialized payload.</summary>
    Message = 16,

    /// <summary><see cref="Actors.Status.Failure"/>: the manifest token carries the exception type, the payload its message in UTF-8.</summary>
    Failure = 17,

    /// <summary><see cref="Actors.PoisonPill"/>: no manifest, no payload.</summary>
    PoisonPill = 18,

    /// <summary>Dialler to acceptor, every heartbeat interval.</summary>
    Heartbeat = 32,

    /// <summary>Acceptor to dialler, for each heartbeat.</summary>
    HeartbeatAck = 33,

    /// <summary>Acceptor to dialler: a message was not delivered (too large, unreadable); sender path, error type, reason.</summary>
    Rejected = 34,
}
