namespace Switch.Actors.Routing;

/// <summary>The levels at which operators enable or disable traffic.</summary>
public enum ControlLevel
{
    /// <summary>Every channel of a bank.</summary>
    Bank,
    /// <summary>One channel.</summary>
    Channel,
    /// <summary>One transaction type on one channel (target "channel/refund").</summary>
    TransactionType,
}

/// <summary>Operator: enable or disable <paramref name="Target"/> at <paramref name="Level"/>. Answered with a <see cref="ControlResult"/>.</summary>
public sealed record SetEnabled(ControlLevel Level, string Target, bool Enabled, string Operator);

/// <summary>Operator: announce a bank's maintenance window. Answered with a <see cref="ControlResult"/>.</summary>
public sealed record AddMaintenance(string Bank, DateTimeOffset From, DateTimeOffset Until, string Reason, string Operator);

/// <summary>Operator: withdraw a maintenance window. Answered with a <see cref="ControlResult"/>.</summary>
public sealed record RemoveMaintenance(string Id, string Operator);

/// <summary>Asks for the current <see cref="RoutingControls"/>.</summary>
public sealed class GetRoutingControls
{
    /// <summary>The instance.</summary>
    public static GetRoutingControls Instance { get; } = new();
    private GetRoutingControls() { }
}

/// <summary>The outcome of an operator's change: ok, or why it was refused; the controls after it.</summary>
public sealed record ControlResult(bool Ok, string Message, RoutingControls Controls);
