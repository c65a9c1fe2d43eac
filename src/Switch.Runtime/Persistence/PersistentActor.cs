using Microsoft.Extensions.Logging;
using Switch.Runtime.Actors;

namespace Switch.Runtime.Persistence;

/// <summary>
/// An event-sourced actor with Akka's PersistentActor semantics, on the journal, snapshot store and serializer
/// attached with <see cref="ActorSystem.UsePersistence"/>.
/// <list type="bullet">
/// <item><b>Recovery</b> (at start and after every restart): the latest snapshot is offered as a
/// <see cref="SnapshotOffer"/>, then every event after it, all to <see cref="OnRecover"/> on the actor's own thread;
/// commands that arrive meanwhile are stashed. Then <see cref="OnRecoveryCompleted"/> runs and the stashed commands
/// follow in order. A failure (store, unknown manifest, an exception from <see cref="OnRecover"/>) calls
/// <see cref="OnRecoveryFailure"/> and stops the actor.</item>
/// <item><b>Persist</b>: every <see cref="Persist{TEvent}"/> and <see cref="PersistAll{TEvent}"/> call made while
/// handling ONE command (or one round of handlers) is serialized at the call and written as ONE atomic write (all
/// or nothing) after the command handler returns. The handlers run in call order only after the journal
/// acknowledged the durable commit, with <see cref="Actor.Sender"/> still the command's sender; meanwhile every
/// other message is stashed and processed afterwards in arrival order. Handlers may persist again.</item>
/// <item><b>Failure</b>: a write that fails (another writer owns the persistence id:
/// <see cref="JournalConcurrencyException"/>; the store is down or slow: <see cref="JournalUnavailableException"/>)
/// calls <see cref="OnPersistFailure"/> and stops the actor: it never continues with a state that may diverge
/// from the journal. Its stashed messages go to dead letters.</item>
/// </list>
/// The actor shares the cell's stash: messages the actor stashes itself come back after every persist. Do not call
/// <see cref="IActorContext.Become"/> (it would bypass the persistence protocol); branch on state in
/// <see cref="OnCommand"/> instead. <see cref="PoisonPill"/> stops the actor at once, even with a write in flight
/// (the write may still commit): to stop after pending work, send your own stop command.
/// Use an unbounded mailbox: recovery posts replayed events to the actor's own mailbox.
/// </summary>
public abstract class PersistentActor : Actor
{
    private const int ReplayBatch = 512;

    private PersistenceSettings? _settings;
    private Phase _phase = Phase.Recovering;
    private long _lastSequenceNumber;
    private long _highestAssigned;
    private List<PendingEvent>? _pending;
    private bool _inRecover;

    private enum Phase
    {
        Recovering,
        Running,
        Persisting,
        Failed,
    }

    /// <summary>The entity's stable id in the journal (e.g. <c>"account-42"</c>): one writer per id at a time.</summary>
    public abstract string PersistenceId { get; }

    /// <summary>
    /// The sequence number of the last event applied: during recovery the one being replayed, in a persist handler
    /// the one whose handler runs, otherwise the last persisted. 0 for a new entity.
    /// </summary>
    protected long LastSequenceNumber => _lastSequenceNumber;

    /// <summary>Applies a recovered event, or a <see cref="SnapshotOffer"/> (always first, when there is a snapshot).</summary>
    /// <param name="event">The replayed event (deserialized, upcast) or the snapshot offer.</param>
    protected abstract void OnRecover(object @event);

    /// <summary>Handles a command once recovery completed; call <see cref="Persist{TEvent}"/> to record its outcome.</summary>
    /// <param name="command">The message.</param>
    protected abstract void OnCommand(object command);

    /// <summary>Runs after the last recovered event, before the first command; may persist.</summary>
    protected virtual void OnRecoveryCompleted()
    {
    }

    /// <summary>Runs when recovery failed, just before the actor stops.</summary>
    /// <param name="cause">What failed.</param>
    protected virtual void OnRecoveryFailure(Exception cause)
    {
    }

    /// <summary>
    /// Runs when a write failed (<see cref="JournalConcurrencyException"/>: another writer owns the entity;
    /// <see cref="JournalUnavailableException"/>: the store is down, slow or its breaker is open), just before the
    /// actor stops. <see cref="Actor.Sender"/> is the sender of the command whose events failed, so it can be told.
    /// </summary>
    /// <param name="cause">The journal's exception.</param>
    protected virtual void OnPersistFailure(Exception cause)
    {
    }

