namespace Switch.Runtime.Configuration;

/// <summary>
/// Reads HOCON files with their includes, merges them in order (later files override earlier ones) and resolves
/// the substitutions once over the merged result.
/// </summary>
internal sealed class HoconLoader
{
    // The files being parsed, outermost first (full path, and name for messages): an include of one of them is a cycle.
    private readonly List<(string FullPath, string Name)> open = [];

    private HoconLoader()
    {
    }

    /// <summary>Loads, merges and resolves <paramref name="files"/> (named relative to the current directory, or absolute).</summary>
    public static HoconObject Load(IReadOnlyList<string> files)
    {
        var loader = new HoconLoader();
        HoconObject? root = null;
        foreach (string file in files)
        {
            HoconObject parsed = loader.ParseFile(file, FullPath(file, null, null), [], null);
            root = root is null ? parsed : (HoconObject)HoconMerge.Merge(root, parsed, inPlace: true);
        }

        return HoconResolver.Resolve(root ?? throw new ArgumentException("no HOCON files to load", nameof(files)));
    }

    /// <summary>Parses and resolves text as if it were the file <paramref name="name"/> (includes are relative to its folder).</summary>
    public static HoconObject LoadText(string text, string name)
    {
        var loader = new HoconLoader();
        loader.open.Add((FullPath(name, null, null), name));
        return HoconResolver.Resolve(HoconParser.Parse(text, name, [], loader.Include));
    }

    private HoconObject? Include(string name, bool required, HoconOrigin at, string[] prefix)
    {
        string file = Path.Combine(Path.GetDirectoryName(at.File) ?? "", name);
        string? path = prefix.Length == 0 ? null : HoconPath.Render(prefix);
        string fullPath = FullPath(file, at, path);
        if (!File.Exists(fullPath))
        {
            return required
                ? throw new ConfigurationErrorException(at, path, $"required include \"{name}\" not found (looked for {file})")
                : null;
        }

        if (open.Any(o => o.FullPath == fullPath))
        {
            throw new ConfigurationErrorException(at, path, $"include cycle: {string.Join(" -> ", open.Select(static o => o.Name))} -> {file}");
        }

        return ParseFile(file, fullPath, prefix, at);
    }

    private HoconObject ParseFile(string file, string fullPath, string[] prefix, HoconOrigin? includedAt)
    {
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string problem = e is FileNotFoundException or DirectoryNotFoundException ? "not found" : e.Message;
            throw includedAt is null
                ? new ConfigurationErrorException(file, null, null, $"cannot read the file: {problem}", e)
                : new ConfigurationErrorException(includedAt, prefix.Length == 0 ? null : HoconPath.Render(prefix), $"cannot read the included file {file}: {problem}", e);
        }

        open.Add((fullPath, file));
        try
        {
            return HoconParser.Parse(text, file, prefix, Include);
        }
        finally
        {
            open.RemoveAt(open.Count - 1);
        }
    }

    private static string FullPath(string file, HoconOrigin? at, string? path)
    {
        try
        {
            return Path.GetFullPath(file);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ConfigurationErrorException(at?.File ?? file, at?.Line, path, $"'{file}' is not a valid file name", e);
        }
    }
}
