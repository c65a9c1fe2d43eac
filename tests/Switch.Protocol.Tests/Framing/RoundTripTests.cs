using Switch.Protocol.Framing;
using static Switch.Protocol.Tests.Framing.FrameTestKit;

namespace Switch.Protocol.Tests.Framing;

public class RoundTripTests
{
    public static TheoryData<string> Formats => FormatCases;

    [Theory]
    [MemberData(nameof(Formats))]
    public void Frames_read_back_as_written(string formatName)
    {
        var format = Format(formatName);
        var frames = SampleFrames(format);

        Assert.Equal(frames, ReadAll(format, Write(format, frames)));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Largest_body_reads_back_as_written(string formatName)
    {
        var format = Format(formatName) with { MaxFrameSize = 70_000 };
        Tpdu? tpdu = format.HasTpdu ? SampleTpdu : null;
        var frames = new List<ReadFrame> { ReadFrame.Message(Body(format.MaxBodyLength), tpdu) };

        var bytes = Write(format, frames);

        Assert.Equal(Math.Min(70_000, format.LengthHeaderSize + format.MaxPayloadLength), bytes.Length);
        Assert.Equal(frames, ReadAll(format, bytes));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Frames_read_back_from_one_byte_segments(string formatName)
    {
        var format = Format(formatName);
        var frames = SampleFrames(format);

        Assert.Equal(frames, ReadAll(format, TestSegment.Bytewise(Write(format, frames))));
    }
}
