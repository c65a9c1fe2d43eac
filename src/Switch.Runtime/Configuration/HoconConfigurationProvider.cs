using Microsoft.Extensions.Configuration;

namespace Switch.Runtime.Configuration;

/// <summary>
/// Serves merged HOCON files as configuration keys (<c>switch.journal.backend</c> becomes
/// <c>switch:journal:backend</c>, array elements <c>…:0</c>, <c>…:1</c>) with each value as written, and remembers
/// where every key was written.
/// </summary>
internal sealed class HoconConfigurationProvider(IReadOnlyList<string> files) : ConfigurationProvider
{
    private Dictionary<string, HoconOrigin> origins = new(StringComparer.OrdinalIgnoreCase);

    public override void Load()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var keyOrigins = new Dictionary<string, HoconOrigin>(StringComparer.OrdinalIgnoreCase);
        Flatten(HoconLoader.Load(files), null, data, keyOrigins);
        Data = data;
        origins = keyOrigins;
    }

    /// <summary>Where the value of <paramref name="key"/> was written, or null when this provider has no such key.</summary>
    public HoconOrigin? OriginOf(string key) => origins.GetValueOrDefault(key);

    public override string ToString() => $"{nameof(HoconConfigurationProvider)} ({string.Join(", ", files)})";

    /// <summary>
    /// Adds the leaves of <paramref name="node"/> (resolved) under <paramref name="prefix"/>. Empty objects and arrays
    /// become a key with a null value, as the JSON provider does, so that their section still exists.
    /// </summary>
    internal static void Flatten(HoconNode node, string? prefix, Dictionary<string, string?> data, Dictionary<string, HoconOrigin> keyOrigins)
    {
        switch (node)
        {
            case HoconObject { Fields.Count: > 0 } obj:
                foreach (KeyValuePair<string, HoconNode> field in obj.Fields)
                {
                    Flatten(field.Value, prefix is null ? field.Key : ConfigurationPath.Combine(prefix, field.Key), data, keyOrigins);
                }

                break;
            case HoconArray { Items.Count: > 0 } array:
                for (int i = 0; i < array.Items.Count; i++)
                {
                    Flatten(array.Items[i], ConfigurationPath.Combine(prefix!, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), data, keyOrigins);
                }

                break;
            default:
                // A scalar, or an empty object or array; an empty root has no key to give it.
                if (prefix is not null)
                {
                    data[prefix] = (node as HoconScalar)?.Text;
                    keyOrigins[prefix] = node.Origin;
                }

                break;
        }
    }
}
