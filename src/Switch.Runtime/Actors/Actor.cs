namespace Switch.Runtime.Actors;

/// <summary>
/// Base class of every actor. An actor processes one message at a time, so its fields need no locks; it talks to
/// others only by messages. Override <see cref="OnReceive"/>; switch behaviour with
/// <see cref="IActorContext.Become"/>.
/// </summary>
public abstract class Actor
{
    private IActorContext? _context;

    /// <summary>Binds the actor to the context that is creating it, so constructors may use <see cref="Context"/>.</summary>
    protected Actor() => _context = ActorCell.Constructing;

    /// <summary>The actor's context: self, sender, children, timers, stash, watch.</summary>
    protected IActorContext Context => _context ?? throw new InvalidOperationException("an actor's context exists only inside the actor system");

    /// <summary>This actor's reference.</summary>
    protected ActorRef Self => Context.Self;

    /// <summary>The sender of the message being processed (dead letters when there is none).</summary>
    protected ActorRef Sender => Context.Sender;

    internal void Attach(IActorContext context) => _context = context;

    // The cell drives the lifecycle through these, so that actors override plain protected members.
    internal Action<object> Receive => OnReceive;

    internal void RunPreStart() => PreStart();

    internal void RunPostStop() => PostStop();

    internal void RunPreRestart(Exception cause, object? message) => PreRestart(cause, message);

    internal void RunPostRestart(Exception cause) => PostRestart(cause);

    /// <summary>Handles a message; call <see cref="Unhandled"/> for messages the actor does not know.</summary>
    protected abstract void OnReceive(object message);

    /// <summary>Records a message the actor did not handle: it goes to dead letters (counted, logged).</summary>
    protected void Unhandled(object message) => Context.System.DeadLetters.Tell(
        new DeadLetter(message, Context.Sender, Context.Self, "unhandled"), Context.Sender);

    /// <summary>Runs once before the first message (and after a restart, by default).</summary>
    protected virtual void PreStart() { }

    /// <summary>Runs after the actor stopped; timers are already cancelled.</summary>
    protected virtual void PostStop() { }

    /// <summary>Runs on the failed instance before a restart; by default stops all children and calls <see cref="PostStop"/>.</summary>
    protected virtual void PreRestart(Exception cause, object? message)
    {
        foreach (var child in Context.Children) Context.Stop(child);
        PostStop();
    }

    /// <summary>Runs on the new instance after a restart; by default calls <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception cause) => PreStart();
}
