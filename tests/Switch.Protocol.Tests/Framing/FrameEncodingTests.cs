using System.Buffers;
using System.Text;
using Switch.Protocol.Framing;
using static Switch.Protocol.Tests.Framing.FrameTestKit;

namespace Switch.Protocol.Tests.Framing;

/// <summary>Header bytes checked by hand in both directions: what the writer emits and what the reader accepts.</summary>
public class FrameEncodingTests
{
    [Theory]
    [InlineData("binary2", 10, "000A")]
    [InlineData("binary2", 300, "012C")]
    [InlineData("binary2-inclusive", 10, "000C")]
    [InlineData("binary2-inclusive", 300, "012E")]
    [InlineData("ascii4", 123, "30313233")]
    [InlineData("ascii4", 7, "30303037")]
    [InlineData("ascii6", 123, "303030313233")]
    [InlineData("ascii2", 99, "3939")]
    [InlineData("bcd2", 123, "0123")]
    [InlineData("bcd2", 9999, "9999")]
    [InlineData("bcd2", 10, "0010")]
    [InlineData("binary4", 300, "0000012C")]
    [InlineData("binary4", 70_000, "00011170")]
    [InlineData("visa", 10, "000A0000")]
    [InlineData("visa", 300, "012C0000")]
    public void Length_header_bytes(string formatName, int bodyLength, string headerHex)
    {
        var format = FrameFormat.Parse(formatName) with { MaxFrameSize = 100_000 };
        var body = Body(bodyLength);
        byte[] expected = [.. Hex(headerHex), .. body];

        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMessage(output, format, body);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(output.WrittenSpan));
        Assert.Equal([ReadFrame.Message(body)], ReadAll(format, expected));
    }

    [Theory]
    [InlineData("binary2", "0000")]
    [InlineData("binary2-inclusive", "0002")]
    [InlineData("ascii4", "30303030")]
    [InlineData("ascii6", "303030303030")]
    [InlineData("bcd2", "0000")]
    [InlineData("binary4", "00000000")]
    [InlineData("visa", "00000000")]
    public void Keep_alive_bytes(string formatName, string expectedHex)
    {
        var format = FrameFormat.Parse(formatName) with { HasTpdu = true, StaticHeader = IsoHeader };

        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteKeepAlive(output, format);

        Assert.Equal(expectedHex, Convert.ToHexString(output.WrittenSpan));
        Assert.Equal([ReadFrame.KeepAlive], ReadAll(format, Hex(expectedHex)));
    }

    [Fact]
    public void Tpdu_follows_the_length_header_and_is_counted_by_it()
    {
        var format = FrameFormat.Binary2 with { HasTpdu = true };
        var tpdu = new Tpdu(0x60, 0x0001, 0x0203);

        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMessage(output, format, [0xAA, 0xBB, 0xCC], tpdu);

        Assert.Equal("0008" + "6000010203" + "AABBCC", Convert.ToHexString(output.WrittenSpan));
        Assert.Equal([ReadFrame.Message([0xAA, 0xBB, 0xCC], tpdu)], ReadAll(format, output.WrittenSpan.ToArray()));
    }

    [Fact]
    public void Static_header_follows_the_tpdu_and_is_counted_by_the_length()
    {
        var format = FrameFormat.Ascii4 with { HasTpdu = true, StaticHeader = "ISO"u8.ToArray() };
        var tpdu = new Tpdu(0x60, 0x1234, 0xABCD);

        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMessage(output, format, "0800"u8, tpdu);

        Assert.Equal(
            Convert.ToHexString("0012"u8) + "601234ABCD" + Convert.ToHexString("ISO0800"u8),
            Convert.ToHexString(output.WrittenSpan));
    }

    [Fact]
    public void Body_is_returned_without_any_header()
    {
        var format = FrameFormat.Visa with { StaticHeader = "ISO025000075"u8.ToArray() };
        byte[] frame = [0x00, 0x10, 0x00, 0x00, .. "ISO025000075"u8, .. "0800"u8];

        var read = Assert.Single(ReadAll(format, frame));

        Assert.Equal("0800", Encoding.ASCII.GetString(read.Body));
        Assert.Null(read.Tpdu);
    }
}
