namespace Switch.Actors.Routing;

/// <summary>
/// One row of the BIN table: the card numbers from <see cref="Low"/> to <see cref="High"/> (prefixes compared on
/// their first digits, so "476173" covers every PAN that starts with it), the product their accounts belong to, and
/// either the channels that reach their issuer (in order of preference) or, for on-us ranges, none: the switch
/// itself holds those accounts.
/// </summary>
public sealed record BinRange(string Low, string High, string Issuer, string Product, bool OnUs, IReadOnlyList<RouteCandidate> Candidates)
{
    /// <summary>The row as an operator writes it: "476173" or "476173-476179".</summary>
    public override string ToString() => Low == High ? Low : $"{Low}-{High}";
}

/// <summary>
/// A channel that can carry a BIN range's transactions. Candidates with the same <see cref="Priority"/> share the
/// traffic by <see cref="Weight"/>; a higher priority number is used only when every lower one is unavailable.
/// Amount rules: a transaction outside [<see cref="MinAmount"/>, <see cref="MaxAmount"/>] skips this candidate.
/// </summary>
public sealed record RouteCandidate(string Channel, int Priority = 1, int Weight = 1, long MinAmount = 0, long MaxAmount = long.MaxValue);
