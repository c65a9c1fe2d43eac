namespace Switch.Cli.Admin;

/// <summary>An admin call that failed: the node refused it (its message) or could not be reached.</summary>
internal sealed class AdminCallException(string message) : Exception(message);
