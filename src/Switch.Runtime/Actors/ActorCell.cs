using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Switch.Runtime.Scheduling;

namespace Switch.Runtime.Actors;

/// <summary>
/// A local actor: its reference, mailbox, context and supervision in one object. Messages queue in a lock-free
/// multi-producer queue; the cell runs on the thread pool only while it has work, at most
/// <see cref="Props.Throughput"/> messages a turn, system messages first.
/// </summary>
internal sealed class ActorCell : ActorRef, IActorContext, IThreadPoolWorkItem, ITimers
{
    private const int Starting = 0, Running = 1, Terminating = 2, Stopped = 3;

    [ThreadStatic] private static ActorCell? _constructing;

    private readonly ActorSystem _system;
    private readonly ActorCell? _parent;
    private readonly Props _props;
    private readonly ActorPath _path;
    private readonly ConcurrentQueue<Envelope> _mailbox = new();
    // Most actors are short-lived entities with no children and a handful of system messages in their life: the
    // children's map is made on the first child, and system messages wait in a linked stack (newest first, taken
    // whole and reversed), so a new actor allocates neither a dictionary nor a queue segment for them.
    private SystemMessage? _systemMessages;
    private ConcurrentDictionary<string, ActorCell>? _children;

    private readonly int _throughput;
    private readonly int _capacity;
    private Actor? _actor;
    private int _scheduled;
    private int _state = Starting;
    private int _mailboxCount;
    private bool _suspended;
    private Envelope _current;
    private object? _failedMessage;
    private Action<object> _receive = static _ => { };
    private Stack<Action<object>>? _behaviors;
    private EnvelopeDeque? _stash;
    private EnvelopeDeque? _unstashed;
    private HashSet<ActorRef>? _watchers;
    private HashSet<ActorRef>? _watching;
    private Dictionary<object, TimerEntry>? _timers;
    private int _timerGeneration;
    private Dictionary<ActorRef, RestartHistory>? _restarts;
    private TimeSpan? _receiveTimeout;
    private long _lastActivity;
    private ScheduledTimer? _receiveTimer;
    private long _childCounter;

    public ActorCell(ActorSystem system, ActorCell? parent, Props props, ActorPath path)
    {
        _system = system;
        _parent = parent;
        _props = props;
        _path = path;
        _throughput = props.Throughput;
        _capacity = props.MailboxCapacity;
        Fence = props.Fence ?? parent?.Fence;
    }

    /// <summary>The shard lease this actor's journal writes are made under; null outside a cluster's shards.</summary>
    internal Persistence.WriteFence? Fence { get; }

    /// <summary>The cell whose actor is being constructed on this thread, so that constructors can use the context.</summary>
    internal static ActorCell? Constructing => _constructing;

    public override ActorPath Path => _path;

    public ActorRef Self => this;

    public ActorRef Sender => _current.Sender ?? _system.DeadLetters;

    public ActorRef Parent => (ActorRef?)_parent ?? _system.DeadLetters;

    public ActorSystem System => _system;

    public IEnumerable<ActorRef> Children => _children?.Values ?? [];

    public ITimers Timers => this;

    internal bool IsStopped => Volatile.Read(ref _state) == Stopped;

    internal IReadOnlyCollection<ActorCell> ChildCells => _children is { } children ? (IReadOnlyCollection<ActorCell>)children.Values : [];

    internal int MailboxDepth => _mailbox.Count;

    internal ActorCell? GetChild(string name) => _children is { } children && children.TryGetValue(name, out var child) ? child : null;

    // ---- sending ------------------------------------------------------------------------------------------

