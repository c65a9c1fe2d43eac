namespace Switch.Runtime.Metrics;

/// <summary>
/// The tags of a measurement, in the order the caller gave them: the key under which an instrument finds its
/// series. Stored once per distinct tag set; measurements look it up with their tag span (see
/// <see cref="TagSetComparer"/>), so recording never copies the tags.
/// </summary>
internal sealed class TagSet
{
    private readonly KeyValuePair<string, object?>[] _tags;

    internal TagSet(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        _tags = tags.ToArray();
        Hash = TagSetComparer.HashOf(tags);
    }

    internal int Hash { get; }

    internal ReadOnlySpan<KeyValuePair<string, object?>> Tags => _tags;
}

/// <summary>
/// Compares tag sets with each other and with a measurement's tag span, the alternate key of the series
/// dictionary: a lookup hashes and compares the span in place and allocates nothing.
/// </summary>
internal sealed class TagSetComparer : IEqualityComparer<TagSet>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagSet>
{
    internal static TagSetComparer Instance { get; } = new();

    public bool Equals(TagSet? x, TagSet? y) => ReferenceEquals(x, y) || (x is not null && y is not null && Same(x.Tags, y.Tags));

    public int GetHashCode(TagSet obj) => obj.Hash;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, TagSet other) => Same(alternate, other.Tags);

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => HashOf(alternate);

    public TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate);

    /// <summary>
    /// Hashes the values only (the keys of one call site are the same constants every time), strings with FNV-1a
    /// rather than the randomized string hash, which costs several times more on every measurement. Label values
    /// come from small sets the switch chooses, so a hash an attacker could steer does no harm here.
    /// </summary>
    internal static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = 2166136261u;
        foreach (var tag in tags)
            hash = (hash ^ (uint)ValueHash(tag.Value)) * 16777619u;
        return (int)hash;
    }

    private static int ValueHash(object? value)
    {
        if (value is not string text)
            return value?.GetHashCode() ?? 0;
        var hash = 2166136261u;
        foreach (var c in text)
            hash = (hash ^ c) * 16777619u;
        return (int)hash;
    }

    private static bool Same(ReadOnlySpan<KeyValuePair<string, object?>> a, ReadOnlySpan<KeyValuePair<string, object?>> b)
    {
        if (a.Length != b.Length)
            return false;
        for (var i = 0; i < a.Length; i++)
        {
            if (!string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal) || !Equals(a[i].Value, b[i].Value))
                return false;
        }
        return true;
    }
}
