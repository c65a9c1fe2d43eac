using System.Runtime.CompilerServices;

namespace Switch.Protocol.Tests;

/// <summary>Locates <c>shared/vectors</c>: beside the repository (CI and developers) or named by SWITCH_VECTORS.</summary>
internal static class Vectors
{
    public static string Moov => Path.Combine(Root, "moov-iso8583");

    public static string Root { get; } = Find();

    private static string Find([CallerFilePath] string source = "")
    {
        var fromEnv = Environment.GetEnvironmentVariable("SWITCH_VECTORS");
        if (!string.IsNullOrEmpty(fromEnv)) return Require(fromEnv);
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(source)!); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "vectors");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("shared/vectors not found beside the repository; set SWITCH_VECTORS");
    }

    private static string Require(string dir) =>
        Directory.Exists(dir) ? dir : throw new DirectoryNotFoundException($"SWITCH_VECTORS={dir} does not exist");
}
