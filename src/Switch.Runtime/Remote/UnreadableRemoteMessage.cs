namespace Switch.Runtime.Remote;

/// <summary>
/// What dead letters get in place of a message that arrived from another node and could not be read (its manifest
/// is unknown here, or its reader failed); the sender was told.
/// </summary>
/// <param name="Manifest">The manifest it was sent with.</param>
/// <param name="PayloadBytes">The size of its payload.</param>
/// <param name="Reason">Why it could not be read.</param>
public sealed record UnreadableRemoteMessage(string Manifest, int PayloadBytes, string Reason);
