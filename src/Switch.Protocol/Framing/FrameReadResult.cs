namespace Switch.Protocol.Framing;

/// <summary>What <see cref="FrameReader.TryRead"/> found at the start of the buffer.</summary>
public enum FrameReadResult
{
    /// <summary>The buffer does not hold a whole frame yet; nothing was consumed.</summary>
    NeedMoreData,

    /// <summary>A message frame was consumed and returned.</summary>
    Message,

    /// <summary>A keep-alive frame (empty payload) was consumed.</summary>
    KeepAlive,
}