    public override void Tell(object message, ActorRef? sender = null)
    {
        if (Volatile.Read(ref _state) == Stopped)
        {
            _system.DeadLetter(message, sender, this, "recipient stopped");
            return;
        }
        var capacity = _capacity;
        if (capacity > 0 && Interlocked.Increment(ref _mailboxCount) > capacity)
        {
            Interlocked.Decrement(ref _mailboxCount);
            _system.DeadLetter(message, sender, this, "mailbox full");
            sender?.Tell(new Status.Failure(new MailboxFullException(_path, capacity)), this);
            return;
        }
        _mailbox.Enqueue(new Envelope(message, sender));
        MailboxStatistics.Enqueued();
        // A stop may have drained the mailbox between the check above and the enqueue: drain again, never lose it.
        if (Volatile.Read(ref _state) == Stopped) DrainToDeadLetters();
        else Schedule();
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        if (Volatile.Read(ref _state) == Stopped)
        {
            // A stopped actor still answers death watch, so nobody waits forever for its Terminated.
            if (message is Watch watch) watch.Watcher.SendSystemMessage(new DeathWatchNotification(this));
            return;
        }
        SystemMessage? head;
        do
        {
            head = Volatile.Read(ref _systemMessages);
            message.Next = head;
        }
        while (Interlocked.CompareExchange(ref _systemMessages, message, head) != head);
        Schedule();
    }

