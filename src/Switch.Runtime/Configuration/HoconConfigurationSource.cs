using Microsoft.Extensions.Configuration;

namespace Switch.Runtime.Configuration;

/// <summary>HOCON files to load as one configuration, later files overriding earlier ones.</summary>
internal sealed class HoconConfigurationSource(IReadOnlyList<string> files) : IConfigurationSource
{
    public IReadOnlyList<string> Files { get; } = files;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(Files);
}
