namespace Switch.Protocol.Iso8583;

/// <summary>How a field's value (or a length prefix, or the MTI) is written on the wire.</summary>
public enum FieldEncoding : byte
{
    /// <summary>One ASCII byte per character.</summary>
    Ascii,
    /// <summary>One EBCDIC byte per character, code page 037 (US/Canada).</summary>
    Ebcdic037,
    /// <summary>One EBCDIC byte per character, code page 500 (International).</summary>
    Ebcdic500,
    /// <summary>One EBCDIC byte per character, code page 1047 (Open Systems / z/OS Unix).</summary>
    Ebcdic1047,
    /// <summary>Packed BCD, two digits a byte; an odd digit count is padded with a 0 nibble on the left.</summary>
    Bcd,
    /// <summary>Packed BCD; an odd digit count is padded with a 0 nibble on the right.</summary>
    BcdRightPadded,
    /// <summary>Packed BCD; an odd digit count is padded with an F nibble on the right.</summary>
    BcdRightPaddedF,
    /// <summary>Raw bytes.</summary>
    Binary,
    /// <summary>Raw bytes written as two hex-ASCII characters each (upper case on write, either case on read).</summary>
    HexAscii,
}
