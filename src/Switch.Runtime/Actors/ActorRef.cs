namespace Switch.Runtime.Actors;

/// <summary>
/// The handle to an actor: the only way to talk to it. Local and (later) remote actors have the same type, so
/// callers never know where an actor runs. Messages from one sender to one actor arrive in the order sent.
/// </summary>
public abstract class ActorRef : IEquatable<ActorRef>
{
    /// <summary>Where the actor lives.</summary>
    public abstract ActorPath Path { get; }

    /// <summary>
    /// Sends a message without waiting and without allocating beyond the message itself. A message that cannot
    /// be delivered (the actor is gone, its bounded mailbox is full) goes to dead letters, where it is counted
    /// and logged; with a bounded mailbox the sender also gets a <see cref="Status.Failure"/>.
    /// </summary>
    /// <param name="message">Any object; it must not be mutated after sending.</param>
    /// <param name="sender">Who the reply should go to, or null.</param>
    public abstract void Tell(object message, ActorRef? sender = null);

    internal abstract void SendSystemMessage(SystemMessage message);

    /// <inheritdoc />
    public bool Equals(ActorRef? other) => other is not null && Path.Equals(other.Path);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ActorRef);

    /// <inheritdoc />
    public override int GetHashCode() => Path.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"Actor[{Path}#{Path.Uid}]";
}
