namespace Switch.Runtime.Actors;

/// <summary>Request-reply from outside an actor.</summary>
public static class AskExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary sender and completes with the first reply: a value of type
    /// <typeparamref name="TReply"/>, an exception for <see cref="Status.Failure"/>, or <see cref="AskTimeoutException"/>
    /// after <paramref name="timeout"/>. Inside actors prefer Tell and a reply message.
    /// </summary>
    public static async Task<TReply> Ask<TReply>(this ActorRef actor, object message, TimeSpan timeout, ActorSystem system)
    {
        var promise = new PromiseActorRef(system, timeout, actor.Path);
        actor.Tell(message, promise);
        var reply = await promise.Task.ConfigureAwait(false);
        return reply is TReply typed
            ? typed
            : throw new InvalidCastException($"{actor.Path} replied {reply.GetType().Name}, expected {typeof(TReply).Name}");
    }
}
