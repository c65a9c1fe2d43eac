namespace Switch.LoadTest.Tests;

/// <summary>Files of the repository the tests run from (found by walking up to Switch.sln).</summary>
internal static class Repository
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Switch.sln")))
                return directory.FullName;
        throw new InvalidOperationException($"no Switch.sln above {AppContext.BaseDirectory}");
    });

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);
}
