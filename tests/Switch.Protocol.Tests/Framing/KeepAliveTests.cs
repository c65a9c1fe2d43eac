using System.Buffers;
using Switch.Protocol.Framing;
using static Switch.Protocol.Tests.Framing.FrameTestKit;

namespace Switch.Protocol.Tests.Framing;

public class KeepAliveTests
{
    [Fact]
    public void Keep_alive_is_consumed_and_reported_not_as_a_message()
    {
        var reader = new FrameReader(FrameFormat.Binary2);
        var buffer = new ReadOnlySequence<byte>(Hex("0000 0001AB"));

        Assert.Equal(FrameReadResult.KeepAlive, reader.TryRead(ref buffer, out var frame));
        Assert.True(frame.Body.IsEmpty);
        Assert.Null(frame.Tpdu);
        Assert.Equal(3, buffer.Length);
        Assert.Equal(1, reader.ConsecutiveKeepAlives);
    }

    [Fact]
    public void Keep_alives_are_counted_and_one_over_the_limit_raises()
    {
        var reader = new FrameReader(FrameFormat.Binary2 with { MaxConsecutiveKeepAlives = 3 });
        var buffer = new ReadOnlySequence<byte>(Hex("0000 0000 0000 0000"));

        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(FrameReadResult.KeepAlive, reader.TryRead(ref buffer, out _));
            Assert.Equal(i, reader.ConsecutiveKeepAlives);
        }

        var error = Assert.Throws<FramingException>(() => reader.TryRead(ref buffer, out _));
        Assert.Contains("Keep-alive 4 in a row exceeds the limit of 3", error.Message);
        Assert.Equal(6, error.StreamOffset);
        Assert.Equal(2, buffer.Length);
    }

    [Fact]
    public void A_message_resets_the_keep_alive_count()
    {
        var reader = new FrameReader(FrameFormat.Binary2 with { MaxConsecutiveKeepAlives = 2 });
        var buffer = new ReadOnlySequence<byte>(Hex("0000 0000 0001AA 0000 0000 0001BB"));

        var read = ReadAll(reader, ref buffer);

        Assert.Equal(
            [ReadFrame.KeepAlive, ReadFrame.KeepAlive, ReadFrame.Message([0xAA]), ReadFrame.KeepAlive, ReadFrame.KeepAlive, ReadFrame.Message([0xBB])],
            read);
        Assert.Equal(0, reader.ConsecutiveKeepAlives);

        buffer = new ReadOnlySequence<byte>(Hex("0000 0000 0000"));
        Assert.Throws<FramingException>(() => ReadAll(reader, ref buffer));
        Assert.Equal(2, reader.ConsecutiveKeepAlives);
    }

    [Fact]
    public void Zero_limit_rejects_every_keep_alive_but_not_messages()
    {
        var format = FrameFormat.Bcd2 with { MaxConsecutiveKeepAlives = 0 };

        Assert.Equal([ReadFrame.Message([0xAA])], ReadAll(format, Hex("0001AA")));
        Assert.Throws<FramingException>(() => ReadAll(format, Hex("0001AA 0000")));
    }

    [Fact]
    public void Keep_alives_are_unlimited_by_default()
    {
        var format = FrameFormat.Visa;
        var frames = Enumerable.Repeat(ReadFrame.KeepAlive, 10_000).ToList();

        Assert.Equal(frames, ReadAll(format, Write(format, frames)));
    }

    [Fact]
    public void Keep_alive_answer_is_a_setting_off_by_default()
    {
        Assert.False(FrameFormat.Binary2.AnswerKeepAlives);
        Assert.True((FrameFormat.Binary2 with { AnswerKeepAlives = true }).AnswerKeepAlives);
    }
}
