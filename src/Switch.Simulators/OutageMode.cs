namespace Switch.Simulators;

/// <summary>How the bank host fails during an outage.</summary>
public enum OutageMode
{
    /// <summary>No outage: the host answers as its behaviour says.</summary>
    None,

    /// <summary>The host is down: new connections are refused and existing ones are dropped.</summary>
    Down,

    /// <summary>The host accepts connections and reads messages but answers none of them.</summary>
    BlackHole,
}
