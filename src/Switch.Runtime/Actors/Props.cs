namespace Switch.Runtime.Actors;

/// <summary>How to create an actor: its factory (called again on every restart), its mailbox and its supervision.</summary>
public sealed record Props
{
    private Props(Func<Actor> factory) => Factory = factory;

    /// <summary>Props for an actor made by <paramref name="factory"/>; the factory runs on each (re)start.</summary>
    public static Props Create<TActor>(Func<TActor> factory) where TActor : Actor => new(factory);

    internal Func<Actor> Factory { get; }

    /// <summary>Mailbox capacity; 0 (the default) is unbounded. A full bounded mailbox refuses with a clear signal.</summary>
    public int MailboxCapacity { get; init; }

    /// <summary>Messages processed in one turn on a thread before yielding it (Akka's default is 30).</summary>
    public int Throughput { get; init; } = 30;

    /// <summary>How this actor supervises its children; null takes <see cref="SupervisorStrategy.Default"/>.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; init; }

    /// <summary>
    /// The lease the actor and its descendants write their journal events under (a cluster's shards set their own;
    /// an adopted node's state sets its adoption's); null inherits the parent's. See <see cref="Persistence.WriteFence"/>.
    /// </summary>
    public Persistence.WriteFence? Fence { get; init; }
}
