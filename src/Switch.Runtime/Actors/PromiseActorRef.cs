using Switch.Runtime.Scheduling;

namespace Switch.Runtime.Actors;

/// <summary>
/// A short-lived reference that completes a task with the first reply (Ask), or when a watched actor stops
/// (graceful stop); times out through the system's timer wheel.
/// </summary>
internal sealed class PromiseActorRef : ActorRef
{
    private readonly TaskCompletionSource<object> _promise = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorSystem _system;
    private readonly ActorRef? _completeOnTerminated;
    private readonly ScheduledTimer _timeout;
    private int _exposed;

    public PromiseActorRef(ActorSystem system, TimeSpan timeout, ActorPath recipient, ActorRef? completeOnTerminated = null)
    {
        _system = system;
        Path = ActorPath.Root(system.Name).Child("temp", system.NextUid());
        _completeOnTerminated = completeOnTerminated;
        _timeout = system.Scheduler.Schedule(timeout, static s =>
        {
            var (promise, recipient, timeout) = ((TaskCompletionSource<object>, ActorPath, TimeSpan))s!;
            promise.TrySetException(new AskTimeoutException(recipient, timeout));
        }, (_promise, recipient, timeout));
    }

    public override ActorPath Path { get; }

    public Task<object> Task => _promise.Task;

    /// <summary>
    /// Makes this reference resolvable under <paramref name="key"/> until it completes, so that a reply from another
    /// node finds it (called by the transport when the reference leaves the node as a sender).
    /// </summary>
    internal void Expose(string key)
    {
        if (Interlocked.Exchange(ref _exposed, 1) == 1) return;
        _system.Expose(key, this);
        _promise.Task.ContinueWith(static (_, state) =>
        {
            var (self, key) = ((PromiseActorRef, string))state!;
            self._system.Unexpose(key, self);
        }, (this, key), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public override void Tell(object message, ActorRef? sender = null)
    {
        if (_completeOnTerminated is not null) return;
        var completed = message is Status.Failure failure ? _promise.TrySetException(failure.Cause) : _promise.TrySetResult(message);
        if (completed) _timeout.Cancel();
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        if (message is DeathWatchNotification death && death.Actor.Equals(_completeOnTerminated) && _promise.TrySetResult(death.Actor))
            _timeout.Cancel();
    }
}
