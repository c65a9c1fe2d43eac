namespace Switch.Runtime.Remote;

/// <summary>
/// The transport refused to send a message to another node (no route, send queue full, message too large, peer
/// unreachable for too long). The message went to dead letters; its sender gets this in a
/// <see cref="Actors.Status.Failure"/>.
/// </summary>
public sealed class RemoteDeliveryException(string message) : Exception(message);
