using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Switch.Runtime.Tests.Remote;

/// <summary>
/// A loopback TCP relay between two nodes that a test can break: kill its connections, refuse new ones, or stop
/// forwarding (a black hole: connections stay open, nothing gets through).
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    public enum ProxyMode { Forward, Refuse, BlackHole }

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly EndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _accepted;

    public TcpProxy(EndPoint target)
    {
        _target = target;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _accepting = Task.Run(AcceptAsync);
    }

    public IPEndPoint EndPoint { get; }

    public volatile ProxyMode Mode = ProxyMode.Forward;

    /// <summary>Connections forwarded so far.</summary>
    public int Forwarded => Volatile.Read(ref _accepted);

    public void KillConnections()
    {
        foreach (var socket in _sockets.Keys)
        {
            _sockets.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            if (Mode == ProxyMode.Refuse)
            {
                client.Dispose();
                continue;
            }
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await server.ConnectAsync(_target);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }
            Interlocked.Increment(ref _accepted);
            _sockets[client] = 0;
            _sockets[server] = 0;
            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0) break;
                while (Mode == ProxyMode.BlackHole && !_stop.IsCancellationRequested) await Task.Delay(10);
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
            }
        }
        catch (Exception)
        {
            // one side closed or was killed
        }
        from.Dispose();
        to.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _accepting;
        KillConnections();
    }
}
