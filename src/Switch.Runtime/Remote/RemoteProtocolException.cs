namespace Switch.Runtime.Remote;

/// <summary>A peer broke the wire protocol; the connection is closed.</summary>
internal sealed class RemoteProtocolException(string message) : Exception(message);
