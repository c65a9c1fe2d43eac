namespace Switch.Runtime.Actors;

/// <summary>What a supervisor does with a child that failed.</summary>
public enum Directive
{
    /// <summary>Keep the child and its state; go on with the next message.</summary>
    Resume,
    /// <summary>Replace the child's instance with a fresh one (state is lost, the mailbox is kept).</summary>
    Restart,
    /// <summary>Stop the child.</summary>
    Stop,
    /// <summary>Fail the supervisor itself with the same exception.</summary>
    Escalate,
}

/// <summary>
/// One-for-one supervision: each failing child is handled alone. Restarts are limited to
/// <see cref="MaxRestarts"/> within <see cref="Window"/> (beyond that the child is stopped) and can back off
/// exponentially, so a child failing on every start does not spin.
/// </summary>
public sealed record SupervisorStrategy
{
    /// <summary>Creates a strategy.</summary>
    /// <param name="decider">The directive for each failure; initialization failures are offered too.</param>
    /// <param name="maxRestarts">Restarts allowed within <paramref name="window"/>; negative means unlimited.</param>
    /// <param name="window">The sliding window restarts are counted in.</param>
    /// <param name="minBackoff">Delay before the first restart (zero: at once); doubled on each restart in the window.</param>
    /// <param name="maxBackoff">Upper bound of the back-off.</param>
    public SupervisorStrategy(Func<Exception, Directive> decider, int maxRestarts = 10, TimeSpan? window = null,
        TimeSpan? minBackoff = null, TimeSpan? maxBackoff = null)
    {
        Decider = decider;
        MaxRestarts = maxRestarts;
        Window = window ?? TimeSpan.FromMinutes(1);
        MinBackoff = minBackoff ?? TimeSpan.Zero;
        MaxBackoff = maxBackoff ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>Restart on any failure but initialization failures (stop), at most 10 times a minute.</summary>
    public static SupervisorStrategy Default { get; } =
        new(e => e is ActorInitializationException ? Directive.Stop : Directive.Restart);

    /// <summary>The directive for each failure.</summary>
    public Func<Exception, Directive> Decider { get; }

    /// <summary>Restarts allowed within <see cref="Window"/>; negative means unlimited.</summary>
    public int MaxRestarts { get; }

    /// <summary>The window restarts are counted in.</summary>
    public TimeSpan Window { get; }

    /// <summary>Delay before the first restart in a window.</summary>
    public TimeSpan MinBackoff { get; }

    /// <summary>Upper bound of the restart delay.</summary>
    public TimeSpan MaxBackoff { get; }

    internal TimeSpan Backoff(int restartsInWindow)
    {
        if (MinBackoff <= TimeSpan.Zero) return TimeSpan.Zero;
        var factor = Math.Pow(2, Math.Min(restartsInWindow, 30));
        var delay = MinBackoff.TotalMilliseconds * factor;
        return TimeSpan.FromMilliseconds(Math.Min(delay, MaxBackoff.TotalMilliseconds));
    }
}
