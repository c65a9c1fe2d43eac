using System.Buffers;
using Switch.Protocol.Framing;
using static Switch.Protocol.Tests.Framing.FrameTestKit;

namespace Switch.Protocol.Tests.Framing;

public class AllocationTests
{
    [Theory]
    [InlineData("binary2+tpdu+header")]
    [InlineData("ascii4+header")]
    [InlineData("bcd2+tpdu")]
    [InlineData("visa")]
    public void Reading_frames_allocates_nothing(string formatName)
    {
        var format = Format(formatName);
        var frames = Enumerable.Range(0, 50).SelectMany(_ => SampleFrames(format)).ToList();
        var sequence = TestSegment.Split(Write(format, frames), Enumerable.Range(1, 200).Select(i => i * 37));
        var reader = new FrameReader(format);
        ReadToEnd(reader, sequence);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var count = ReadToEnd(reader, sequence);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(frames.Count, count);
        Assert.Equal(0, allocated);
    }

    private static int ReadToEnd(FrameReader reader, ReadOnlySequence<byte> buffer)
    {
        var count = 0;
        long bodyBytes = 0;
        while (reader.TryRead(ref buffer, out var frame) != FrameReadResult.NeedMoreData)
        {
            bodyBytes += frame.Body.Length;
            count++;
        }

        Assert.True(bodyBytes > 0);
        return count;
    }
}
