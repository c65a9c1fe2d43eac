using System.Collections.Concurrent;
using System.Net;
using Switch.Actors.Transactions;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.Cluster;

/// <summary>
/// Acquirers sending purchases to a cluster while it changes: each sender works through one node and, when that
/// node goes away, moves to the next live one (an acquirer's failover); every answer is kept by transaction key.
/// </summary>
internal sealed class ClusterLoad : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _senders;

    public ClusterLoad(Func<IReadOnlyList<IPEndPoint>> liveNodes, int senders, int cards)
    {
        _senders = Enumerable.Range(0, senders).Select(n => Task.Run(() => SendAsync(liveNodes, n, cards))).ToArray();
    }

    /// <summary>The answers received, by transaction key.</summary>
    public ConcurrentDictionary<string, IsoMessage> Answers { get; } = new();

    /// <summary>Requests sent whose answer never came (the connection failed under them).</summary>
    public ConcurrentDictionary<string, IsoMessage> Unanswered { get; } = new();

    public static Card CardOf(int i) => new("476173" + (2000000000L + i).ToString("D10"), "2912");

    private async Task SendAsync(Func<IReadOnlyList<IPEndPoint>> liveNodes, int sender, int cards)
    {
        var terminal = new TransactionFactory(Dialects.Iso87Ascii, new AcquirerTerminal { AcquirerId = ClusterNodes.AcquirerId, TerminalId = $"LOAD{sender:D4}" });
        var random = new Random(sender);
        for (var attempt = sender; !_stop.IsCancellationRequested; attempt++)
        {
            var nodes = liveNodes();
            if (nodes.Count == 0)
            {
                await Task.Delay(50);
                continue;
            }
            try
            {
                await using var client = await AcquirerClient.ConnectAsync(nodes[attempt % nodes.Count], new AcquirerClientOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));
                while (!_stop.IsCancellationRequested)
                {
                    var request = terminal.Purchase(CardOf(random.Next(cards)), 100 + random.Next(900));
                    var key = TransactionKey.Of(ClusterNodes.AcquirerId, request);
                    Unanswered[key] = request;
                    Answers[key] = await client.SendAsync(request, Timeout);
                    Unanswered.TryRemove(key, out _);
                    await Task.Delay(5);
                }
            }
            catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                await Task.Delay(50); // that node went away: the next attempt takes another
            }
        }
    }

    /// <summary>Stops sending and waits for the senders.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_senders);
    }

    /// <summary>
    /// Repeats every unanswered request until it is answered, as an acquirer does (a repeat gets the first decision,
    /// or a new one when the switch never decided it).
    /// </summary>
    public async Task RepeatUnansweredAsync(Func<IReadOnlyList<IPEndPoint>> liveNodes)
    {
        foreach (var (key, request) in Unanswered.ToList())
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var nodes = liveNodes();
                    await using var client = await AcquirerClient.ConnectAsync(nodes[attempt % nodes.Count], new AcquirerClientOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));
                    Answers[key] = await client.SendAsync(request, Timeout);
                    Unanswered.TryRemove(key, out _);
                    break;
                }
                catch (Exception e) when (attempt < 10 && e is IOException or TimeoutException or System.Net.Sockets.SocketException)
                {
                    await Task.Delay(200);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
        _stop.Dispose();
    }
}
