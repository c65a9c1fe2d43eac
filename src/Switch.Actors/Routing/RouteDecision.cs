namespace Switch.Actors.Routing;

/// <summary>How the router answered for one transaction.</summary>
public enum RouteOutcome
{
    /// <summary>Send to <see cref="RouteDecision.Channels"/>, the first one first, failing over in order.</summary>
    Routed,
    /// <summary>The switch holds the account (an on-us BIN range): it decides itself.</summary>
    OnUs,
    /// <summary>No BIN range, or every candidate is switched off, in maintenance or outside its amount rules: RC 92.</summary>
    NoRoute,
    /// <summary>Candidates exist but every one is down (breaker open, isolated or disconnected): RC 91.</summary>
    AllDown,
}

/// <summary>The router's answer: the outcome, the BIN range that matched (for the product), and the channels to try.</summary>
public sealed record RouteDecision(RouteOutcome Outcome, BinRange? Range, IReadOnlyList<string> Channels, string Reason);
