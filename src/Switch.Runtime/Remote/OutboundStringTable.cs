namespace Switch.Runtime.Remote;

/// <summary>The strings one connection has defined towards its peer (written by the connection's one writer only).</summary>
internal sealed class OutboundStringTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    /// <summary>The token for <paramref name="text"/>: a reference once defined; a definition the first time when
    /// <paramref name="intern"/> and the table has room; otherwise a literal.</summary>
    public WireToken Encode(string? text, bool intern)
    {
        if (text is null) return new WireToken(WireToken.None, null);
        if (_ids.TryGetValue(text, out var id)) return new WireToken((uint)id << 1, null);
        if (!intern || _ids.Count >= WireFormat.MaxInternedStrings) return new WireToken(WireToken.Literal, text);
        id = _ids.Count + 1;
        _ids.Add(text, id);
        return new WireToken(((uint)id << 1) | 1, text);
    }
}
