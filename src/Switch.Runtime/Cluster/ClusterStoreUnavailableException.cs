namespace Switch.Runtime.Cluster;

/// <summary>
/// The cluster store could not do what was asked in time: the database is down, slow or refusing. The message names the
/// store and the cause (<see cref="Exception.InnerException"/> holds the database's own error where there is one). A
/// failed change may or may not have been committed: read the state back to know.
/// </summary>
public sealed class ClusterStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="store">The name of the store.</param>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ClusterStoreUnavailableException(string store, string message, Exception? innerException = null)
        : base($"{store}: {message}", innerException)
    {
        Store = store;
    }

    /// <summary>The name of the store that failed (its database location and schema).</summary>
    public string Store { get; }
}
