using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Switch.Runtime.Configuration;

/// <summary>
/// Reads required settings, throwing <see cref="ConfigurationErrorException"/> when one is missing or malformed. The
/// message names the key and, when the value came from a HOCON file, where it was written, e.g.
/// <c>hocon/switch.conf:14: switch.journal.batch-window: "fast" is not a duration...</c>; a value from another provider
/// (environment variables, command line) is named with that provider. Origins are known when the methods are called
/// on the <see cref="IConfigurationRoot"/> with the full key, not on a section.
/// </summary>
public static class TypedConfigurationExtensions
{
    private delegate bool Parser<T>(string text, [MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out string? error);

    /// <summary>Reads a required string (it may be empty, not null).</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="key">The key, with ':' separators.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ConfigurationErrorException">The key has no value.</exception>
    public static string GetString(this IConfiguration configuration, string key) => Read<string>(configuration, key, "a string", ParseString);

    /// <summary>Reads a required 32-bit integer.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="key">The key, with ':' separators.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ConfigurationErrorException">The key has no value, or it is not an integer in range.</exception>
    public static int GetInt(this IConfiguration configuration, string key) => Read<int>(configuration, key, "an integer", ParseInt);

    /// <summary>Reads a required boolean: <c>true</c>, <c>yes</c>, <c>on</c>, <c>false</c>, <c>no</c> or <c>off</c> (any case).</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="key">The key, with ':' separators.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ConfigurationErrorException">The key has no value, or it is not a boolean.</exception>
    public static bool GetBool(this IConfiguration configuration, string key) => Read<bool>(configuration, key, "a boolean", ParseBool);

    /// <summary>Reads a required duration, as <see cref="HoconUnits.ParseDuration"/> parses it (<c>250ms</c>, <c>5s</c>; a plain number is milliseconds).</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="key">The key, with ':' separators.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ConfigurationErrorException">The key has no value, or it is not a duration.</exception>
    public static TimeSpan GetDuration(this IConfiguration configuration, string key) => Read<TimeSpan>(configuration, key, "a duration", HoconUnits.TryParseDuration);

    /// <summary>Reads a required size in bytes, as <see cref="HoconUnits.ParseSize"/> parses it (<c>64KiB</c>, <c>10MB</c>; a plain number is bytes).</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="key">The key, with ':' separators.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ConfigurationErrorException">The key has no value, or it is not a size.</exception>
    public static long GetSize(this IConfiguration configuration, string key) => Read<long>(configuration, key, "a size", HoconUnits.TryParseSize);

    private static T Read<T>(IConfiguration configuration, string key, string expected, Parser<T> parse)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(key);
        string? text = configuration[key];
        string? error = null;
        if (text is not null && parse(text, out T? value, out error))
        {
            return value;
        }

        throw configuration.Invalid(key, text is null
            ? HoconConfigurationExtensions.FindProvider(configuration, key) is null ? $"is not set; {expected} is required" : $"is null; {expected} is required"
            : error!);
    }

    /// <summary>
    /// The exception for a setting whose value is wrong for a reason only the caller knows (an unknown channel name,
    /// a port out of range), naming the key and, when the value came from a HOCON file, its file and line.
    /// </summary>
    /// <param name="configuration">The configuration root (or a section) the key was read from.</param>
    /// <param name="key">The key, relative to <paramref name="configuration"/>.</param>
    /// <param name="problem">What is wrong, e.g. <c>"'fast' is not sqlite or postgres"</c>.</param>
    public static ConfigurationErrorException Invalid(this IConfiguration configuration, string key, string problem)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(key);
        string fullKey = configuration is IConfigurationSection section ? ConfigurationPath.Combine(section.Path, key) : key;
        string path = fullKey.Replace(ConfigurationPath.KeyDelimiter, ".", StringComparison.Ordinal);
        return HoconConfigurationExtensions.FindProvider(configuration, key) switch
        {
            HoconConfigurationProvider hocon => new ConfigurationErrorException(hocon.OriginOf(key), path, problem),
            null => new ConfigurationErrorException(null, path, problem),
            var provider => new ConfigurationErrorException(null, path, $"{problem} (set by {provider})"),
        };
    }

    private static bool ParseString(string text, out string value, [NotNullWhen(false)] out string? error)
    {
        value = text;
        error = null;
        return true;
    }

    private static bool ParseInt(string text, out int value, [NotNullWhen(false)] out string? error)
    {
        bool ok = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        error = ok ? null : $"\"{text}\" is not an integer (or is out of range)";
        return ok;
    }

    private static bool ParseBool(string text, out bool value, [NotNullWhen(false)] out string? error)
    {
        bool? parsed = text.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => null,
        };
        value = parsed ?? false;
        error = parsed is null ? $"\"{text}\" is not a boolean (use true or false)" : null;
        return parsed is not null;
    }
}
