namespace Switch.Runtime.Actors;

/// <summary>
/// Where an actor lives: its system's address and the names from the root down (e.g.
/// <c>switch://node-1/user/channels/bank-a</c>). The uid tells apart two incarnations at the same path.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private readonly string _text;

    private ActorPath(string address, ActorPath? parent, string name, long uid)
    {
        Address = address;
        Parent = parent;
        Name = name;
        Uid = uid;
        _text = parent is null ? $"switch://{address}" : $"{parent._text}/{name}";
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
    public override string ToString() => _text;

    /// <inheritdoc />
    public bool Equals(ActorPath? other) => other is not null && other.Uid == Uid && other._text == _text;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ActorPath);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_text, Uid);
}