    private void Schedule()
    {
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    // ---- running ------------------------------------------------------------------------------------------

    public void Execute()
    {
        int processed = 0, dequeued = 0;
        try
        {
            ProcessSystemMessages();
            for (; processed < _throughput && CanProcess; processed++)
            {
                Envelope envelope;
                if (_unstashed is { Count: > 0 }) envelope = _unstashed.PopFront();
                else if (_mailbox.TryDequeue(out envelope))
                {
                    dequeued++;
                    if (_capacity > 0) Interlocked.Decrement(ref _mailboxCount);
                }
                else break;
                Invoke(envelope);
                if (HasSystemMessages) ProcessSystemMessages();
            }
        }
        finally
        {
            if (dequeued > 0) MailboxStatistics.Dequeued(dequeued);
            if (processed == _throughput && !_mailbox.IsEmpty) MailboxStatistics.Backlog(this);
            // A full fence, not a release store: a Tell that enqueued while we still looked scheduled must be
            // seen by the check below, or the message would sit in the mailbox with nobody scheduled to run it.
            Interlocked.Exchange(ref _scheduled, 0);
            if (HasSystemMessages || (CanProcess && (!_mailbox.IsEmpty || _unstashed is { Count: > 0 }))) Schedule();
        }
    }

    private bool CanProcess => _state == Running && !_suspended;

    private bool HasSystemMessages => Volatile.Read(ref _systemMessages) is not null;

    private void Invoke(Envelope envelope)
    {
        _current = envelope;
        try
        {
            var message = envelope.Message;
            if (message is CellMessage)
            {
                if (message is ReceiveTimeoutCheck)
                {
                    CheckReceiveTimeout();
                    return;
                }
                if (!TakeTimerMessage((TimerFired)message, out var timed)) return;
                _current = new Envelope(timed, null);
                message = timed;
            }
            if (ReferenceEquals(message, PoisonPill.Instance)) Stop(this);
            else _receive(message);
            if (_receiveTimeout is not null) _lastActivity = Environment.TickCount64;
        }
        catch (Exception e)
        {
            Fail(e, envelope.Message);
        }
        finally
        {
            _current = default;
        }
    }

    private void Fail(Exception cause, object? message)
    {
        _suspended = true;
        _failedMessage = message;
        if (_parent is null)
        {
            _system.Log.LogCritical(cause, "top-level actor {Path} failed; stopping it", _path);
            Stop(this);
            return;
        }
        _parent.SendSystemMessage(new Failed(this, cause, _path.Uid));
    }

    private void ProcessSystemMessages()
    {
        while (HasSystemMessages && Interlocked.Exchange(ref _systemMessages, null) is { } newest)
        {
            SystemMessage? oldest = null; // reverse the stack into arrival order
            while (newest is not null)
            {
                var next = newest.Next;
                newest.Next = oldest;
                oldest = newest;
                newest = next;
            }
            while (oldest is not null)
            {
                var message = oldest;
                oldest = message.Next;
                message.Next = null;
                Process(message);
            }
        }
    }

    private void Process(SystemMessage message)
    {
        switch (message)
        {
            case Create:
                CreateActor(null);
                break;
            case Resume:
                _suspended = false;
                break;
            case Recreate recreate:
                Restart(recreate.Cause);
                break;
            case Failed failed:
                Supervise(failed);
                break;
            case Terminate:
                BeginTermination();
                break;
            case Watch watch:
                if (watch.Watchee.Equals(this)) (_watchers ??= []).Add(watch.Watcher);
                break;
            case Unwatch unwatch:
                _watchers?.Remove(unwatch.Watcher);
                break;
            case DeathWatchNotification death:
                OnDeath(death.Actor);
                break;
        }
    }

    private void CreateActor(Exception? restartCause)
    {
        _constructing = this;
        try
        {
            _actor = _props.Factory();
            _actor.Attach(this);
            _receive = _actor.Receive;
            _behaviors?.Clear();
            if (restartCause is null) _actor.RunPreStart();
            else _actor.RunPostRestart(restartCause);
            _state = Running;
            _suspended = false;
        }
        catch (Exception e)
        {
            _state = Running;
            Fail(new ActorInitializationException(_path, e), null);
        }
        finally
        {
            _constructing = null;
        }
    }

    private void Restart(Exception cause)
    {
        if (_state >= Terminating) return;
        try
        {
            _actor?.RunPreRestart(cause, _failedMessage);
        }
        catch (Exception e)
        {
            _system.Log.LogError(e, "PreRestart of {Path} failed", _path);
        }
        CancelAllTimers();
        if (_stash is { Count: > 0 }) (_unstashed ??= new()).PushFrontAll(_stash);
        _failedMessage = null;
        CreateActor(cause);
    }

    // ---- supervision --------------------------------------------------------------------------------------

    private void Supervise(Failed failed)
    {
        if (failed.Child is not ActorCell child || GetChild(child.Path.Name) != child)
            return;
        var strategy = _props.SupervisorStrategy ?? SupervisorStrategy.Default;
        Directive directive;
        try
        {
            directive = strategy.Decider(failed.Cause);
        }
        catch (Exception e)
        {
            _system.Log.LogError(e, "supervisor decider of {Path} failed; escalating", _path);
            directive = Directive.Escalate;
        }
        switch (directive)
        {
            case Directive.Resume:
                _system.Log.LogWarning(failed.Cause, "{Child} failed and resumes", child.Path);
                child.SendSystemMessage(new Resume());
                break;
            case Directive.Restart:
                var history = (_restarts ??= []).TryGetValue(child, out var h) ? h : _restarts[child] = new RestartHistory();
                var count = history.Record(strategy.Window);
                if (strategy.MaxRestarts >= 0 && count > strategy.MaxRestarts)
                {
                    _system.Log.LogError(failed.Cause, "{Child} failed {Count} times within {Window}; stopping it", child.Path, count, strategy.Window);
                    child.SendSystemMessage(new Terminate());
                    break;
                }
                var delay = strategy.Backoff(count - 1);
                _system.Log.LogWarning(failed.Cause, "{Child} failed and restarts in {Delay} ms", child.Path, delay.TotalMilliseconds);
                if (delay <= TimeSpan.Zero) child.SendSystemMessage(new Recreate(failed.Cause));
                else _system.Scheduler.Schedule(delay, static s => ((Action)s!)(), (Action)(() => child.SendSystemMessage(new Recreate(failed.Cause))));
                break;
            case Directive.Stop:
                _system.Log.LogError(failed.Cause, "{Child} failed and is stopped", child.Path);
                child.SendSystemMessage(new Terminate());
                break;
            default:
                Fail(failed.Cause, null);
                break;
        }
    }

    private sealed class RestartHistory
    {
        private readonly Queue<long> _times = new();

        /// <summary>Records a restart now; returns the restarts within the window, this one included.</summary>
        public int Record(TimeSpan window)
        {
            var now = Environment.TickCount64;
            while (_times.Count > 0 && now - _times.Peek() > window.TotalMilliseconds) _times.Dequeue();
            _times.Enqueue(now);
            return _times.Count;
        }
    }

    // ---- children, stopping, death watch -------------------------------------------------------------------

    public ActorRef ActorOf(Props props, string? name = null)
    {
        if (_state >= Terminating) throw new InvalidOperationException($"{_path} is stopping and cannot start children");
        if (name is null) name = "$" + Interlocked.Increment(ref _childCounter).ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        else if (name.Length == 0 || name.Contains('/') || name.StartsWith('$'))
            throw new ArgumentException($"'{name}' is not a valid actor name ('$' starts generated names)", nameof(name));
        var child = new ActorCell(_system, this, props, _path.Child(name, _system.NextUid()));
        var children = _children ?? Interlocked.CompareExchange(ref _children, new(), null) ?? _children;
        if (!children.TryAdd(name, child))
            throw new InvalidOperationException($"an actor named '{name}' already exists under {_path}");
        child.SendSystemMessage(new Create());
        return child;
    }

    public void Stop(ActorRef actor)
    {
        if (actor.Equals(this) || (actor is ActorCell cell && cell._parent == this)) actor.SendSystemMessage(new Terminate());
        else throw new InvalidOperationException($"{_path} can stop only itself and its children, not {actor.Path}");
    }

    public void Watch(ActorRef actor)
    {
        if (actor.Equals(this) || !(_watching ??= []).Add(actor)) return;
        // A child tells its parent of its death anyway (and, until that notice is processed here, it is still a child).
        if (actor is ActorCell cell && cell._parent == this && GetChild(cell.Path.Name) == cell) return;
        actor.SendSystemMessage(new Watch(actor, this));
    }

    public void Unwatch(ActorRef actor)
    {
        if (_watching?.Remove(actor) == true) actor.SendSystemMessage(new Unwatch(actor, this));
    }

    private void OnDeath(ActorRef actor)
    {
        if (actor is ActorCell cell && cell._parent == this)
        {
            _children?.TryRemove(new KeyValuePair<string, ActorCell>(cell.Path.Name, cell));
            _restarts?.Remove(cell);
        }
        if (_watching?.Remove(actor) == true && _state < Terminating) Tell(new Terminated(actor), actor);
        if (_state == Terminating && NoChildren) FinishTermination();
    }

    private bool NoChildren => _children is null || _children.IsEmpty;

    private void BeginTermination()
    {
        if (_state >= Terminating) return;
        _state = Terminating;
        if (NoChildren)
        {
            FinishTermination();
            return;
        }
        foreach (var child in _children!.Values) child.SendSystemMessage(new Terminate());
    }

    private void FinishTermination()
    {
        CancelAllTimers();
        _receiveTimer?.Cancel();
        try
        {
            _actor?.RunPostStop();
        }
        catch (Exception e)
        {
            _system.Log.LogError(e, "PostStop of {Path} failed", _path);
        }
        Volatile.Write(ref _state, Stopped);
        if (_unstashed is not null)
            while (_unstashed.Count > 0) DeadLetterEnvelope(_unstashed.PopFront());
        if (_stash is not null)
            while (_stash.Count > 0) DeadLetterEnvelope(_stash.PopFront());
        DrainToDeadLetters();
        if (_watching is not null)
            foreach (var watched in _watching) watched.SendSystemMessage(new Unwatch(watched, this));
        if (_watchers is not null)
            foreach (var watcher in _watchers) watcher.SendSystemMessage(new DeathWatchNotification(this));
        _parent?.SendSystemMessage(new DeathWatchNotification(this));
        _system.OnStopped(this);
        _actor = null;
    }

    private void DrainToDeadLetters()
    {
        while (_mailbox.TryDequeue(out var envelope))
        {
            MailboxStatistics.Dequeued(1);
            DeadLetterEnvelope(envelope);
        }
    }

    private void DeadLetterEnvelope(Envelope envelope)
    {
        if (envelope.Message is CellMessage) return;
        _system.DeadLetter(envelope.Message, envelope.Sender, this, "recipient stopped");
    }

    // ---- behaviour and stash ------------------------------------------------------------------------------

    public void Become(Action<object> receive, bool discardOld = true)
    {
        if (!discardOld) (_behaviors ??= new()).Push(_receive);
        _receive = receive;
    }

    public void Unbecome()
    {
        if (_behaviors is { Count: > 0 }) _receive = _behaviors.Pop();
        else if (_actor is not null) _receive = _actor.Receive;
    }

    public void Stash()
    {
        if (_current.Message is null) throw new InvalidOperationException("only the message being processed can be stashed");
        (_stash ??= new()).PushBack(_current);
    }

    public void UnstashAll()
    {
        if (_stash is { Count: > 0 }) (_unstashed ??= new()).PushFrontAll(_stash);
    }

    // ---- receive timeout and timers ------------------------------------------------------------------------

    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        _receiveTimeout = timeout;
        _receiveTimer?.Cancel();
        _receiveTimer = null;
        if (timeout is not { } t) return;
        _lastActivity = Environment.TickCount64;
        _receiveTimer = _system.Scheduler.Schedule(t, static s => ((ActorCell)s!).Tell(ReceiveTimeoutCheck.Instance), this);
    }

