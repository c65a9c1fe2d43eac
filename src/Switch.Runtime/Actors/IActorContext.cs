namespace Switch.Runtime.Actors;

/// <summary>What an actor can see and do about itself; valid only on the actor's own turn.</summary>
public interface IActorContext
{
    /// <summary>This actor.</summary>
    ActorRef Self { get; }

    /// <summary>The sender of the current message (dead letters when there is none).</summary>
    ActorRef Sender { get; }

    /// <summary>The supervisor.</summary>
    ActorRef Parent { get; }

    /// <summary>The actor system.</summary>
    ActorSystem System { get; }

    /// <summary>The live children.</summary>
    IEnumerable<ActorRef> Children { get; }

    /// <summary>Starts a child supervised by this actor; null name gives a generated one.</summary>
    ActorRef ActorOf(Props props, string? name = null);

    /// <summary>Stops this actor or a child after its current message; its mailbox goes to dead letters.</summary>
    void Stop(ActorRef actor);

    /// <summary>Sends <see cref="Terminated"/> to this actor when <paramref name="actor"/> stops (at once if it already has).</summary>
    void Watch(ActorRef actor);

    /// <summary>Stops watching <paramref name="actor"/>; no <see cref="Terminated"/> arrives for it afterwards.</summary>
    void Unwatch(ActorRef actor);

    /// <summary>Replaces the message handler; <paramref name="discardOld"/> false pushes it (see <see cref="Unbecome"/>).</summary>
    void Become(Action<object> receive, bool discardOld = true);

    /// <summary>Returns to the previous message handler.</summary>
    void Unbecome();

    /// <summary>Puts the current message aside, to be processed again after <see cref="UnstashAll"/>.</summary>
    void Stash();

    /// <summary>Puts every stashed message back in front of the mailbox, in the order they were stashed.</summary>
    void UnstashAll();

    /// <summary>Sends <see cref="ReceiveTimeout"/> when no message arrived for <paramref name="timeout"/>; null turns it off.</summary>
    void SetReceiveTimeout(TimeSpan? timeout);

    /// <summary>Keyed timers that send messages to this actor; all cancelled when it stops.</summary>
    ITimers Timers { get; }
}

/// <summary>Keyed timers of one actor. Starting a timer with a key in use replaces it; a cancelled timer's message never arrives.</summary>
public interface ITimers
{
    /// <summary>Sends <paramref name="message"/> to the actor once after <paramref name="delay"/>.</summary>
    void StartSingleTimer(object key, object message, TimeSpan delay);

    /// <summary>Sends <paramref name="message"/> to the actor every <paramref name="interval"/>.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    /// <summary>True while the timer with <paramref name="key"/> is scheduled.</summary>
    bool IsActive(object key);

    /// <summary>Cancels the timer with <paramref name="key"/>, if any.</summary>
    void Cancel(object key);
}
