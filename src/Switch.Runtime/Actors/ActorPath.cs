namespace Switch.Runtime.Actors;

/// <summary>
/// Where an actor lives: its system's address and the names from the root down (e.g.
/// <c>switch://node-1/user/channels/bank-a</c>). The uid tells apart two incarnations at the same path.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    // A shard starts an actor for every account it is sent, so a path is made for each: its text is built only when
    // asked for, and its hash (of the address and names, as equality) once.
    private readonly int _namesHash;
    private string? _text;

    private ActorPath(string address, ActorPath? parent, string name, long uid)
    {
        Address = address;
        Parent = parent;
        Name = name;
        Uid = uid;
        _namesHash = parent is null ? StringComparer.Ordinal.GetHashCode(address) : HashCode.Combine(parent._namesHash, StringComparer.Ordinal.GetHashCode(name));
    }

    /// <summary>The root path of a system (<c>switch://address</c>).</summary>
    public static ActorPath Root(string address) => new(address, null, "", 0);

    /// <summary>The address of the system (node) the actor lives in.</summary>
    public string Address { get; }

    /// <summary>The parent's path, or null for the root.</summary>
    public ActorPath? Parent { get; }

    /// <summary>The actor's name among its siblings.</summary>
    public string Name { get; }

    /// <summary>Incarnation id: a new actor at the same path gets a new uid.</summary>
    public long Uid { get; }

    /// <summary>A child path.</summary>
    public ActorPath Child(string name, long uid) => new(Address, this, name, uid);

    /// <summary>The path without its uid, e.g. <c>switch://node-1/user/channels/bank-a</c>.</summary>
    public override string ToString() => _text ??= Parent is null ? $"switch://{Address}" : $"{Parent}/{Name}";

    /// <summary>Same address, same names from the root down and the same uid (the uids of the parents do not count).</summary>
    public bool Equals(ActorPath? other)
    {
        if (ReferenceEquals(this, other))
            return true;
        if (other is null || other.Uid != Uid || other._namesHash != _namesHash)
            return false;
        for (ActorPath? a = this, b = other; ; a = a.Parent, b = b!.Parent)
        {
            if (ReferenceEquals(a, b))
                return true;
            if (a is null || b is null || a.Name != b.Name || (a.Parent is null) != (b.Parent is null))
                return false;
            if (a.Parent is null)
                return a.Address == b.Address;
        }
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ActorPath);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_namesHash, Uid);
}
