using System.Buffers;
using Switch.Protocol.Framing;
using static Switch.Protocol.Tests.Framing.FrameTestKit;

namespace Switch.Protocol.Tests.Framing;

public class FrameWriterTests
{
    [Theory]
    [InlineData("ascii4", 100_000, 9999)]
    [InlineData("ascii2", 100_000, 99)]
    [InlineData("bcd2", 100_000, 9999)]
    [InlineData("binary2", 100_000, 65535)]
    [InlineData("binary2-inclusive", 100_000, 65533)]
    [InlineData("binary2", 8192, 8190)]
    [InlineData("binary4", 8192, 8188)]
    [InlineData("visa", 8192, 8188)]
    public void Writes_the_largest_body_and_rejects_one_byte_more(string formatName, int maxFrameSize, int largest)
    {
        var format = FrameFormat.Parse(formatName) with { MaxFrameSize = maxFrameSize };
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.WriteMessage(output, format, Body(largest));
        Assert.Equal([ReadFrame.Message(Body(largest))], ReadAll(format with { MaxFrameSize = 1_000_000 }, output.WrittenSpan.ToArray()));

        var tooLong = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteMessage(tooLong, format, Body(largest + 1)));
        Assert.Equal(0, tooLong.WrittenCount);
    }

    [Fact]
    public void Max_frame_size_counts_tpdu_and_static_header()
    {
        var format = FrameFormat.Binary2 with { MaxFrameSize = 30, HasTpdu = true, StaticHeader = "ISO"u8.ToArray() };
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.WriteMessage(output, format, Body(20), SampleTpdu);
        Assert.Equal(30, output.WrittenCount);

        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteMessage(output, format, Body(21), SampleTpdu));
    }

    [Fact]
    public void Empty_body_is_rejected_because_it_would_be_a_keep_alive()
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentException>(() => FrameWriter.WriteMessage(output, FrameFormat.Binary2, []));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void Tpdu_must_be_given_exactly_when_the_format_has_one()
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentException>(() => FrameWriter.WriteMessage(output, FrameFormat.Binary2 with { HasTpdu = true }, Body(3)));
        Assert.Throws<ArgumentException>(() => FrameWriter.WriteMessage(output, FrameFormat.Binary2, Body(3), SampleTpdu));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void Appends_to_what_the_output_already_holds()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write<byte>([0xEE]);

        FrameWriter.WriteMessage(output, FrameFormat.Bcd2, [0x01]);
        FrameWriter.WriteKeepAlive(output, FrameFormat.Bcd2);

        Assert.Equal("EE" + "000101" + "0000", Convert.ToHexString(output.WrittenSpan));
    }
}
