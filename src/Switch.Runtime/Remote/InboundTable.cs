namespace Switch.Runtime.Remote;

/// <summary>The strings a peer has defined on one connection, by id (read by the connection's one reader only).</summary>
internal sealed class InboundTable<T> where T : class
{
    private readonly List<T> _entries = [];

    public T Define(int id, T entry)
    {
        if (id != _entries.Count + 1) throw new RemoteProtocolException($"string id {id} defined out of order (expected {_entries.Count + 1})");
        _entries.Add(entry);
        return entry;
    }

    public T Get(int id) =>
        (uint)(id - 1) < (uint)_entries.Count ? _entries[id - 1] : throw new RemoteProtocolException($"string id {id} was never defined");
}
