namespace Switch.Protocol.Framing;

/// <summary>
/// The inbound byte stream does not follow the connection's <see cref="FrameFormat"/>: a malformed or
/// oversize length header, a non-zero Visa filler, a static header mismatch, or too many keep-alives.
/// Frame boundaries can no longer be trusted, so the connection should be closed; this is why it is an
/// <see cref="IOException"/> rather than a message-level format error.
/// The message never contains body bytes.
/// </summary>
public sealed class FramingException : IOException
{
    internal FramingException(string reason, long streamOffset, int frameOffset)
        : base($"{reason} (byte {frameOffset} of the frame, stream offset {streamOffset + frameOffset}).")
    {
        StreamOffset = streamOffset + frameOffset;
    }

    /// <summary>
    /// Where the offending byte is, counted from the first byte the <see cref="FrameReader"/> read on the connection.
    /// </summary>
    public long StreamOffset { get; }
}
