namespace Switch.Runtime.Configuration;

/// <summary>Where a value was written: the file as its loader named it, and the line (1-based).</summary>
internal sealed record HoconOrigin(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>
/// A value of the syntax tree. Objects, arrays and scalars are literal; substitutions, concatenations and delayed
/// merges are unresolved until <see cref="HoconResolver"/> has the whole merged root to look paths up in.
/// </summary>
internal abstract class HoconNode(HoconOrigin origin)
{
    public HoconOrigin Origin { get; } = origin;
}

internal sealed class HoconObject(HoconOrigin origin) : HoconNode(origin)
{
    public Dictionary<string, HoconNode> Fields { get; } = new(StringComparer.Ordinal);

    public HoconObject Copy()
    {
        var copy = new HoconObject(Origin);
        foreach (KeyValuePair<string, HoconNode> field in Fields)
        {
            copy.Fields.Add(field.Key, field.Value);
        }

        return copy;
    }
}

internal sealed class HoconArray(HoconOrigin origin, List<HoconNode> items) : HoconNode(origin)
{
    public List<HoconNode> Items { get; } = items;
}

/// <summary>A string, number or boolean exactly as written; <see cref="Text"/> is null for HOCON's <c>null</c>.</summary>
internal sealed class HoconScalar(HoconOrigin origin, string? text) : HoconNode(origin)
{
    public string? Text { get; } = text;
}

/// <summary><c>${path}</c> or <c>${?path}</c>.</summary>
/// <param name="origin">Where the substitution was written.</param>
/// <param name="fieldPath">The rendered path of the field whose value holds the substitution, for messages.</param>
/// <param name="path">The path to look up from the root, including the prefix of the object an included file was included into.</param>
/// <param name="prefixLength">How many leading elements of <paramref name="path"/> are that prefix.</param>
/// <param name="optional">Whether it was written <c>${?path}</c>.</param>
/// <param name="selfReference">
/// Whether it names the very field it is the value of (<c>path = ${path}":/x"</c>): it then means that field's earlier
/// value, which <see cref="HoconMerge"/> puts in its place when the earlier value is known.
/// </param>
internal sealed class HoconSubstitution(HoconOrigin origin, string fieldPath, string[] path, int prefixLength, bool optional, bool selfReference)
    : HoconNode(origin)
{
    public string FieldPath { get; } = fieldPath;

    public string[] Path { get; } = path;

    public int PrefixLength { get; } = prefixLength;

    public bool Optional { get; } = optional;

    public bool SelfReference { get; } = selfReference;

    /// <summary>The path as written, which is also the name of the environment variable it falls back to.</summary>
    public string[] WrittenPath => Path[PrefixLength..];

    public override string ToString() => $"${{{(Optional ? "?" : "")}{HoconPath.Render(WrittenPath)}}}";
}

/// <summary>Values written next to each other on one line, at least one of them unresolved.</summary>
/// <param name="origin">Where the first part was written.</param>
/// <param name="fieldPath">The rendered path of the field, for messages.</param>
/// <param name="parts">The values.</param>
/// <param name="gaps">The whitespace written before each part (the first is empty); kept between strings, ignored between objects or arrays.</param>
internal sealed class HoconConcatenation(HoconOrigin origin, string fieldPath, List<HoconNode> parts, List<string> gaps) : HoconNode(origin)
{
    public string FieldPath { get; } = fieldPath;

    public List<HoconNode> Parts { get; } = parts;

    public List<string> Gaps { get; } = gaps;
}

/// <summary>
/// A later value over an earlier one whose outcome depends on substitutions: the later wins unless it turns out to be
/// undefined (<c>${?X}</c> with nothing behind it: the earlier stays) or an object (merged over the earlier if that is
/// an object too).
/// </summary>
internal sealed class HoconDelayedMerge(HoconNode below, HoconNode above) : HoconNode(above.Origin)
{
    public HoconNode Below { get; } = below;

    public HoconNode Above { get; } = above;
}
