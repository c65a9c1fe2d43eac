using System.Buffers;

namespace Switch.Protocol.Framing;

/// <summary>One message read by a <see cref="FrameReader"/>.</summary>
public readonly struct Frame
{
    internal Frame(ReadOnlySequence<byte> body, Tpdu? tpdu)
    {
        Body = body;
        Tpdu = tpdu;
    }

    /// <summary>
    /// The message body, without length header, TPDU or static header: a slice of the buffer given to the
    /// reader, valid only until that buffer is released (for a pipe, until <c>PipeReader.AdvanceTo</c>).
    /// </summary>
    public ReadOnlySequence<byte> Body { get; }

    /// <summary>The TPDU that preceded the body, if the format has one.</summary>
    public Tpdu? Tpdu { get; }
}
