using System.Buffers;
using System.IO.Pipelines;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Framing;

public sealed class MessageWriterTests
{
    private static IsoMessage Echo(int stan)
    {
        var m = Dialects.Iso87Ascii.CreateMessage(new Mti(800));
        m.Stan = stan.ToString("D6");
        m.Set(70, "301");
        return m;
    }

    private static List<byte[]> ReadFrames(ReadOnlySequence<byte> bytes, FrameFormat format)
    {
        var reader = new FrameReader(format);
        var frames = new List<byte[]>();
        while (reader.TryRead(ref bytes, out var frame) is var result && result != FrameReadResult.NeedMoreData)
            frames.Add(result == FrameReadResult.Message ? frame.Body.ToArray() : []);
        Assert.True(bytes.IsEmpty, "bytes left over after the last whole frame");
        return frames;
    }

    [Fact]
    public async Task Messages_raw_bodies_and_keep_alives_leave_framed_in_the_order_queued()
    {
        var pipe = new Pipe();
        var writer = new MessageWriter(pipe.Writer, FrameFormat.Binary2);
        writer.TryWrite(Echo(1));
        var raw = writer.WriteRawAsync("0800garbage"u8.ToArray());
        writer.TryWriteKeepAlive();
        writer.Complete();
        await writer.RunAsync();
        await raw; // completed by the flush
        await pipe.Writer.CompleteAsync();

        var frames = ReadFrames((await pipe.Reader.ReadAsync()).Buffer, FrameFormat.Binary2);
        Assert.Equal(3, frames.Count);
        Assert.Equal("000001", Dialects.Iso87Ascii.Decode(frames[0]).Stan);
        Assert.Equal("0800garbage"u8.ToArray(), frames[1]);
        Assert.Empty(frames[2]);
        Assert.False(writer.TryWrite(Echo(2)));
    }

    [Fact]
    public async Task A_long_queue_is_flushed_every_FramesPerFlush_frames_not_only_at_the_end()
    {
        var flushes = new CountingWriter();
        var writer = new MessageWriter(flushes, FrameFormat.Binary2);
        for (var i = 0; i < MessageWriter.FramesPerFlush * 2 + 1; i++)
            writer.TryWrite(Echo(i + 1));
        writer.Complete();
        await writer.RunAsync();
        Assert.Equal(3, flushes.Flushes);
    }

    [Fact]
    public async Task Raw_writes_still_queued_when_the_connection_ends_fail_with_an_IOException()
    {
        var pipe = new Pipe();
        await pipe.Reader.CompleteAsync(); // the peer stopped reading: the first flush reports completion
        var writer = new MessageWriter(pipe.Writer, FrameFormat.Binary2);
        for (var i = 0; i < MessageWriter.FramesPerFlush; i++)
            writer.TryWrite(Echo(i + 1));
        var late = writer.WriteRawAsync("0800x"u8.ToArray());
        await writer.RunAsync();
        await Assert.ThrowsAsync<IOException>(() => late);
        await Assert.ThrowsAsync<IOException>(() => writer.WriteRawAsync("0800y"u8.ToArray()));
    }

    private sealed class CountingWriter : PipeWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();

        public int Flushes { get; private set; }

        public override void Advance(int bytes) => _buffer.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _buffer.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Flushes++;
            return ValueTask.FromResult(new FlushResult(false, false));
        }

        public override void CancelPendingFlush() { }

        public override void Complete(Exception? exception = null) { }
    }
}
