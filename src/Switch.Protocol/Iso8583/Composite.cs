namespace Switch.Protocol.Iso8583;

/// <summary>How a composite field's value breaks into subfields, addressed by paths such as "90.2",
/// "55.9F26" or "127.25.2".</summary>
public abstract class Composite
{
    private protected Composite() { }
}

/// <summary>Subfields at fixed positions of the value (e.g. DE 90, original data elements); path segment = 1-based index.</summary>
public sealed class PositionalSubfields : Composite
{
    /// <summary>Creates the layout from the subfields' names and lengths, in order.</summary>
    public PositionalSubfields(params (string Name, int Length)[] subfields)
    {
        if (subfields.Length == 0 || subfields.Any(s => s.Length <= 0))
            throw new ArgumentException("positional subfields each have a length of at least 1", nameof(subfields));
        Subfields = subfields;
        Offsets = new int[subfields.Length + 1];
        for (var i = 0; i < subfields.Length; i++) Offsets[i + 1] = Offsets[i] + subfields[i].Length;
    }

    /// <summary>The subfields in order.</summary>
    public IReadOnlyList<(string Name, int Length)> Subfields { get; }

    internal int[] Offsets { get; }
}

/// <summary>BER-TLV data objects (e.g. DE 55, EMV chip data); path segment = the tag in hex, e.g. "9F26".</summary>
public sealed class TlvSubfields : Composite
{
    /// <summary>The single instance.</summary>
    public static TlvSubfields Instance { get; } = new();

    private TlvSubfields() { }
}

/// <summary>A nested bitmap with its own numbered subfields (e.g. the Postilion DE 127); path segment = subfield number.</summary>
public sealed class BitmappedSubfields : Composite
{
    /// <summary>Creates the composite from the nested field set.</summary>
    public BitmappedSubfields(FieldSetSpec fields) => Fields = fields;

    /// <summary>The nested bitmap and subfields.</summary>
    public FieldSetSpec Fields { get; }
}
