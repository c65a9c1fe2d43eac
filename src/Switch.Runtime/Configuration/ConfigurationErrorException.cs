namespace Switch.Runtime.Configuration;

/// <summary>
/// A configuration file could not be read, parsed or resolved, or a setting is missing or malformed. The message
/// starts with where the fault is, as far as it is known: <c>file:line: key.path: what is wrong</c>, e.g.
/// <c>hocon/switch.conf:12: switch.acquirers.0.port: expected a value after '='</c>.
/// </summary>
public sealed class ConfigurationErrorException : Exception
{
    internal ConfigurationErrorException(HoconOrigin? origin, string? path, string detail, Exception? innerException = null)
        : this(origin?.File, origin?.Line, path, detail, innerException)
    {
    }

    internal ConfigurationErrorException(string? file, int? line, string? path, string detail, Exception? innerException = null)
        : base(Compose(file, line, path, detail), innerException)
    {
        File = file;
        Line = line;
        Path = path;
    }

    /// <summary>The file at fault, as it was named to the loader (or relative to the including file), when known.</summary>
    public string? File { get; }

    /// <summary>The line at fault (1-based), when known.</summary>
    public int? Line { get; }

    /// <summary>The key path at fault, in HOCON's dotted form (<c>switch.journal.backend</c>), when known.</summary>
    public string? Path { get; }

    private static string Compose(string? file, int? line, string? path, string detail)
    {
        string where = (file, line) switch
        {
            (null, _) => "",
            (_, null) => $"{file}: ",
            _ => $"{file}:{line}: ",
        };
        return path is null ? where + detail : $"{where}{path}: {detail}";
    }
}
