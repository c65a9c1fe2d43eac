namespace Switch.Protocol.Framing;

/// <summary>
/// The 5-byte Transport Protocol Data Unit header some hosts put before the message:
/// 1 byte ID (typically <c>0x60</c>), then 2-byte destination and 2-byte source addresses, big-endian.
/// </summary>
/// <param name="Id">The TPDU ID byte.</param>
/// <param name="Destination">The destination address (NII).</param>
/// <param name="Source">The source address (NII).</param>
public readonly record struct Tpdu(byte Id, ushort Destination, ushort Source)
{
    /// <summary>The size of a TPDU on the wire, in bytes.</summary>
    public const int Size = 5;

    /// <summary>The TPDU to put on a reply to a frame that carried this one: source and destination swapped.</summary>
    public Tpdu Reply() => this with { Destination = Source, Source = Destination };
}
