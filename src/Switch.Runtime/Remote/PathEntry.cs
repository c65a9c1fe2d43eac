using Switch.Runtime.Actors;

namespace Switch.Runtime.Remote;

/// <summary>A path that arrived on a connection, with the reference it resolved to (kept while that actor lives).</summary>
internal sealed class PathEntry(string wirePath, bool interned)
{
    public string WirePath { get; } = wirePath;

    public bool Interned { get; } = interned;

    public ActorRef? Reference { get; set; }
}
