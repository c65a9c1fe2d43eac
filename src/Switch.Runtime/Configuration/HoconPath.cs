namespace Switch.Runtime.Configuration;

/// <summary>Renders paths (lists of keys) the way HOCON writes them, for messages.</summary>
internal static class HoconPath
{
    public static string Render(IEnumerable<string> path) => string.Join('.', path.Select(RenderKey));

    private static string RenderKey(string key) =>
        key.Length > 0 && key.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? key
            : $"\"{key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
