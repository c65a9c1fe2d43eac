using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Switch.Protocol.Iso8583;

namespace Switch.LoadTest.Capture;

/// <summary>
/// Records the acquirer requests of a run, as sent, with the time each went out, for a later replay. The file: a text
/// header line <c>switch-capture 1 &lt;dialect&gt;</c>, then per request a record of its offset from the start in
/// microseconds (8 bytes), its length (4 bytes) and the message bytes (big-endian integers). It holds the card
/// numbers the run used: record only synthetic traffic such as the tool's own.
/// </summary>
internal sealed class CaptureWriter : IAsyncDisposable
{
    private readonly Channel<(long Offset, byte[] Body)> _queue = Channel.CreateUnbounded<(long, byte[])>(new UnboundedChannelOptions { SingleReader = true });
    private readonly long _start;
    private readonly Task _writing;

    public CaptureWriter(string file, Dialect dialect, long startTimestamp)
    {
        _start = startTimestamp;
        var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
        stream.Write(Encoding.ASCII.GetBytes($"{CaptureReader.Magic} {dialect.Name}\n"));
        _writing = WriteAsync(stream);
    }

    public long Records { get; private set; }

    public void Record(long timestamp, IsoMessage request) =>
        _queue.Writer.TryWrite(((long)Stopwatch.GetElapsedTime(_start, timestamp).TotalMicroseconds, request.Encode()));

    private async Task WriteAsync(FileStream stream)
    {
        await using (stream.ConfigureAwait(false))
        {
            var header = new byte[12];
            await foreach (var (offset, body) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                BinaryPrimitives.WriteInt64BigEndian(header, offset);
                BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), body.Length);
                await stream.WriteAsync(header).ConfigureAwait(false);
                await stream.WriteAsync(body).ConfigureAwait(false);
                Records++;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writing.ConfigureAwait(false);
    }
}
