using System.Buffers;
using System.Text;
using Switch.Protocol.Framing;

namespace Switch.Protocol.Tests.Framing;

/// <summary>What a <see cref="FrameReader"/> returned for one frame, copied out of the buffer.</summary>
internal sealed record ReadFrame(FrameReadResult Kind, byte[] Body, Tpdu? Tpdu)
{
    public static ReadFrame Message(byte[] body, Tpdu? tpdu = null) => new(FrameReadResult.Message, body, tpdu);

    public static ReadFrame KeepAlive { get; } = new(FrameReadResult.KeepAlive, [], null);

    public bool Equals(ReadFrame? other) =>
        other is not null && Kind == other.Kind && Body.AsSpan().SequenceEqual(other.Body) && Tpdu == other.Tpdu;

    public override int GetHashCode() => HashCode.Combine(Kind, Body.Length, Tpdu);

    public override string ToString() => $"{Kind} [{Body.Length} bytes] {Tpdu}";
}

internal static class FrameTestKit
{
    public static readonly byte[] IsoHeader = Encoding.ASCII.GetBytes("ISO025000075");

    public static readonly Tpdu SampleTpdu = new(0x60, 0x0001, 0x0203);

    private static readonly string[] LengthHeaderNames =
        ["binary2", "binary2-inclusive", "ascii4", "ascii6", "bcd2", "binary4", "visa"];

    /// <summary>Every length header, each plain, with TPDU, with static header, and with both.</summary>
    public static IEnumerable<string> FormatNames =>
        from name in LengthHeaderNames
        from suffix in new[] { "", "+tpdu", "+header", "+tpdu+header" }
        select name + suffix;

    public static TheoryData<string> FormatCases => new(FormatNames);

    /// <summary>The format a name from <see cref="FormatNames"/> stands for.</summary>
    public static FrameFormat Format(string name)
    {
        var parts = name.Split('+');
        return FrameFormat.Parse(parts[0]) with
        {
            HasTpdu = parts.Contains("tpdu"),
            StaticHeader = parts.Contains("header") ? IsoHeader : ReadOnlyMemory<byte>.Empty,
        };
    }

    public static byte[] Body(int length, int seed = 0) =>
        Enumerable.Range(0, length).Select(i => (byte)((i * 31) + seed)).ToArray();

    /// <summary>The frames a writer produces for <paramref name="frames"/>, concatenated.</summary>
    public static byte[] Write(FrameFormat format, IEnumerable<ReadFrame> frames)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            if (frame.Kind == FrameReadResult.KeepAlive)
            {
                FrameWriter.WriteKeepAlive(output, format);
            }
            else
            {
                FrameWriter.WriteMessage(output, format, frame.Body, frame.Tpdu);
            }
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads frames until the reader needs more data; <paramref name="buffer"/> is left at what remains.</summary>
    public static List<ReadFrame> ReadAll(FrameReader reader, ref ReadOnlySequence<byte> buffer)
    {
        var frames = new List<ReadFrame>();
        FrameReadResult read;
        while ((read = reader.TryRead(ref buffer, out var frame)) != FrameReadResult.NeedMoreData)
        {
            frames.Add(new ReadFrame(read, frame.Body.ToArray(), frame.Tpdu));
        }

        return frames;
    }

    public static List<ReadFrame> ReadAll(FrameFormat format, ReadOnlySequence<byte> buffer)
    {
        var frames = ReadAll(new FrameReader(format), ref buffer);
        Assert.Equal(0, buffer.Length);
        return frames;
    }

    public static List<ReadFrame> ReadAll(FrameFormat format, byte[] bytes) =>
        ReadAll(format, new ReadOnlySequence<byte>(bytes));

    /// <summary>A mix of messages of several sizes, the largest the format allows among them, and keep-alives.</summary>
    public static List<ReadFrame> SampleFrames(FrameFormat format, int largest = 300)
    {
        Tpdu? tpdu = format.HasTpdu ? SampleTpdu : null;
        return
        [
            ReadFrame.Message(Body(1), tpdu),
            ReadFrame.KeepAlive,
            ReadFrame.Message(Body(10, 1), tpdu),
            ReadFrame.Message(Body(Math.Min(largest, format.MaxBodyLength), 2), tpdu?.Reply()),
            ReadFrame.KeepAlive,
            ReadFrame.KeepAlive,
            ReadFrame.Message(Body(2, 3), tpdu),
        ];
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));
}
