using System.Text;

namespace Switch.Runtime.Sharding;

/// <summary>
/// The stable mapping of entity ids to shards: 32-bit FNV-1a over the id's UTF-8 bytes, modulo the shard count.
/// The same id gives the same shard in every process, on every node and in every version; never use
/// <see cref="string.GetHashCode()"/> for this, which is randomized per process.
/// </summary>
public static class ShardHash
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>32-bit FNV-1a of the UTF-8 encoding of <paramref name="value"/>.</summary>
    public static uint Fnv1a(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hash = OffsetBasis;
        Span<byte> buffer = stackalloc byte[256];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        var bytes = maxBytes <= buffer.Length ? buffer : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(value, bytes);
        foreach (var b in bytes[..length])
        {
            hash ^= b;
            hash *= Prime;
        }
        return hash;
    }

    /// <summary>
    /// The shard of <paramref name="entityId"/> among <paramref name="numberOfShards"/> shards (0 to count − 1).
    /// Changing the shard count moves almost every entity to another shard.
    /// </summary>
    public static int ShardOf(string entityId, int numberOfShards)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numberOfShards);
        return (int)(Fnv1a(entityId) % (uint)numberOfShards);
    }
}
