namespace Switch.Protocol.Iso8583;

/// <summary>How a field may appear in logs, errors and operator output.</summary>
public enum Sensitivity : byte
{
    /// <summary>Shown as it is.</summary>
    Clear,
    /// <summary>A primary account number: shown with only the first 6 and last 4 digits.</summary>
    Pan,
    /// <summary>PIN block, track data, CVV, keys: never shown at all.</summary>
    Secret,
}
