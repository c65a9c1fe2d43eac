using System.Diagnostics;

namespace Switch.Runtime.Configuration;

/// <summary>
/// Resolves the substitutions of a merged root. A substitution means the final value at its path, looked up in the
/// whole root; failing that the environment variable named by the path as written; failing that it is undefined
/// (<c>${?path}</c>: the field is left out, or keeps its earlier value) or an error (<c>${path}</c>).
/// </summary>
internal sealed class HoconResolver
{
    // Deeper than any real configuration; the limit keeps hostile input from overflowing the stack.
    private const int MaxDepth = 1000;

    private readonly HoconObject root;

    // Each unresolved node's value once known (null: undefined). Values are resolved one level deep ("shallow"):
    // looking up a.b needs a to be an object, not every field of a resolved.
    private readonly Dictionary<HoconNode, HoconNode?> resolved = new(ReferenceEqualityComparer.Instance);

    // Unresolved nodes being resolved: meeting one again while looking a path up is a cycle.
    private readonly HashSet<HoconNode> resolving = new(ReferenceEqualityComparer.Instance);

    // Objects and arrays being expanded into the result: meeting one again means it contains itself.
    private readonly HashSet<HoconNode> expanding = new(ReferenceEqualityComparer.Instance);

    // The substitutions being looked up, innermost last, for the message about a cycle.
    private readonly List<HoconSubstitution> lookups = [];

    private HoconResolver(HoconObject root) => this.root = root;

    /// <summary>Returns a copy of <paramref name="root"/> with every value resolved and undefined fields left out.</summary>
    public static HoconObject Resolve(HoconObject root) => (HoconObject)new HoconResolver(root).Expand(root, [])!;

    private HoconNode? Expand(HoconNode node, List<string> path)
    {
        HoconNode? value = Shallow(node);
        if (value is HoconScalar or null)
        {
            return value;
        }

        if (path.Count > MaxDepth)
        {
            throw new ConfigurationErrorException(node.Origin, HoconPath.Render(path[..10]) + "...", $"values are nested more than {MaxDepth} deep");
        }

        if (!expanding.Add(value))
        {
            throw new ConfigurationErrorException(node.Origin, HoconPath.Render(path), $"substitution cycle: {Describe(node)} contains itself");
        }

        HoconNode result;
        if (value is HoconObject obj)
        {
            var expanded = new HoconObject(obj.Origin);
            foreach (KeyValuePair<string, HoconNode> field in obj.Fields)
            {
                path.Add(field.Key);
                if (Expand(field.Value, path) is { } fieldValue)
                {
                    expanded.Fields.Add(field.Key, fieldValue);
                }

                path.RemoveAt(path.Count - 1);
            }

            result = expanded;
        }
        else
        {
            var array = (HoconArray)value;
            var items = new List<HoconNode>(array.Items.Count);
            foreach (HoconNode item in array.Items)
            {
                path.Add(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (Expand(item, path) is { } itemValue)
                {
                    items.Add(itemValue);
                }

                path.RemoveAt(path.Count - 1);
            }

            result = new HoconArray(array.Origin, items);
        }

        expanding.Remove(value);
        return result;
    }

    private static string Describe(HoconNode node) => node is HoconSubstitution substitution ? $"the value of {substitution}" : "the value";

    /// <summary>Resolves a node one level: to an object, array or scalar whose children may still be unresolved, or null when undefined.</summary>
    private HoconNode? Shallow(HoconNode node)
    {
        if (node is HoconObject or HoconArray or HoconScalar)
        {
            return node;
        }

        if (resolved.TryGetValue(node, out HoconNode? known))
        {
            return known;
        }

        resolving.Add(node);
        HoconNode? value = node switch
        {
            HoconSubstitution substitution => Substitute(substitution),
            HoconConcatenation concatenation => Concatenate(concatenation),
            HoconDelayedMerge merge => MergeDelayed(merge),
            _ => throw new UnreachableException($"unexpected node {node.GetType().Name}"),
        };
        resolving.Remove(node);
        resolved[node] = value;
        return value;
    }

    private HoconNode? Substitute(HoconSubstitution substitution)
    {
        if (lookups.Count == MaxDepth)
        {
            throw new ConfigurationErrorException(substitution.Origin, substitution.FieldPath, $"substitutions refer to substitutions more than {MaxDepth} deep");
        }

        lookups.Add(substitution);
        HoconNode? value = Lookup(substitution, substitution.Path);
        if (value is null && substitution.PrefixLength > 0)
        {
            // In an included file, ${a} means a next to the include first, then a at the root.
            value = Lookup(substitution, substitution.WrittenPath);
        }

        lookups.RemoveAt(lookups.Count - 1);
        if (value is null && Environment.GetEnvironmentVariable(string.Join('.', substitution.WrittenPath)) is { } variable)
        {
            value = new HoconScalar(substitution.Origin, variable);
        }

        return value is not null || substitution.Optional
            ? value
            : throw new ConfigurationErrorException(
                substitution.Origin,
                substitution.FieldPath,
                $"cannot resolve {substitution}: the configuration has no such path{(substitution.SelfReference ? " before this line" : "")} and there is no environment variable of that name");
    }

    /// <summary>The value at <paramref name="path"/>, or null when there is none or it is undefined.</summary>
    private HoconNode? Lookup(HoconSubstitution substitution, string[] path)
    {
        HoconNode current = root;
        for (int i = 0; ; i++)
        {
            if (resolving.Contains(current))
            {
                // A field referring to itself with no earlier value to refer to: it falls back to the environment.
                return substitution.SelfReference
                    ? null
                    : throw new ConfigurationErrorException(
                        substitution.Origin,
                        substitution.FieldPath,
                        $"substitution cycle: {string.Join(" -> ", lookups)} leads back to {HoconPath.Render(path[..i])}");
            }

            HoconNode? value = Shallow(current);
            if (i == path.Length)
            {
                return value;
            }

            if (value is not HoconObject obj || !obj.Fields.TryGetValue(path[i], out HoconNode? next))
            {
                return null;
            }

            current = next;
        }
    }

    private HoconNode? Concatenate(HoconConcatenation concatenation)
    {
        var values = new List<HoconNode>(concatenation.Parts.Count);
        var gaps = new List<string>(concatenation.Parts.Count);
        for (int i = 0; i < concatenation.Parts.Count; i++)
        {
            if (Shallow(concatenation.Parts[i]) is { } value)
            {
                gaps.Add(values.Count == 0 ? "" : concatenation.Gaps[i]);
                values.Add(value);
            }
        }

        return values.Count == 0
            ? null
            : HoconMerge.Concatenate(values, gaps, concatenation.Origin, concatenation.FieldPath, inPlace: false);
    }

    private HoconNode? MergeDelayed(HoconDelayedMerge merge)
    {
        HoconNode? above = Shallow(merge.Above);
        if (above is null)
        {
            return Shallow(merge.Below);
        }

        return above is HoconObject && Shallow(merge.Below) is HoconObject below
            ? HoconMerge.Merge(below, above, inPlace: false)
            : above;
    }
}
