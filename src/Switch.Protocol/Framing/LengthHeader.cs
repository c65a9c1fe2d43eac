namespace Switch.Protocol.Framing;

/// <summary>
/// How a frame announces its length. Unless stated otherwise the announced length counts the
/// payload: every byte after the length header (TPDU, static header and message body).
/// </summary>
public enum LengthHeader
{
    /// <summary>2-byte unsigned big-endian binary length (0 to 65535).</summary>
    Binary2,

    /// <summary>
    /// 2-byte unsigned big-endian binary length that also counts the 2 length bytes themselves,
    /// so a keep-alive is <c>00 02</c> and a value below 2 is malformed.
    /// </summary>
    Binary2Inclusive,

    /// <summary>ASCII decimal digits, as many as <see cref="FrameFormat.AsciiDigits"/> (4 by default).</summary>
    AsciiDigits,

    /// <summary>2 bytes holding 4 packed BCD digits (<c>01 23</c> is 123; 0 to 9999).</summary>
    Bcd2,

    /// <summary>4-byte unsigned big-endian binary length.</summary>
    Binary4,

    /// <summary>
    /// Visa style: 2-byte unsigned big-endian binary length followed by 2 filler bytes that must be zero;
    /// the length does not count the 4 header bytes.
    /// </summary>
    Binary2Visa,
}
