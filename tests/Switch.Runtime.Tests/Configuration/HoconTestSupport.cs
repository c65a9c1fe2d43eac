using Microsoft.Extensions.Configuration;
using Switch.Runtime.Configuration;

namespace Switch.Runtime.Tests.Configuration;

/// <summary>Parses HOCON text in memory, and writes HOCON files into a temporary folder removed on dispose.</summary>
internal sealed class HoconTestSupport : IDisposable
{
    public HoconTestSupport() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "hocon-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Parses and resolves <paramref name="text"/> as the file <paramref name="name"/>, flattened to configuration keys.</summary>
    public static Dictionary<string, string?> Parse(string text, string name = "test.conf") => Flatten(HoconLoader.LoadText(text, name)).Data;

    public static (Dictionary<string, string?> Data, Dictionary<string, HoconOrigin> Origins) Flatten(HoconObject root)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var origins = new Dictionary<string, HoconOrigin>(StringComparer.OrdinalIgnoreCase);
        HoconConfigurationProvider.Flatten(root, null, data, origins);
        return (data, origins);
    }

    public static ConfigurationErrorException ParseFails(string text, string name = "test.conf") =>
        Assert.Throws<ConfigurationErrorException>(() => Parse(text, name));

    /// <summary>Writes <paramref name="text"/> to <paramref name="relativePath"/> under the folder; returns the full path.</summary>
    public string Write(string relativePath, string text)
    {
        string path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public string PathOf(string relativePath) => Path.Combine(Folder, relativePath);

    public IConfigurationRoot Build(params string[] relativePaths) =>
        new ConfigurationBuilder().AddHocon(relativePaths.Select(PathOf).ToArray()).Build();

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