    private void CheckReceiveTimeout()
    {
        if (_receiveTimeout is not { } timeout) return;
        var idle = TimeSpan.FromMilliseconds(Environment.TickCount64 - _lastActivity);
        if (idle >= timeout)
        {
            _current = new Envelope(ReceiveTimeout.Instance, null);
            _receive(ReceiveTimeout.Instance);
            _lastActivity = Environment.TickCount64;
            idle = TimeSpan.Zero;
        }
        if (_receiveTimeout is { } still)
            _receiveTimer = _system.Scheduler.Schedule(still - idle, static s => ((ActorCell)s!).Tell(ReceiveTimeoutCheck.Instance), this);
    }

    /// <summary>Messages the cell sends itself and handles before the actor sees anything.</summary>
    private abstract class CellMessage;

    private sealed class ReceiveTimeoutCheck : CellMessage
    {
        public static readonly ReceiveTimeoutCheck Instance = new();
    }

    private sealed class TimerFired(object key, int generation) : CellMessage
    {
        public object Key { get; } = key;

        public int Generation { get; } = generation;
    }

    private sealed record TimerEntry(object Message, int Generation, bool Periodic, ScheduledTimer Handle);

    public void StartSingleTimer(object key, object message, TimeSpan delay) => StartTimer(key, message, delay, periodic: false);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => StartTimer(key, message, interval, periodic: true);

