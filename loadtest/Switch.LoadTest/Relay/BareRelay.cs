using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.LoadTest.Relay;

/// <summary>
/// The baseline a switch is measured against: every acquirer connection gets its own bank connection (signed on
/// with 0800/001 first), and whole frames are copied across in both directions with the same framing. No decoding
/// of what passes, no actors, no journal: what the machine can do with the same sockets and framing and nothing more.
/// </summary>
internal sealed class BareRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _bank;
    private readonly FrameFormat _framing;
    private readonly Dialect _bankDialect;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _frames;

    public BareRelay(IPEndPoint listen, IPEndPoint bank, FrameFormat framing, Dialect bankDialect)
    {
        _bank = bank;
        _framing = framing;
        _bankDialect = bankDialect;
        _listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(listen);
        _listener.Listen(512);
        Endpoint = (IPEndPoint)_listener.LocalEndPoint!;
        _accepting = AcceptAsync();
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>Frames relayed, both directions.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket acquirer;
            try
            {
                acquirer = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(acquirer);
        }
    }

    private async Task RelayAsync(Socket acquirer)
    {
        using var bank = new Socket(_bank.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        acquirer.NoDelay = true;
        try
        {
            await bank.ConnectAsync(_bank, _stop.Token).ConfigureAwait(false);
            await using var bankStream = new NetworkStream(bank, ownsSocket: false);
            await using var acquirerStream = new NetworkStream(acquirer, ownsSocket: true);
            await SignOnAsync(bankStream).ConfigureAwait(false);
            var toBank = CopyFramesAsync(PipeReader.Create(acquirerStream), PipeWriter.Create(bankStream));
            var toAcquirer = CopyFramesAsync(PipeReader.Create(bankStream), PipeWriter.Create(acquirerStream));
            await Task.WhenAny(toBank, toAcquirer).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or IsoFormatException)
        {
        }
        finally
        {
            acquirer.Dispose();
        }
    }

    private async Task SignOnAsync(NetworkStream bank)
    {
        var signOn = _bankDialect.CreateMessage(new Mti(800));
        signOn.TransmissionDateTime = DateTime.UtcNow.ToString("MMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        signOn.Stan = "000001";
        signOn.Set(70, "001");
        var writer = PipeWriter.Create(bank, new StreamPipeWriterOptions(leaveOpen: true));
        FrameWriter.WriteMessage(writer, _framing, signOn.Encode());
        await writer.FlushAsync(_stop.Token).ConfigureAwait(false);
        var reader = PipeReader.Create(bank, new StreamPipeReaderOptions(leaveOpen: true));
        var frames = new FrameReader(_framing);
        while (true)
        {
            var result = await reader.ReadAsync(_stop.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (frames.TryRead(ref buffer, out _) == FrameReadResult.Message)
            {
                reader.AdvanceTo(buffer.Start);
                await reader.CompleteAsync().ConfigureAwait(false);
                return;
            }
            if (result.IsCompleted)
                throw new IOException("the bank closed the connection before answering the sign-on");
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task CopyFramesAsync(PipeReader from, PipeWriter to)
    {
        var frames = new FrameReader(_framing);
        while (true)
        {
            var result = await from.ReadAsync(_stop.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            var copied = 0;
            for (var read = frames.TryRead(ref buffer, out var frame); read != FrameReadResult.NeedMoreData; read = frames.TryRead(ref buffer, out frame))
            {
                if (read == FrameReadResult.KeepAlive)
                    FrameWriter.WriteKeepAlive(to, _framing);
                else if (frame.Body.IsSingleSegment)
                    FrameWriter.WriteMessage(to, _framing, frame.Body.FirstSpan, frame.Tpdu);
                else
                    FrameWriter.WriteMessage(to, _framing, frame.Body.ToArray(), frame.Tpdu);
                copied++;
            }
            from.AdvanceTo(buffer.Start, buffer.End);
            if (copied > 0)
            {
                Interlocked.Add(ref _frames, copied);
                await to.FlushAsync(_stop.Token).ConfigureAwait(false);
            }
            if (result.IsCompleted)
                return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
