namespace Switch.Protocol.Iso8583;

/// <summary>
/// The one exception the codec raises for bytes or values that do not fit the dialect. It names the field
/// (a path such as <c>"127.25.2"</c>, or <c>"MTI"</c> / <c>"bitmap"</c>) and the byte offset in the message,
/// and never carries field values, so it is safe to log.
/// </summary>
public sealed class IsoFormatException : FormatException
{
    /// <summary>Creates the exception for a field at a byte offset of the message being decoded (-1 when encoding).</summary>
    public IsoFormatException(string field, int offset, string reason)
        : base(offset >= 0 ? $"ISO 8583 field {field} at byte {offset}: {reason}" : $"ISO 8583 field {field}: {reason}")
    {
        Field = field;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The field at fault: a field number or path, or "MTI" / "bitmap".</summary>
    public string Field { get; }

    /// <summary>Byte offset in the message where the fault was found, or -1 when encoding.</summary>
    public int Offset { get; }

    /// <summary>What was wrong, without any field value.</summary>
    public string Reason { get; }
}
