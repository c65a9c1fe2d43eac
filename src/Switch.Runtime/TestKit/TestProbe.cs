using System.Collections.Concurrent;
using Switch.Runtime.Actors;

namespace Switch.Runtime.TestKit;

/// <summary>
/// An actor reference that a test reads from: it records every message sent to it (and Terminated for what it
/// watches) and offers blocking expectations with timeouts scaled by <see cref="TestTime.Factor"/>.
/// </summary>
public sealed class TestProbe : ActorRef
{
    private readonly BlockingCollection<(object Message, ActorRef? Sender)> _received = new();
    private readonly ActorSystem _system;

    /// <summary>Creates a probe in <paramref name="system"/>.</summary>
    public TestProbe(ActorSystem system, string name = "probe")
    {
        _system = system;
        Path = ActorPath.Root(system.Name).Child("testProbe-" + name, Interlocked.Increment(ref _probes));
    }

    private static long _probes;

    /// <inheritdoc />
    public override ActorPath Path { get; }

    /// <summary>The sender of the last message taken by an expectation.</summary>
    public ActorRef? LastSender { get; private set; }

    /// <summary>Default time an expectation waits: 3 s, scaled by <see cref="TestTime.Factor"/>.</summary>
    public static TimeSpan DefaultTimeout => TestTime.Dilated(TimeSpan.FromSeconds(3));

    /// <inheritdoc />
    public override void Tell(object message, ActorRef? sender = null) => _received.Add((message, sender));

    internal override void SendSystemMessage(SystemMessage message)
    {
        if (message is DeathWatchNotification death) _received.Add((new Terminated(death.Actor), death.Actor));
    }

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with this probe as sender.</summary>
    public void Send(ActorRef target, object message) => target.Tell(message, this);

    /// <summary>Replies to the sender of the last message taken.</summary>
    public void Reply(object message) =>
        (LastSender ?? throw new InvalidOperationException("no message taken yet")).Tell(message, this);

    /// <summary>Delivers <see cref="Terminated"/> to this probe when <paramref name="actor"/> stops.</summary>
    public void Watch(ActorRef actor) => actor.SendSystemMessage(new Watch(actor, this));

    /// <summary>Takes the next message, which must be a <typeparamref name="T"/> (and satisfy <paramref name="predicate"/>).</summary>
    public T ExpectMsg<T>(Func<T, bool>? predicate = null, TimeSpan? timeout = null)
    {
        var message = Next(timeout ?? DefaultTimeout, $"a {typeof(T).Name}");
        if (message is not T typed)
            throw new TestKitException($"expected a {typeof(T).Name}, got {Describe(message)}");
        if (predicate is not null && !predicate(typed))
            throw new TestKitException($"the {typeof(T).Name} received does not match: {message}");
        return typed;
    }

    /// <summary>Takes the next message, which must equal <paramref name="expected"/>.</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null) where T : notnull
    {
        var message = Next(timeout ?? DefaultTimeout, expected.ToString() ?? typeof(T).Name);
        if (!expected.Equals(message)) throw new TestKitException($"expected {expected}, got {Describe(message)}");
        return (T)message;
    }

    /// <summary>Fails when any message arrives within <paramref name="duration"/>.</summary>
    public void ExpectNoMsg(TimeSpan duration)
    {
        if (_received.TryTake(out var item, TestTime.Dilated(duration)))
            throw new TestKitException($"expected no message, got {Describe(item.Message)}");
    }

    /// <summary>Takes messages until one satisfies <paramref name="isTarget"/>; the others are dropped.</summary>
    public object FishForMessage(Func<object, bool> isTarget, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var message = Next(left > TimeSpan.Zero ? left : TimeSpan.Zero, "a message the fish predicate accepts");
            if (isTarget(message)) return message;
        }
    }

    /// <summary>Takes <paramref name="count"/> messages of any kind.</summary>
    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var messages = new List<object>(count);
        while (messages.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            messages.Add(Next(left > TimeSpan.Zero ? left : TimeSpan.Zero, $"message {messages.Count + 1} of {count}"));
        }
        return messages;
    }

    private object Next(TimeSpan timeout, string what)
    {
        if (!_received.TryTake(out var item, timeout))
            throw new TestKitException($"timeout ({timeout.TotalMilliseconds:0} ms) waiting for {what}");
        LastSender = item.Sender;
        return item.Message;
    }

    private static string Describe(object message) => $"{message.GetType().Name} {message}";
}
