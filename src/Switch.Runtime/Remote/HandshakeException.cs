namespace Switch.Runtime.Remote;

/// <summary>A connection failed its handshake (wrong secret, wrong node, other version); the message says why.</summary>
internal sealed class HandshakeException(string message) : Exception(message);
