namespace Switch.Runtime.Remote;

/// <summary>
/// A failure that another node replied with (<see cref="Actors.Status.Failure"/> crossing the wire) or that it
/// raised for a message it could not deliver: the exception itself stays there, its type name and message travel.
/// </summary>
public sealed class RemoteException(string typeName, string message) : Exception(message)
{
    /// <summary>The full name of the exception type on the node that raised it.</summary>
    public string TypeName { get; } = typeName;

    /// <inheritdoc />
    public override string ToString() => $"{nameof(RemoteException)} ({TypeName}): {Message}";

    /// <summary>The type name that travels for <paramref name="error"/>: a remote failure keeps its original one.</summary>
    internal static string TypeNameOf(Exception error) => error is RemoteException remote ? remote.TypeName : error.GetType().FullName ?? error.GetType().Name;
}
