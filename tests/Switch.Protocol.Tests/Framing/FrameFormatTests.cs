using Switch.Protocol.Framing;

namespace Switch.Protocol.Tests.Framing;

public class FrameFormatTests
{
    [Theory]
    [InlineData("binary2", LengthHeader.Binary2, 2)]
    [InlineData("binary2-inclusive", LengthHeader.Binary2Inclusive, 2)]
    [InlineData("ascii4", LengthHeader.AsciiDigits, 4)]
    [InlineData("ascii6", LengthHeader.AsciiDigits, 6)]
    [InlineData("ascii1", LengthHeader.AsciiDigits, 1)]
    [InlineData("bcd2", LengthHeader.Bcd2, 2)]
    [InlineData("binary4", LengthHeader.Binary4, 4)]
    [InlineData("visa", LengthHeader.Binary2Visa, 4)]
    [InlineData(" VISA ", LengthHeader.Binary2Visa, 4)]
    [InlineData("Ascii9", LengthHeader.AsciiDigits, 9)]
    public void Parse_names_a_length_header_with_default_settings(string name, LengthHeader expected, int headerSize)
    {
        var format = FrameFormat.Parse(name);

        Assert.Equal(expected, format.LengthHeader);
        Assert.Equal(headerSize, format.HeaderSize);
        Assert.False(format.HasTpdu);
        Assert.True(format.StaticHeader.IsEmpty);
        Assert.Equal(FrameFormat.DefaultMaxFrameSize, format.MaxFrameSize);
        Assert.Null(format.MaxConsecutiveKeepAlives);
    }

    [Theory]
    [InlineData("")]
    [InlineData("binary3")]
    [InlineData("ascii")]
    [InlineData("ascii0")]
    [InlineData("ascii10")]
    [InlineData("ascii-4")]
    [InlineData("bcd")]
    public void Parse_rejects_unknown_names(string name)
    {
        var error = Assert.Throws<FormatException>(() => FrameFormat.Parse(name));
        Assert.Contains("binary2", error.Message);
    }

    [Fact]
    public void Presets_match_their_names()
    {
        Assert.Equal(FrameFormat.Binary2, FrameFormat.Parse("binary2"));
        Assert.Equal(FrameFormat.Binary2Inclusive, FrameFormat.Parse("binary2-inclusive"));
        Assert.Equal(FrameFormat.Ascii4, FrameFormat.Parse("ascii4"));
        Assert.Equal(FrameFormat.Bcd2, FrameFormat.Parse("bcd2"));
        Assert.Equal(FrameFormat.Binary4, FrameFormat.Parse("binary4"));
        Assert.Equal(FrameFormat.Visa, FrameFormat.Parse("visa"));
        Assert.Equal(4, FrameFormat.Ascii4.AsciiDigits);
    }

    [Fact]
    public void Header_size_counts_length_header_tpdu_and_static_header()
    {
        var format = FrameFormat.Ascii4 with { HasTpdu = true, StaticHeader = "ISO"u8.ToArray() };

        Assert.Equal(4 + 5 + 3, format.HeaderSize);
    }

    [Theory]
    [InlineData("binary2", 8192, 8190)]
    [InlineData("binary2", 100_000, 65535)]
    [InlineData("binary2-inclusive", 100_000, 65533)]
    [InlineData("ascii4", 8192, 8188)]
    [InlineData("ascii4", 100_000, 9999)]
    [InlineData("ascii2", 8192, 99)]
    [InlineData("bcd2", 100_000, 9999)]
    [InlineData("binary4", 1_000_000, 999_996)]
    [InlineData("visa", 100_000, 65535)]
    public void Max_body_length_is_bounded_by_max_frame_size_and_header_range(string name, int maxFrameSize, int expected)
    {
        var format = FrameFormat.Parse(name) with { MaxFrameSize = maxFrameSize };

        Assert.Equal(expected, format.MaxBodyLength);
    }

    [Fact]
    public void Max_body_length_leaves_room_for_tpdu_and_static_header()
    {
        var format = FrameFormat.Binary2 with { MaxFrameSize = 100, HasTpdu = true, StaticHeader = "ISO"u8.ToArray() };

        Assert.Equal(100 - 2 - 5 - 3, format.MaxBodyLength);
        Assert.Equal(0, (format with { MaxFrameSize = 10 }).MaxBodyLength);
    }

    [Fact]
    public void Invalid_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameFormat.Ascii4 with { AsciiDigits = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameFormat.Ascii4 with { AsciiDigits = 10 });
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameFormat.Binary2 with { MaxFrameSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameFormat.Binary2 with { MaxConsecutiveKeepAlives = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameFormat((LengthHeader)42));
    }

    [Fact]
    public void Static_header_is_copied_so_the_format_stays_immutable()
    {
        var bytes = "ISO"u8.ToArray();
        var format = FrameFormat.Binary2 with { StaticHeader = bytes };

        bytes[0] = (byte)'X';

        Assert.Equal("ISO"u8.ToArray(), format.StaticHeader.ToArray());
    }

    [Fact]
    public void Formats_are_equal_when_their_settings_are()
    {
        var a = FrameFormat.Binary2 with { StaticHeader = "ISO"u8.ToArray(), HasTpdu = true };
        var b = FrameFormat.Parse("binary2") with { HasTpdu = true, StaticHeader = "ISO"u8.ToArray() };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { StaticHeader = "ISP"u8.ToArray() });
        Assert.NotEqual(a, b with { MaxConsecutiveKeepAlives = 3 });
        Assert.NotEqual(a, b with { AnswerKeepAlives = true });
    }
}
