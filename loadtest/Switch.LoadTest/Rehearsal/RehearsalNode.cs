using Switch.LoadTest.Scenarios;

namespace Switch.LoadTest.Rehearsal;

/// <summary>One switch node of a rehearsal: its settings, the configuration written for it, its process and admin endpoint.</summary>
internal sealed class RehearsalNode(SwitchNodeSettings settings, NodeConfiguration configuration, NodeSecrets secrets) : IAsyncDisposable
{
    public string Id => settings.Id;

    public string DataCentre => settings.DataCentre;

    public NodeConfiguration Configuration => configuration;

    public SwitchProcess Process { get; } = new(configuration.File, configuration.LogFile);

    public AdminClient Admin { get; } = new($"http://127.0.0.1:{configuration.AdminPort}/", secrets.AdminToken);

    public bool Running => Process.Running;

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Process.DisposeAsync().ConfigureAwait(false);
    }
}
