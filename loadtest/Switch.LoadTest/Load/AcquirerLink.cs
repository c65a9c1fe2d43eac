using System.Net;
using System.Net.Sockets;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.LoadTest.Load;

/// <summary>
/// One acquirer connection (one terminal) that comes back by itself: when the switch drops it (a crash, a restart),
/// the next send waits for a new connection, retried every reconnect delay until the run is cancelled. Like an
/// acquirer given several node addresses, it connects to its home node first and, when that one refuses, to the next
/// ones in turn.
/// </summary>
/// <param name="endpoints">The switch nodes' acquirer listeners.</param>
/// <param name="home">The index in <paramref name="endpoints"/> this link tries first.</param>
internal sealed class AcquirerLink(IReadOnlyList<EndPoint> endpoints, int home, AcquirerClientOptions options, TimeSpan reconnectDelay,
    TransactionFactory factory) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task<AcquirerClient>? _current;

    /// <summary>Builds this terminal's requests (its STAN counter).</summary>
    public TransactionFactory Factory => factory;

    public async Task<IsoMessage> SendAsync(IsoMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await client.SendAsync(request, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The connection is going (the switch died): the next send connects anew rather than failing on it again
            // before the client has noticed it is closed.
            Forget(client);
            throw;
        }
    }

    private void Forget(AcquirerClient client)
    {
        lock (_gate)
        {
            if (_current is { IsCompletedSuccessfully: true } current && ReferenceEquals(current.Result, client))
            {
                _ = client.DisposeAsync().AsTask();
                _current = null;
            }
        }
    }

    private Task<AcquirerClient> ConnectionAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_current is { IsCompletedSuccessfully: true } done && done.Result.Closed.IsCompleted)
            {
                _ = done.Result.DisposeAsync().AsTask();
                _current = null;
            }
            if (_current is { IsFaulted: true } or { IsCanceled: true })
                _current = null;
            return (_current ??= ConnectAsync(cancellationToken)).WaitAsync(cancellationToken);
        }
    }

    private async Task<AcquirerClient> ConnectAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            for (var i = 0; i < endpoints.Count; i++)
            {
                try
                {
                    return await AcquirerClient.ConnectAsync(endpoints[(home + i) % endpoints.Count], options, cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    // this node is down: the next one
                }
            }
            await Task.Delay(reconnectDelay, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<AcquirerClient>? current;
        lock (_gate)
            current = _current;
        if (current is { IsCompletedSuccessfully: true })
            await current.Result.DisposeAsync().ConfigureAwait(false);
    }
}
