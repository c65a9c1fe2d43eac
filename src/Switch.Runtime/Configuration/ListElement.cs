using Microsoft.Extensions.Configuration;

namespace Switch.Runtime.Configuration;

/// <summary>
/// One object of a list setting (acquirers, channels, load phases ...), whose fields not given come from a defaults
/// object next to the list, e.g. <c>switch.channels</c> and <c>switch.channel-defaults</c>.
/// </summary>
/// <param name="Path">The element's key, e.g. <c>switch:channels:0</c>.</param>
/// <param name="DefaultsPath">The defaults object's key, e.g. <c>switch:channel-defaults</c>.</param>
public sealed record ListElement(string Path, string DefaultsPath)
{
    /// <summary>The key to read <paramref name="name"/> from: the element's own field, else the default's.</summary>
    public string Key(IConfiguration configuration, string name) =>
        configuration[$"{Path}:{name}"] is not null ? $"{Path}:{name}" : $"{DefaultsPath}:{name}";

    /// <summary>The elements of the list at <paramref name="list"/>, in order.</summary>
    /// <exception cref="ConfigurationErrorException">An element has a field the defaults object does not have.</exception>
    public static IEnumerable<ListElement> Read(IConfigurationRoot configuration, string list, string defaults)
    {
        var known = Leaves(configuration.GetSection(defaults), "").ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var item in configuration.GetSection(list).GetChildren())
        {
            var path = $"{list}:{item.Key}";
            foreach (var leaf in Leaves(item, ""))
                if (!known.Contains(leaf))
                    throw configuration.Invalid($"{path}:{leaf}", $"unknown setting (the settings are those of {defaults.Replace(':', '.')})");
            yield return new ListElement(path, defaults);
        }
    }

    private static IEnumerable<string> Leaves(IConfigurationSection section, string prefix)
    {
        foreach (var child in section.GetChildren())
        {
            var name = prefix.Length == 0 ? child.Key : $"{prefix}:{child.Key}";
            if (child.GetChildren().Any())
                foreach (var leaf in Leaves(child, name))
                    yield return leaf;
            else
                yield return name;
        }
    }
}
