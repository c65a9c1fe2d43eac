using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Switch.Runtime.Persistence;

/// <summary>
/// What every database call of a store goes through: the circuit breaker, a deadline, and the translation of
/// failures into <see cref="JournalUnavailableException"/> naming the store. A caller's own cancellation passes
/// through as <see cref="OperationCanceledException"/> and does not count as a failure.
/// </summary>
internal sealed class StoreGuard
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    private readonly PersistenceOptions _options;
    private readonly ILogger _logger;
    private readonly Action<Exception>? _onFailure;

    internal StoreGuard(string name, PersistenceOptions options, ILogger logger, Action<Exception>? onFailure)
    {
        Name = name;
        _options = options;
        _logger = logger;
        _onFailure = onFailure;
        Breaker = new CircuitBreaker(options.BreakerMaxFailures, options.BreakerResetTimeout);
    }

    internal string Name { get; }

    internal CircuitBreaker Breaker { get; }

    internal JournalUnavailableException BreakerOpenError(string what) =>
        new(Name, $"{what} was refused without touching the database: the circuit breaker is open after " +
                  $"{_options.BreakerMaxFailures} consecutive failures (next probe in {Breaker.RemainingOpen.TotalMilliseconds:0} ms).")
        { BreakerOpen = true };

    /// <summary>Records a failed database call: counts it for the breaker, lets the backend drop broken connections, logs.</summary>
    internal void RecordFailure(string what, Exception error)
    {
        var opened = Breaker.OnFailure();
        try
        {
            _onFailure?.Invoke(error);
        }
        catch (Exception cleanup)
        {
            _logger.LogDebug(cleanup, "{Store}: cleanup after a failure failed", Name);
        }
        if (opened)
            _logger.LogError(error, "{Store}: {What} failed; circuit breaker opened for {Reset}", Name, what, _options.BreakerResetTimeout);
        else
            _logger.LogWarning(error, "{Store}: {What} failed", Name, what);
    }

    internal static string Describe(Exception error) => error switch
    {
        OperationCanceledException or TimeoutException => "timed out",
        _ => error.GetBaseException().Message,
    };

    /// <summary>Runs one database call within <see cref="PersistenceOptions.ReadTimeout"/>.</summary>
    internal async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Breaker.TryAcquire())
            throw BreakerOpenError(what);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.ReadTimeout);
        try
        {
            // The database call honours the token; WaitAsync bounds the caller even if it did not.
            var result = await operation(deadline.Token).WaitAsync(_options.ReadTimeout + Grace, cancellationToken).ConfigureAwait(false);
            Breaker.OnSuccess();
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error) when (error is not JournalConcurrencyException)
        {
            RecordFailure(what, error);
            throw new JournalUnavailableException(Name, $"{what} failed: {Describe(error)}.", error);
        }
    }

    /// <summary>
    /// Streams rows of one query. The deadline (<see cref="PersistenceOptions.ReadTimeout"/>) restarts every
    /// <see cref="RowsPerDeadline"/> rows, so a long replay is bounded per chunk, not as a whole.
    /// </summary>
    internal async IAsyncEnumerable<T> StreamAsync<T>(
        string what,
        Func<CancellationToken, IAsyncEnumerable<T>> query,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Breaker.TryAcquire())
            throw BreakerOpenError(what);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.ReadTimeout);
        var enumerator = query(deadline.Token).GetAsyncEnumerator(deadline.Token);
        try
        {
            var rows = 0;
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception error)
                {
                    RecordFailure(what, error);
                    throw new JournalUnavailableException(Name, $"{what} failed after {rows} rows: {Describe(error)}.", error);
                }
                if (!more)
                    break;
                if (++rows % RowsPerDeadline == 0)
                    deadline.CancelAfter(_options.ReadTimeout);
                yield return enumerator.Current;
            }
            Breaker.OnSuccess();
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal const int RowsPerDeadline = 1024;
}
