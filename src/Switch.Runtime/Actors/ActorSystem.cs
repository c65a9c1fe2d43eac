using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switch.Runtime.Metrics;
using Switch.Runtime.Persistence;
using Switch.Runtime.Remote;
using Switch.Runtime.Scheduling;
using Switch.Runtime.Serialization;

namespace Switch.Runtime.Actors;

/// <summary>
/// A node's actors: the hierarchy under <c>/user</c>, dead letters, and the one timer wheel every actor timer,
/// Ask timeout and receive timeout shares. Dispose (or <see cref="TerminateAsync"/>) stops every actor.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _root;
    private readonly ActorCell _user;
    private readonly DeadLetterRef _deadLetters;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, ActorRef> _exposed = new(StringComparer.Ordinal);
    private RemoteTransport? _transport;
    private long _uid;

    private ActorSystem(string name, ILoggerFactory loggerFactory)
    {
        Name = name;
        LoggerFactory = loggerFactory;
        Log = loggerFactory.CreateLogger("Switch.Runtime.Actors");
        Scheduler = new HashedWheelTimer();
        _deadLetters = new DeadLetterRef(this, ActorPath.Root(name).Child("deadLetters", 0));
        _root = new ActorCell(this, null, Props.Create(() => new Guardian()), ActorPath.Root(name));
        _root.SendSystemMessage(new Create());
        _user = (ActorCell)_root.ActorOf(Props.Create(() => new Guardian()), "user");
        RuntimeMetrics.ObserveSystem(this);
    }

    /// <summary>Starts an actor system named <paramref name="name"/> (the node's address in actor paths).</summary>
    public static ActorSystem Create(string name, ILoggerFactory? loggerFactory = null) =>
        new(name, loggerFactory ?? NullLoggerFactory.Instance);

    /// <summary>The system's name, the address part of its actor paths.</summary>
    public string Name { get; }

    /// <summary>Where logs go.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Undeliverable messages end here: counted and logged (type and recipient only, never content).</summary>
    public ActorRef DeadLetters => _deadLetters;

    /// <summary>How many messages went to dead letters since the start.</summary>
    public long DeadLetterCount => _deadLetters.Count;

    /// <summary>Completes when every actor has stopped.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal ILogger Log { get; }

    internal HashedWheelTimer Scheduler { get; }

    internal long NextUid() => Interlocked.Increment(ref _uid);

    /// <summary>The journal, snapshot store and serializer that persistent actors use; null until attached.</summary>
    internal PersistenceSettings? Persistence { get; private set; }

    /// <summary>
    /// Attaches persistence, once, before the first <see cref="PersistentActor"/> starts: every persistent actor of
    /// this system writes to <paramref name="journal"/>, saves and loads snapshots in <paramref name="snapshots"/>
    /// and (de)serializes with <paramref name="serializer"/> (which is frozen from now on). The system does not own
    /// the stores: dispose them after the system has terminated.
    /// </summary>
    /// <param name="journal">The event journal.</param>
    /// <param name="snapshots">The snapshot store, or null when no actor saves snapshots.</param>
    /// <param name="serializer">The registry of event and snapshot types.</param>
    /// <param name="maxConcurrentRecoveries">How many actors may read their snapshot and events at once (others wait,
    /// stashing their commands); bounds the database connections that mass start-ups take. Default 32.</param>
    /// <exception cref="InvalidOperationException">Persistence is attached already.</exception>
    public void UsePersistence(EventJournal journal, SnapshotStore? snapshots, EventSerializer serializer, int maxConcurrentRecoveries = 32)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentRecoveries, 1);
        serializer.Freeze();
        var settings = new PersistenceSettings(journal, snapshots, serializer, maxConcurrentRecoveries);
        lock (_root)
        {
            if (Persistence is not null) throw new InvalidOperationException($"persistence is attached to actor system '{Name}' already");
            Persistence = settings;
        }
    }

    /// <summary>The transport that carries this system's messages to other nodes; null while there is none.</summary>
    internal RemoteTransport? Transport => Volatile.Read(ref _transport);

    /// <exception cref="InvalidOperationException">Another transport is attached already.</exception>
    internal void AttachTransport(RemoteTransport transport)
    {
        if (Interlocked.CompareExchange(ref _transport, transport, null) is not null)
            throw new InvalidOperationException($"actor system '{Name}' has a remote transport already");
    }

    internal void DetachTransport(RemoteTransport transport) => Interlocked.CompareExchange(ref _transport, null, transport);

    /// <summary>
    /// Finds a live actor by the local part of its path: <c>/user/a/b</c> walks the hierarchy, <c>/deadLetters</c> is
    /// dead letters, and a key with a uid (<c>/temp#12</c>) names a reference that is not in the hierarchy (an Ask's
    /// temporary actor, a test probe) and was exposed with <see cref="Expose"/>. Null when nothing lives there.
    /// </summary>
    internal ActorRef? ResolveLocal(string localPath)
    {
        if (localPath.Contains('#')) return _exposed.TryGetValue(localPath, out var exposed) ? exposed : null;
        if (localPath == "/deadLetters") return _deadLetters;
        var cell = _root;
        foreach (var name in localPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            cell = cell.GetChild(name);
            if (cell is null) return null;
        }
        return cell == _root ? null : cell;
    }

    /// <summary>
    /// Makes a reference outside the hierarchy resolvable under <paramref name="key"/> (its local path and uid, e.g.
    /// <c>/temp#12</c>), so that replies from other nodes find it; <see cref="Unexpose"/> ends that.
    /// </summary>
    internal void Expose(string key, ActorRef reference) => _exposed.TryAdd(key, reference);

    internal void Unexpose(string key, ActorRef reference) => _exposed.TryRemove(new KeyValuePair<string, ActorRef>(key, reference));

    /// <summary>Starts a top-level actor under <c>/user</c>; null name gives a generated one.</summary>
    public ActorRef ActorOf(Props props, string? name = null) => _user.ActorOf(props, name);

    /// <summary>Stops an actor after the message it is processing; the rest of its mailbox goes to dead letters.</summary>
    public void Stop(ActorRef actor) => actor.SendSystemMessage(new Terminate());

    /// <summary>
    /// Sends <see cref="PoisonPill"/> (so messages sent before it are processed) and completes with true when the
    /// actor has stopped, or false after <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> GracefulStop(ActorRef actor, TimeSpan timeout)
    {
        var watcher = new PromiseActorRef(this, timeout, actor.Path, completeOnTerminated: actor);
        actor.SendSystemMessage(new Watch(actor, watcher));
        actor.Tell(PoisonPill.Instance);
        try
        {
            await watcher.Task.ConfigureAwait(false);
            return true;
        }
        catch (AskTimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// The live actors under <c>/user</c> (itself first), parents before children and siblings by name, each with the
    /// messages waiting in its mailbox and its number of children. It reads the actors as they are at the call, without
    /// stopping or messaging them: safe while the system runs, and nothing is kept for it between calls.
    /// </summary>
    /// <param name="maxDepth">How many levels below <c>/user</c> to list (1: the top-level actors only); the children
    /// of the deepest actors listed are counted, not listed.</param>
    public IReadOnlyList<(string Path, int MailboxDepth, int Children)> Hierarchy(int maxDepth = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        var result = new List<(string, int, int)>();
        void Walk(ActorCell cell, int depth)
        {
            var children = cell.ChildCells;
            result.Add((cell.Path.ToString(), cell.MailboxDepth, children.Count));
            if (depth == maxDepth) return;
            foreach (var child in children.OrderBy(c => c.Path.Name, StringComparer.Ordinal)) Walk(child, depth + 1);
        }
        Walk(_user, 0);
        return result;
    }

    /// <summary>Stops every actor (children before parents) and the timer wheel.</summary>
    public async Task TerminateAsync()
    {
        _root.SendSystemMessage(new Terminate());
        await _terminated.Task.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(TerminateAsync());

    internal void OnStopped(ActorCell cell)
    {
        if (cell != _root) return;
        RuntimeMetrics.ForgetSystem(this);
        Scheduler.Dispose();
        _terminated.TrySetResult();
    }

    internal void DeadLetter(object message, ActorRef? sender, ActorRef recipient, string reason) =>
        _deadLetters.Tell(message is DeadLetter ? message : new DeadLetter(message, sender, recipient, reason), sender);

    /// <summary>The root and <c>/user</c> guardians: they only supervise.</summary>
    private sealed class Guardian : Actor
    {
        protected override void OnReceive(object message) => Unhandled(message);
    }
}