    private void StartTimer(object key, object message, TimeSpan interval, bool periodic)
    {
        Cancel(key);
        var fired = new TimerFired(key, ++_timerGeneration);
        var target = (this, fired);
        var handle = periodic
            ? _system.Scheduler.SchedulePeriodic(interval, interval, static s => { var (cell, f) = ((ActorCell, TimerFired))s!; cell.Tell(f); }, target)
            : _system.Scheduler.Schedule(interval, static s => { var (cell, f) = ((ActorCell, TimerFired))s!; cell.Tell(f); }, target);
        (_timers ??= [])[key] = new TimerEntry(message, fired.Generation, periodic, handle);
    }

    public bool IsActive(object key) => _timers?.ContainsKey(key) == true;

    public void Cancel(object key)
    {
        if (_timers is null || !_timers.Remove(key, out var entry)) return;
        entry.Handle.Cancel();
    }

    private bool TakeTimerMessage(TimerFired fired, out object message)
    {
        message = null!;
        if (_timers is null || !_timers.TryGetValue(fired.Key, out var entry) || entry.Generation != fired.Generation) return false;
        if (!entry.Periodic) _timers.Remove(fired.Key);
        message = entry.Message;
        return true;
    }

    private void CancelAllTimers()
    {
        if (_timers is null) return;
        foreach (var entry in _timers.Values) entry.Handle.Cancel();
        _timers.Clear();
    }
}
