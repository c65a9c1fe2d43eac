namespace Switch.Runtime.Actors;

/// <summary>Lifecycle and supervision messages: processed before ordinary messages, never stashed.</summary>
internal abstract record SystemMessage
{
    /// <summary>The next message in the recipient's queue (<see cref="ActorCell"/>): a message is sent once, to one actor.</summary>
    internal SystemMessage? Next;
}

internal sealed record Create : SystemMessage;

internal sealed record Terminate : SystemMessage;

/// <summary>A child failed; the parent's supervisor strategy decides what happens to it.</summary>
internal sealed record Failed(ActorRef Child, Exception Cause, long Uid) : SystemMessage;

internal sealed record Resume : SystemMessage;

internal sealed record Recreate(Exception Cause) : SystemMessage;

internal sealed record Watch(ActorRef Watchee, ActorRef Watcher) : SystemMessage;

internal sealed record Unwatch(ActorRef Watchee, ActorRef Watcher) : SystemMessage;

/// <summary>A watched actor (or a child) stopped.</summary>
internal sealed record DeathWatchNotification(ActorRef Actor) : SystemMessage;
