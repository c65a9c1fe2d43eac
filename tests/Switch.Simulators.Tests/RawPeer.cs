using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Switch.Protocol.Framing;

namespace Switch.Simulators.Tests;

/// <summary>A frame read by a <see cref="RawPeer"/>.</summary>
internal sealed record RawFrame(FrameReadResult Kind, byte[] Body, Tpdu? Tpdu);

/// <summary>A bare socket for what an <see cref="AcquirerClient"/> never does: broken framing, keep-alives, reading TPDUs.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly FrameReader _frames;
    private readonly FrameFormat _format;

    private RawPeer(Socket socket, FrameFormat format)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream);
        _format = format;
        _frames = new FrameReader(format);
    }

    public static async Task<RawPeer> ConnectAsync(IPEndPoint endpoint, FrameFormat format)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint);
        return new RawPeer(socket, format);
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes) => await _stream.WriteAsync(bytes);

    public Task WriteFrameAsync(ReadOnlySpan<byte> body, Tpdu? tpdu = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMessage(buffer, _format, body, tpdu);
        return WriteAsync(buffer.WrittenMemory);
    }

    public Task WriteKeepAliveAsync()
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameWriter.WriteKeepAlive(buffer, _format);
        return WriteAsync(buffer.WrittenMemory);
    }

    /// <summary>The next frame, or null once the other side has closed the connection.</summary>
    public async Task<RawFrame?> ReadFrameAsync()
    {
        using var deadline = new CancellationTokenSource(Loopback.Patience);
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(deadline.Token);
                var buffer = result.Buffer;
                var kind = _frames.TryRead(ref buffer, out var frame);
                if (kind != FrameReadResult.NeedMoreData)
                {
                    var read = new RawFrame(kind, frame.Body.ToArray(), frame.Tpdu);
                    _input.AdvanceTo(buffer.Start);
                    return read;
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) return null;
            }
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        _socket.Dispose();
    }
}
