using System.IO.Pipelines;
using Switch.Protocol.Framing;
using static Switch.Protocol.Tests.Framing.FrameTestKit;

namespace Switch.Protocol.Tests.Framing;

/// <summary>The reader in the loop it is meant for: a real <see cref="Pipe"/> fed in arbitrary chunks.</summary>
public class PipeTests
{
    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        var seed = 0;
        foreach (var name in FormatNames)
        {
            cases.Add(name, seed++);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Frames_written_in_random_chunks_are_read_by_a_pipe_loop(string formatName, int seed)
    {
        var format = Format(formatName) with { MaxFrameSize = 1024 };
        var random = new Random(seed);
        var frames = Enumerable.Range(0, 200)
            .Select(i => random.Next(8) == 0
                ? ReadFrame.KeepAlive
                : ReadFrame.Message(Body(random.Next(1, format.MaxBodyLength + 1), i), format.HasTpdu ? new Tpdu(0x60, (ushort)i, 7) : null))
            .ToList();
        var bytes = Write(format, frames);

        // The pause threshold is the frame size limit: the smallest that cannot stall a reader waiting for a whole frame.
        var pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: format.MaxFrameSize,
            resumeWriterThreshold: format.MaxFrameSize / 2,
            minimumSegmentSize: 64,
            useSynchronizationContext: false));

        var writing = Task.Run(async () =>
        {
            for (var offset = 0; offset < bytes.Length;)
            {
                var chunk = Math.Min(random.Next(1, 300), bytes.Length - offset);
                await pipe.Writer.WriteAsync(bytes.AsMemory(offset, chunk));
                offset += chunk;
            }

            await pipe.Writer.CompleteAsync();
        });

        var read = await ReadLoop(pipe.Reader, new FrameReader(format));
        await writing;

        Assert.Equal(frames, read);
    }

    [Fact]
    public async Task Frame_writer_writes_into_a_pipe_writer()
    {
        var format = FrameFormat.Ascii4 with { HasTpdu = true, StaticHeader = IsoHeader };
        var frames = SampleFrames(format);
        var pipe = new Pipe();

        foreach (var frame in frames)
        {
            if (frame.Kind == FrameReadResult.KeepAlive)
            {
                FrameWriter.WriteKeepAlive(pipe.Writer, format);
            }
            else
            {
                FrameWriter.WriteMessage(pipe.Writer, format, frame.Body, frame.Tpdu);
            }
        }

        await pipe.Writer.CompleteAsync();

        Assert.Equal(frames, await ReadLoop(pipe.Reader, new FrameReader(format)));
    }

    [Fact]
    public async Task Oversize_header_fails_without_waiting_for_the_body()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Hex("03200000"));

        var reading = ReadLoop(pipe.Reader, new FrameReader(FrameFormat.Binary4));

        // The writer is neither completed nor sends more: the loop must fail on the header alone.
        var finished = await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(reading, finished);
        await Assert.ThrowsAsync<FramingException>(() => reading);
    }

    private static async Task<List<ReadFrame>> ReadLoop(PipeReader pipeReader, FrameReader frameReader)
    {
        var frames = new List<ReadFrame>();
        while (true)
        {
            var result = await pipeReader.ReadAsync();
            var buffer = result.Buffer;
            frames.AddRange(ReadAll(frameReader, ref buffer));
            var leftover = buffer.Length;
            pipeReader.AdvanceTo(buffer.Start, buffer.End);

            if (result.IsCompleted)
            {
                Assert.True(leftover == 0, "The stream ended inside a frame.");
                await pipeReader.CompleteAsync();
                return frames;
            }
        }
    }
}
