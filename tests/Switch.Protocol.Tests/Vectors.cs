namespace Switch.Protocol.Tests;

/// <summary>
/// Locates <c>shared/vectors</c>: named by SWITCH_VECTORS, or found beside the repository by walking up from the
/// test assembly (source paths are no help: CI builds map them away).
/// </summary>
internal static class Vectors
{
    public static string Moov => Path.Combine(Root, "moov-iso8583");

    public static string Root { get; } = Find();

    private static string Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("SWITCH_VECTORS");
        if (!string.IsNullOrEmpty(fromEnv))
            return Directory.Exists(fromEnv) ? fromEnv : throw new DirectoryNotFoundException($"SWITCH_VECTORS={fromEnv} does not exist");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "vectors");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"shared/vectors not found above {AppContext.BaseDirectory}; set SWITCH_VECTORS");
    }
}
