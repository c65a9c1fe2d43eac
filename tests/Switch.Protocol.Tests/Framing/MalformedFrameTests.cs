using System.Buffers;
using System.Text;
using Switch.Protocol.Framing;
using static Switch.Protocol.Tests.Framing.FrameTestKit;

namespace Switch.Protocol.Tests.Framing;

public class MalformedFrameTests
{
    [Theory]
    [InlineData("binary4", "03200000")] // 50 MiB
    [InlineData("binary4", "FFFFFFFF")]
    [InlineData("binary2", "2001")] // 8193 + 2 header bytes
    [InlineData("visa", "FFFF0000")]
    [InlineData("ascii4", "38313839")] // 8189 + 4 header bytes
    public void Oversize_header_fails_before_the_body_arrives(string formatName, string headerHex)
    {
        var format = FrameFormat.Parse(formatName);
        var buffer = new ReadOnlySequence<byte>(Hex(headerHex));

        var error = Assert.Throws<FramingException>(() => new FrameReader(format).TryRead(ref buffer, out _));

        Assert.Contains("maximum", error.Message);
        Assert.Contains("8192", error.Message);
        Assert.Equal(headerHex.Length / 2, buffer.Length);
    }

    [Fact]
    public void Frame_of_exactly_the_maximum_size_is_accepted()
    {
        var format = FrameFormat.Binary2 with { MaxFrameSize = 12 };

        Assert.Equal([ReadFrame.Message(Body(10))], ReadAll(format, [0x00, 0x0A, .. Body(10)]));
        Assert.Throws<FramingException>(() => ReadAll(format, Hex("000B")));
    }

    [Theory]
    [InlineData("ascii4", "30304135", 2, "0x41")]
    [InlineData("ascii4", "20313233", 0, "0x20")]
    [InlineData("ascii4", "3031322F", 3, "0x2F")]
    [InlineData("ascii6", "3030303030FF", 5, "0xFF")]
    [InlineData("bcd2", "0A00", 0, "0x0A")]
    [InlineData("bcd2", "012F", 1, "0x2F")]
    [InlineData("bcd2", "A000", 0, "0xA0")]
    [InlineData("binary2-inclusive", "0001", 0, "smaller than the 2-byte length header")]
    [InlineData("binary2-inclusive", "0000", 0, "Inclusive length 0")]
    [InlineData("visa", "00050001", 3, "filler")]
    [InlineData("visa", "00058000", 2, "0x80")]
    public void Malformed_length_header_is_reported_with_its_byte(string formatName, string headerHex, int badByte, string detail)
    {
        var buffer = new ReadOnlySequence<byte>(Hex(headerHex + "0102030405"));

        var error = Assert.Throws<FramingException>(() => new FrameReader(FrameFormat.Parse(formatName)).TryRead(ref buffer, out _));

        Assert.Contains($"byte {badByte} of the frame", error.Message);
        Assert.Contains(detail, error.Message);
        Assert.Equal(badByte, error.StreamOffset);
        Assert.Equal(headerHex.Length / 2 + 5, buffer.Length);
    }

    [Fact]
    public void Malformed_header_is_reported_as_soon_as_the_length_header_is_in()
    {
        var buffer = new ReadOnlySequence<byte>("00X0"u8.ToArray());

        Assert.Throws<FramingException>(() => new FrameReader(FrameFormat.Ascii4).TryRead(ref buffer, out _));
    }

    [Fact]
    public void Static_header_mismatch_names_the_byte_and_not_the_body()
    {
        var format = FrameFormat.Ascii4 with { HasTpdu = true, StaticHeader = "ISO"u8.ToArray() };
        var pan = "4111111111111111"u8.ToArray();
        byte[] frame = [.. "0024"u8, 0x60, 0x00, 0x01, 0x00, 0x02, .. "IS0"u8, .. pan];
        var buffer = new ReadOnlySequence<byte>(frame);

        var error = Assert.Throws<FramingException>(() => new FrameReader(format).TryRead(ref buffer, out _));

        Assert.Contains("byte 11 of the frame", error.Message);
        Assert.Contains("0x30, expected 0x4F", error.Message);
        Assert.DoesNotContain("4111", error.Message);
        Assert.DoesNotContain(Convert.ToHexString(pan[..4]), error.Message);
        Assert.Equal(frame.Length, buffer.Length);
    }

    [Fact]
    public void Payload_too_short_for_tpdu_and_static_header_is_rejected_before_it_arrives()
    {
        var format = FrameFormat.Binary2 with { HasTpdu = true, StaticHeader = "ISO"u8.ToArray() };

        var error = Assert.Throws<FramingException>(() => ReadAll(format, Hex("0008")));

        Assert.Contains("8-byte payload", error.Message);
        Assert.Throws<FramingException>(() => ReadAll(format, Hex("0001")));
    }

    [Fact]
    public void Error_offset_counts_the_frames_read_before()
    {
        var reader = new FrameReader(FrameFormat.Ascii4);
        var buffer = TestSegment.Split([.. "0003"u8, 1, 2, 3, .. "0000"u8, .. "01x0"u8], 5);

        Assert.Equal(FrameReadResult.Message, reader.TryRead(ref buffer, out _));
        Assert.Equal(FrameReadResult.KeepAlive, reader.TryRead(ref buffer, out _));
        var error = Assert.Throws<FramingException>(() => reader.TryRead(ref buffer, out _));

        Assert.Equal(7 + 4 + 2, error.StreamOffset);
        Assert.Contains("byte 2 of the frame, stream offset 13", error.Message);
    }

    [Fact]
    public void Framing_exception_is_an_io_exception()
    {
        var buffer = new ReadOnlySequence<byte>(Hex("FFFF"));

        var error = Assert.ThrowsAny<IOException>(() => new FrameReader(FrameFormat.Bcd2).TryRead(ref buffer, out _));

        Assert.IsType<FramingException>(error);
    }
}
