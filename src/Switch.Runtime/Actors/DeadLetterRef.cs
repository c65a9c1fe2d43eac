using Microsoft.Extensions.Logging;

namespace Switch.Runtime.Actors;

/// <summary>Counts and logs undeliverable messages. Logs name the message type and the recipient, never the content.</summary>
internal sealed class DeadLetterRef(ActorSystem system, ActorPath path) : ActorRef
{
    private const int LoggedInFull = 100;
    private long _count;

    public override ActorPath Path => path;

    public long Count => Interlocked.Read(ref _count);

    public override void Tell(object message, ActorRef? sender = null)
    {
        var n = Interlocked.Increment(ref _count);
        // Log the first ones, then every 1000th, so a storm of dead letters cannot flood the log.
        if (n > LoggedInFull && n % 1000 != 0) return;
        if (message is DeadLetter d)
            system.Log.LogWarning("dead letter #{Count}: {MessageType} from {Sender} to {Recipient} ({Reason})",
                n, d.Message.GetType().Name, d.Sender?.Path.ToString() ?? "nobody", d.Recipient.Path.ToString(), d.Reason);
        else
            system.Log.LogWarning("dead letter #{Count}: {MessageType} from {Sender}", n, message.GetType().Name, sender?.Path.ToString() ?? "nobody");
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch watch) watch.Watcher.SendSystemMessage(new DeathWatchNotification(this));
    }
}
