namespace Switch.Runtime.Actors;

/// <summary>Sent to a watcher when an actor it watches has stopped (see <see cref="IActorContext.Watch"/>).</summary>
public sealed record Terminated(ActorRef Actor);

/// <summary>Stops the actor that receives it, after the messages sent before it.</summary>
public sealed class PoisonPill
{
    /// <summary>The single instance.</summary>
    public static PoisonPill Instance { get; } = new();

    private PoisonPill() { }
}

/// <summary>Sent to an actor that has received nothing for its receive timeout.</summary>
public sealed class ReceiveTimeout
{
    /// <summary>The single instance.</summary>
    public static ReceiveTimeout Instance { get; } = new();

    private ReceiveTimeout() { }
}

/// <summary>Replies that carry an outcome rather than a value: an Ask completes with the value or faults with the exception.</summary>
public static class Status
{
    /// <summary>The operation failed with <paramref name="Cause"/>.</summary>
    public sealed record Failure(Exception Cause);
}

/// <summary>A message that could not be delivered, as counted and logged by dead letters.</summary>
/// <param name="Message">The undelivered message.</param>
/// <param name="Sender">Who sent it, if known.</param>
/// <param name="Recipient">Who it was for.</param>
/// <param name="Reason">Why it was not delivered.</param>
public sealed record DeadLetter(object Message, ActorRef? Sender, ActorRef Recipient, string Reason);

/// <summary>Raised to a sender whose message a bounded mailbox refused.</summary>
public sealed class MailboxFullException(ActorPath recipient, int capacity)
    : Exception($"mailbox of {recipient} is full ({capacity} messages)");

/// <summary>Raised when an Ask gets no reply in time.</summary>
public sealed class AskTimeoutException(ActorPath recipient, TimeSpan timeout)
    : TimeoutException($"no reply from {recipient} within {timeout.TotalMilliseconds:0} ms");

/// <summary>Raised to a supervisor when an actor fails to start (its constructor or PreStart threw).</summary>
public sealed class ActorInitializationException(ActorPath actor, Exception cause)
    : Exception($"actor {actor} failed to start: {cause.Message}", cause);
