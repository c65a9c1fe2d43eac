using Microsoft.Extensions.Configuration;

namespace Switch.Runtime.Configuration;

/// <summary>Loads HOCON files into <see cref="IConfiguration"/> and tells where a value was written.</summary>
public static class HoconConfigurationExtensions
{
    /// <summary>
    /// Adds HOCON files as one configuration source: the files merge in order (later ones override earlier ones, e.g.
    /// <c>reference.conf</c> then <c>switch.conf</c>), then substitutions resolve once over the merged result, so a
    /// later file can refer to an earlier file's values. Keys flatten with ':' (<c>switch.journal.backend</c> is
    /// <c>switch:journal:backend</c>; array elements are <c>…:0</c>, <c>…:1</c>); values are the text as written
    /// (<c>"5s"</c> stays <c>5s</c>) and <c>null</c> is a null value. Sources added afterwards (environment
    /// variables, command-line arguments) override these values. The files are read when the configuration is built,
    /// which throws <see cref="ConfigurationErrorException"/> for any fault in them.
    /// </summary>
    /// <param name="builder">The builder to add to.</param>
    /// <param name="files">The files, relative to the current directory or absolute; includes are relative to the including file.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static IConfigurationBuilder AddHocon(this IConfigurationBuilder builder, params string[] files)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(files);
        if (files.Length == 0)
        {
            throw new ArgumentException("Name at least one HOCON file.", nameof(files));
        }

        return builder.Add(new HoconConfigurationSource([.. files]));
    }

    /// <summary>
    /// Where the current value of <paramref name="key"/> was written, as <c>file:line</c>, when it comes from a HOCON
    /// file; null when it comes from another provider (environment variables, command line), is not set, or
    /// <paramref name="configuration"/> is not an <see cref="IConfigurationRoot"/> (a section cannot reach its providers).
    /// </summary>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="key">The key, with ':' separators (<c>switch:journal:backend</c>).</param>
    /// <returns>The origin, or null.</returns>
    public static string? OriginOf(this IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(key);
        return (FindProvider(configuration, key) as HoconConfigurationProvider)?.OriginOf(key)?.ToString();
    }

    /// <summary>
    /// The provider whose value for <paramref name="key"/> the configuration returns: the last one that has the key,
    /// looking through chained configurations; null when none has it or the providers cannot be reached.
    /// </summary>
    internal static IConfigurationProvider? FindProvider(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return null;
        }

        foreach (IConfigurationProvider provider in root.Providers.Reverse())
        {
            if (provider.TryGet(key, out _))
            {
                return provider is ChainedConfigurationProvider { Configuration: var chained } ? FindProvider(chained, key) ?? provider : provider;
            }
        }

        return null;
    }
}
