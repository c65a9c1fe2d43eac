using Switch.Runtime.Actors;

namespace Switch.Runtime.Remote;

/// <summary>
/// An actor on another node. Tell serializes the message on the caller's thread and queues it for the peer's
/// connection; what cannot be sent goes to dead letters with a failure to the sender, as for a local actor.
/// </summary>
internal sealed class RemoteActorRef(Association association, ActorPath path, string wirePath, bool interned) : ActorRef
{
    public override ActorPath Path => path;

    /// <summary>The path as it travels: <c>switch://node/user/a</c>, or with <c>#uid</c> for a reference outside the hierarchy.</summary>
    internal string WirePath => wirePath;

    /// <summary>Whether connections may intern the path (false for single-use ones, such as an Ask's temporary actor).</summary>
    internal bool Interned => interned;

    public override void Tell(object message, ActorRef? sender = null) => association.Send(this, message, sender);

    internal override void SendSystemMessage(SystemMessage message) => association.OnSystemMessage(this, message);
}
