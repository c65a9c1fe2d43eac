using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Switch.Protocol.Framing;
using static Switch.Protocol.Tests.Framing.FrameTestKit;

namespace Switch.Protocol.Tests.Framing;

/// <summary>Frames split across segments, and incomplete input, in every place it can be cut.</summary>
public class SegmentationTests
{
    public static TheoryData<string> Formats => FormatCases;

    [Theory]
    [MemberData(nameof(Formats))]
    public void Frames_split_at_every_boundary_read_back_identically(string formatName)
    {
        var format = Format(formatName);
        var frames = SampleFrames(format, largest: 40);
        var bytes = Write(format, frames);

        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            Assert.Equal(frames, ReadAll(format, TestSegment.Split(bytes, cut)));
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Frames_split_at_every_pair_of_boundaries_read_back_identically(string formatName)
    {
        var format = Format(formatName);
        var frames = SampleFrames(format, largest: 12);
        var bytes = Write(format, frames);

        for (var first = 0; first <= bytes.Length; first++)
        {
            for (var second = first; second <= bytes.Length; second++)
            {
                Assert.Equal(frames, ReadAll(format, TestSegment.Split(bytes, first, second)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Truncated_input_yields_the_whole_frames_and_consumes_nothing_of_the_rest(string formatName)
    {
        var format = Format(formatName);
        var frames = SampleFrames(format, largest: 40);
        var frameEnds = FrameEnds(format, frames);
        var bytes = Write(format, frames);

        for (var length = 0; length < bytes.Length; length++)
        {
            var complete = frameEnds.Count(end => end <= length);
            var consumed = complete == 0 ? 0 : frameEnds[complete - 1];
            var buffer = TestSegment.Split(bytes.AsSpan(0, length), length / 2);

            var read = ReadAll(new FrameReader(format), ref buffer);

            Assert.Equal(frames.Take(complete), read);
            Assert.Equal(length - consumed, buffer.Length);
            Assert.Equal(bytes[consumed..length], buffer.ToArray());
        }
    }

    [Fact]
    public void Need_more_data_leaves_the_buffer_untouched()
    {
        var reader = new FrameReader(FrameFormat.Binary2);
        var original = TestSegment.Split(Hex("0005 0102"), 1);
        var buffer = original;

        Assert.Equal(FrameReadResult.NeedMoreData, reader.TryRead(ref buffer, out var frame));
        Assert.Equal(original.Start, buffer.Start);
        Assert.Equal(original.End, buffer.End);
        Assert.True(frame.Body.IsEmpty);
    }

    [Fact]
    public void Frames_split_at_random_boundaries_read_back_identically()
    {
        var cases =
            from formatName in Gen.Elements(FormatNames.ToArray())
            from sizes in Gen.ListOf(Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, 600))))
            from seed in Gen.Choose(0, 255)
            let format = Format(formatName)
            let frames = sizes.Select((size, i) => size == 0
                ? ReadFrame.KeepAlive
                : ReadFrame.Message(Body(Math.Min(size, format.MaxBodyLength), seed + i), format.HasTpdu ? new Tpdu((byte)i, (ushort)seed, (ushort)size) : null))
                .ToList()
            let length = Write(format, frames).Length
            from cuts in Gen.ListOf(Gen.Choose(0, length))
            select (formatName, frames, Cuts: cuts.Order().ToArray());

        Prop.ForAll(cases.ToArbitrary(), c =>
            {
                var format = Format(c.formatName);
                var sequence = TestSegment.Split(Write(format, c.frames), c.Cuts);
                return ReadAll(format, sequence).SequenceEqual(c.frames);
            })
            .QuickCheckThrowOnFailure();
    }

    private static List<int> FrameEnds(FrameFormat format, List<ReadFrame> frames)
    {
        var ends = new List<int>();
        var end = 0;
        foreach (var frame in frames)
        {
            end += Write(format, [frame]).Length;
            ends.Add(end);
        }

        return ends;
    }
}
