using System.Buffers;

namespace Switch.Protocol.Tests.Framing;

/// <summary>A segment of a hand-built multi-segment <see cref="ReadOnlySequence{T}"/>.</summary>
internal sealed class TestSegment : ReadOnlySequenceSegment<byte>
{
    private TestSegment(byte[] data, long runningIndex)
    {
        Memory = data;
        RunningIndex = runningIndex;
    }

    /// <summary>
    /// <paramref name="data"/> cut at the given ascending positions, each piece copied to its own array so the
    /// segments are not contiguous in memory. Equal cuts give empty segments, which a sequence may contain.
    /// </summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, IEnumerable<int> cuts)
    {
        var first = new TestSegment([], 0);
        var last = first;
        var start = 0;
        foreach (var cut in cuts.Append(data.Length))
        {
            var next = new TestSegment(data[start..cut].ToArray(), last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
            start = cut;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, params int[] cuts) =>
        Split(data, (IEnumerable<int>)cuts);

    /// <summary><paramref name="data"/> with every byte in its own segment.</summary>
    public static ReadOnlySequence<byte> Bytewise(ReadOnlySpan<byte> data) =>
        Split(data, Enumerable.Range(1, Math.Max(0, data.Length - 1)));
}
