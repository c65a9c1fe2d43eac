namespace Switch.Protocol.Iso8583;

/// <summary>
/// Pairs a response with its request: the MTI's version, class and request/response pair digit plus the dialect's
/// key fields (by default DE 41 terminal id and DE 11 STAN), so 0200 and 0210 of one transaction share a key.
/// </summary>
public readonly record struct MatchKey(string Value)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}