    /// <summary>Tags stored with an event, for <see cref="EventJournal.EventsByTagAsync"/>; none by default.</summary>
    /// <param name="event">The event being persisted.</param>
    /// <returns>The tags, or null.</returns>
    protected virtual IReadOnlyList<string>? TagsFor(object @event) => null;

    /// <summary>
    /// Persists <paramref name="event"/> and runs <paramref name="handler"/> with it after the durable commit. All
    /// persists of one command form one atomic write (see the class summary).
    /// </summary>
    /// <param name="event">The event; it must be registered with the serializer.</param>
    /// <param name="handler">Applies the event to the state, replies.</param>
    /// <exception cref="InvalidOperationException">Called during recovery.</exception>
    /// <exception cref="System.Runtime.Serialization.SerializationException">The event's type is not registered.</exception>
    protected void Persist<TEvent>(TEvent @event, Action<TEvent> handler) where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(handler);
        if (_inRecover || _phase is Phase.Recovering)
            throw new InvalidOperationException($"{PersistenceId}: Persist is not allowed during recovery.");
        if (_phase is Phase.Failed)
            throw new InvalidOperationException($"{PersistenceId}: the actor is stopping after a failure.");
        var (manifest, payload) = Settings.Serializer.Serialize(@event);
        var sequenceNumber = _highestAssigned + (_pending?.Count ?? 0) + 1;
        (_pending ??= []).Add(new PendingEvent(
            new NewEvent(sequenceNumber, manifest, payload, TagsFor(@event)), @event, handler, Invoker<TEvent>.Instance));
    }

    /// <summary>Persists several events atomically (with the command's other persists); the handler runs for each in order.</summary>
    /// <param name="events">The events.</param>
    /// <param name="handler">Applies one event.</param>
    protected void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler) where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var @event in events)
            Persist(@event, handler);
    }

    /// <summary>
    /// Saves <paramref name="snapshot"/> as the state at <see cref="LastSequenceNumber"/>; the outcome arrives later
    /// as a <see cref="SaveSnapshotSuccess"/> or <see cref="SaveSnapshotFailure"/> command.
    /// </summary>
    /// <param name="snapshot">The state; its type must be registered with the serializer.</param>
    /// <exception cref="InvalidOperationException">No snapshot store is attached.</exception>
    protected void SaveSnapshot(object snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var store = Settings.Snapshots ?? throw new InvalidOperationException("No snapshot store is attached (ActorSystem.UsePersistence).");
        var (manifest, payload) = Settings.Serializer.Serialize(snapshot);
        var metadata = new SnapshotMetadata(PersistenceId, _lastSequenceNumber, DateTimeOffset.UtcNow);
        Task task;
        try
        {
            task = store.SaveAsync(metadata.PersistenceId, metadata.SequenceNumber, manifest, payload);
        }
        catch (Exception e)
        {
            task = Task.FromException(e);
        }
        task.ContinueWith(static (t, state) =>
        {
            var (self, metadata) = ((ActorRef, SnapshotMetadata))state!;
            self.Tell(t.IsCompletedSuccessfully
                ? new SaveSnapshotSuccess(metadata)
                : new SaveSnapshotFailure(metadata, t.Exception?.InnerException ?? new TaskCanceledException()));
        }, (Self, metadata), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Starts recovery. Put start-up work in <see cref="OnRecoveryCompleted"/>.</summary>
    protected sealed override void PreStart()
    {
        _settings = Context.System.Persistence
            ?? throw new InvalidOperationException($"No persistence is attached to actor system '{Context.System.Name}': call ActorSystem.UsePersistence first.");
        var persistenceId = PersistenceId;
        ArgumentException.ThrowIfNullOrEmpty(persistenceId, nameof(PersistenceId));
        var self = (ActorCell)Self;
        var settings = _settings;
        _ = Task.Run(() => RecoverAsync(this, self, persistenceId, settings));
    }

    /// <inheritdoc />
    protected sealed override void OnReceive(object message)
    {
        if (message is Internal signal)
        {
            if (ReferenceEquals(signal.Owner, this))
                HandleInternal(signal);
            return; // a message for an earlier incarnation (before a restart)
        }
        if (_phase is Phase.Running)
            RunCommand(message);
        else if (_phase is not Phase.Failed)
            Context.Stash();
    }

    private PersistenceSettings Settings => _settings ?? throw new InvalidOperationException("The persistent actor has not started.");

    private void RunCommand(object command)
    {
        try
        {
            OnCommand(command);
        }
        catch
        {
            _pending?.Clear(); // nothing of a failed command is written
            throw;
        }
        Flush();
    }

    /// <summary>Writes the events persisted during this turn as one atomic write, if there are any.</summary>
    private void Flush()
    {
        if (_pending is not { Count: > 0 })
        {
            if (_phase is Phase.Persisting)
            {
                _phase = Phase.Running;
                Context.UnstashAll();
            }
            return;
        }
        var events = _pending.ToArray();
        _pending.Clear();
        _highestAssigned = events[^1].Event.SequenceNumber;
        _phase = Phase.Persisting;
        var records = new NewEvent[events.Length];
        for (var i = 0; i < events.Length; i++)
            records[i] = events[i].Event;
        var written = new Written(this, Self, Sender, events);
        Task task;
        try
        {
            task = Settings.Journal.WriteAsync(new AtomicWrite(PersistenceId, records) { Fence = ((ActorCell)Self).Fence });
        }
        catch (Exception e)
        {
            task = Task.FromException(e);
        }
        task.ContinueWith(static (t, state) =>
        {
            var written = (Written)state!;
            if (!t.IsCompletedSuccessfully)
                written.Error = t.Exception?.InnerException ?? new TaskCanceledException("The write was cancelled.");
            written.Self.Tell(written, written.Sender);
        }, written, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void HandleInternal(Internal signal)
    {
        switch (signal)
        {
            case Written written:
                if (written.Error is { } error)
                {
                    Fail(error, recovery: false);
                    return;
                }
                foreach (var pending in written.Events)
                {
                    _lastSequenceNumber = pending.Event.SequenceNumber;
                    pending.Invoker(pending.Handler, pending.Value);
                }
                Flush(); // handlers may have persisted again; otherwise back to running
                break;
            case Replayed replayed:
                if (_phase is not Phase.Recovering) return;
                try
                {
                    _inRecover = true;
                    foreach (var (sequenceNumber, @event) in replayed.Events)
                    {
                        _lastSequenceNumber = sequenceNumber;
                        OnRecover(@event);
                    }
                }
                catch (Exception e)
                {
                    Fail(new InvalidOperationException($"{PersistenceId}: OnRecover failed at #{_lastSequenceNumber}: {e.Message}", e), recovery: true);
                }
                finally
                {
                    _inRecover = false;
                }
                break;
            case Recovered recovered:
                if (_phase is not Phase.Recovering) return;
                if (recovered.Error is { } cause)
                {
                    Fail(cause, recovery: true);
                    return;
                }
                _lastSequenceNumber = Math.Max(_lastSequenceNumber, recovered.HighestSequenceNumber);
                _highestAssigned = _lastSequenceNumber;
                _phase = Phase.Persisting; // so that persists of OnRecoveryCompleted are flushed, then the stash follows
                OnRecoveryCompleted();
                Flush();
                break;
        }
    }

    private void Fail(Exception cause, bool recovery)
    {
        _phase = Phase.Failed;
        _pending?.Clear();
        var log = Context.System.Log;
        try
        {
            if (recovery)
            {
                log.LogError(cause, "Recovery of {PersistenceId} ({Path}) failed; stopping it", PersistenceId, Self.Path);
                OnRecoveryFailure(cause);
            }
            else
            {
                log.LogError(cause, "A write of {PersistenceId} ({Path}) failed; stopping it", PersistenceId, Self.Path);
                OnPersistFailure(cause);
            }
        }
        catch (Exception e)
        {
            log.LogError(e, "The failure hook of {PersistenceId} failed", PersistenceId);
        }
        if (cause is JournalFencedException fenced)
            Context.Parent.Tell(new WriterFenced(fenced.Fence), Self); // its shard runs under a lease that is gone
        Context.Stop(Self);
    }

    private static async Task RecoverAsync(PersistentActor owner, ActorCell self, string persistenceId, PersistenceSettings settings)
    {
        await settings.RecoveryPermits.WaitAsync().ConfigureAwait(false);
        try
        {
            if (self.IsStopped) return;
            // Read the highest sequence number first: anything committed up to it is replayed below (unless deleted),
            // and a write by another owner after it makes our next write conflict instead of silently diverging.
            // With the latest snapshot, at once: a new entity costs one round trip and no replay.
            var (highest, latest) = await settings.Journal.ReadRecoveryStartAsync(persistenceId, settings.Snapshots).ConfigureAwait(false);
            long from = 1;
            if (latest is { } snapshot)
            {
                var state = settings.Serializer.Deserialize(snapshot.Manifest, snapshot.Payload);
                var offer = new SnapshotOffer(new SnapshotMetadata(persistenceId, snapshot.SequenceNumber, snapshot.Created), state);
                self.Tell(new Replayed(owner, [(snapshot.SequenceNumber, offer)]));
                from = snapshot.SequenceNumber + 1;
                highest = Math.Max(highest, snapshot.SequenceNumber);
            }
            var batch = new List<(long, object)>();
            if (highest >= from) // nothing was ever written after the snapshot (or at all): no replay query
            {
                await foreach (var e in settings.Journal.ReplayAsync(persistenceId, from).ConfigureAwait(false))
                {
                    batch.Add((e.SequenceNumber, settings.Serializer.Deserialize(e.Manifest, e.Payload)));
                    if (batch.Count == ReplayBatch)
                    {
                        if (self.IsStopped) return;
                        self.Tell(new Replayed(owner, batch.ToArray()));
                        batch.Clear();
                    }
                }
            }
            if (batch.Count > 0)
                self.Tell(new Replayed(owner, batch.ToArray()));
            self.Tell(new Recovered(owner, highest, null));
        }
        catch (Exception e)
        {
            self.Tell(new Recovered(owner, 0, e));
        }
        finally
        {
            settings.RecoveryPermits.Release();
        }
    }

    /// <summary>Messages the persistence protocol sends the actor itself; they carry the incarnation they belong to.</summary>
    private abstract class Internal(PersistentActor owner)
    {
        public PersistentActor Owner { get; } = owner;
    }

    private sealed class Replayed(PersistentActor owner, (long SequenceNumber, object Event)[] events) : Internal(owner)
    {
        public (long SequenceNumber, object Event)[] Events { get; } = events;
    }

    private sealed class Recovered(PersistentActor owner, long highestSequenceNumber, Exception? error) : Internal(owner)
    {
        public long HighestSequenceNumber { get; } = highestSequenceNumber;

        public Exception? Error { get; } = error;
    }

    private sealed class Written(PersistentActor owner, ActorRef self, ActorRef sender, PendingEvent[] events) : Internal(owner)
    {
        public ActorRef Self { get; } = self;

        public ActorRef Sender { get; } = sender;

        public PendingEvent[] Events { get; } = events;

        public Exception? Error { get; set; }
    }

    private readonly record struct PendingEvent(NewEvent Event, object Value, Delegate Handler, Action<Delegate, object> Invoker);

    private static class Invoker<TEvent>
    {
        public static readonly Action<Delegate, object> Instance = static (handler, value) => ((Action<TEvent>)handler)((TEvent)value);
    }
}

/// <summary>Identifies a snapshot.</summary>
/// <param name="PersistenceId">Whose state it is.</param>
/// <param name="SequenceNumber">The sequence number of the last event the state includes.</param>
/// <param name="Created">When it was saved.</param>
public sealed record SnapshotMetadata(string PersistenceId, long SequenceNumber, DateTimeOffset Created);

/// <summary>The first thing <see cref="PersistentActor"/>'s recovery offers when a snapshot exists; events after it follow.</summary>
/// <param name="Metadata">Which snapshot.</param>
/// <param name="Snapshot">The deserialized state.</param>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object Snapshot);

/// <summary>Sent to a persistent actor (as a command) when a snapshot it asked for was saved.</summary>
/// <param name="Metadata">The saved snapshot.</param>
public sealed record SaveSnapshotSuccess(SnapshotMetadata Metadata);

/// <summary>Sent to a persistent actor (as a command) when saving a snapshot failed; the actor keeps running.</summary>
/// <param name="Metadata">The snapshot that was not saved.</param>
/// <param name="Cause">Why.</param>
public sealed record SaveSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);
