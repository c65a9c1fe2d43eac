using System.Text;

namespace Switch.Runtime.Configuration;

/// <summary>How two values for one path combine, and how values written side by side concatenate.</summary>
internal static class HoconMerge
{
    /// <summary>
    /// Puts <paramref name="above"/> (written later) over <paramref name="below"/>: two objects merge key by key,
    /// otherwise the later wins, or, when the later is unresolved, a <see cref="HoconDelayedMerge"/> decides once it is.
    /// </summary>
    /// <param name="below">The earlier value.</param>
    /// <param name="above">The later value.</param>
    /// <param name="inPlace">
    /// Whether <paramref name="below"/> may be changed: true while parsing, where every object has one owner; false
    /// while resolving, where one object can be the value of several substitutions.
    /// </param>
    public static HoconNode Merge(HoconNode below, HoconNode above, bool inPlace)
    {
        above = ReplaceSelfReferences(above, below);
        if (ReferenceEquals(above, below))
        {
            return above;
        }

        switch (above)
        {
            case HoconObject aboveObject when below is HoconObject belowObject:
                HoconObject target = inPlace ? belowObject : belowObject.Copy();
                foreach (KeyValuePair<string, HoconNode> field in aboveObject.Fields)
                {
                    target.Fields[field.Key] = target.Fields.TryGetValue(field.Key, out HoconNode? existing)
                        ? Merge(existing, field.Value, inPlace)
                        : field.Value;
                }

                return target;
            case HoconObject when below is HoconScalar or HoconArray:
            case HoconScalar or HoconArray:
                return above;
            default:
                return new HoconDelayedMerge(below, above);
        }
    }

    /// <summary>
    /// Concatenates values written side by side (none undefined): strings join with the whitespace written between
    /// them, objects merge left to right, arrays append; any other mix is an error.
    /// </summary>
    public static HoconNode Concatenate(IReadOnlyList<HoconNode> values, IReadOnlyList<string> gaps, HoconOrigin origin, string? fieldPath, bool inPlace)
    {
        if (values.Count == 1)
        {
            return values[0];
        }

        HoconNode first = values[0];
        foreach (HoconNode value in values)
        {
            if (value.GetType() != first.GetType())
            {
                throw new ConfigurationErrorException(origin, fieldPath, $"cannot concatenate {Describe(first)} with {Describe(value)}");
            }
        }

        switch (first)
        {
            case HoconScalar:
                var text = new StringBuilder();
                for (int i = 0; i < values.Count; i++)
                {
                    text.Append(i == 0 ? "" : gaps[i]).Append(((HoconScalar)values[i]).Text ?? "null");
                }

                return new HoconScalar(origin, text.ToString());
            case HoconArray:
                return new HoconArray(origin, values.SelectMany(static v => ((HoconArray)v).Items).ToList());
            default:
                return values.Skip(1).Aggregate(first, (merged, next) => Merge(merged, next, inPlace));
        }
    }

    private static string Describe(HoconNode value) => value switch
    {
        HoconObject => "an object",
        HoconArray => "an array",
        _ => "a string",
    };

    /// <summary>Puts <paramref name="earlier"/> where <paramref name="later"/> refers to its own field.</summary>
    private static HoconNode ReplaceSelfReferences(HoconNode later, HoconNode earlier) => later switch
    {
        HoconSubstitution { SelfReference: true } => earlier,
        HoconConcatenation concatenation when concatenation.Parts.Any(static p => p is HoconSubstitution { SelfReference: true }) =>
            new HoconConcatenation(
                concatenation.Origin,
                concatenation.FieldPath,
                concatenation.Parts.Select(p => p is HoconSubstitution { SelfReference: true } ? earlier : p).ToList(),
                concatenation.Gaps),

        // The later part of a delayed merge already had its self-references replaced by the earlier part.
        HoconDelayedMerge merge => ReplaceSelfReferences(merge.Below, earlier) is var below && ReferenceEquals(below, merge.Below)
            ? merge
            : new HoconDelayedMerge(below, merge.Above),
        _ => later,
    };
}
