using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Switch.LoadTest.Rehearsal;

/// <summary>
/// A node's admin endpoint, for the timeline's operator actions (breakers, data centres, the injected partition) and
/// the breaker states of the report.
/// </summary>
internal sealed class AdminClient(string baseAddress, string token) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        BaseAddress = new Uri(baseAddress),
        Timeout = TimeSpan.FromSeconds(5),
        DefaultRequestHeaders =
        {
            Authorization = new AuthenticationHeaderValue("Bearer", token),
        },
    };

    /// <summary>Opens a channel's breaker until it is closed again (operator isolation).</summary>
    public Task IsolateAsync(string channel, CancellationToken cancellationToken) => PostAsync($"channels/{Uri.EscapeDataString(channel)}/isolate", cancellationToken);

    /// <summary>Closes a channel's breaker.</summary>
    public Task CloseAsync(string channel, CancellationToken cancellationToken) => PostAsync($"channels/{Uri.EscapeDataString(channel)}/close", cancellationToken);

    /// <summary>Moves every shard out of data centre <paramref name="dataCentre"/> (cluster-wide, through any node).</summary>
    public Task IsolateDataCentreAsync(string dataCentre, CancellationToken cancellationToken) =>
        PostAsync($"dc/{Uri.EscapeDataString(dataCentre)}/isolate", cancellationToken);

    /// <summary>Lets data centre <paramref name="dataCentre"/> own shards again.</summary>
    public Task FailbackDataCentreAsync(string dataCentre, CancellationToken cancellationToken) =>
        PostAsync($"dc/{Uri.EscapeDataString(dataCentre)}/failback", cancellationToken);

    /// <summary>Cuts this node off from the cluster (true) or ends that (false); the node needs switch.admin.fault-injection.</summary>
    public Task SetPartitionedAsync(bool partitioned, CancellationToken cancellationToken) =>
        PostAsync("faults/partition", cancellationToken, JsonContent.Create(new { partitioned }));

    /// <summary>Every channel's breaker state ("closed", "open", "half-open", "isolated" ...).</summary>
    public async Task<Dictionary<string, string>> BreakerStatesAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("channels", cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        var list = document.RootElement;
        foreach (var channel in list.EnumerateArray())
            states[channel.GetProperty("name").GetString()!] = channel.GetProperty("breaker").GetString()!.ToLowerInvariant();
        return states;
    }

    private async Task PostAsync(string path, CancellationToken cancellationToken, HttpContent? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
        request.Headers.Add("X-Operator", "loadtest");
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"admin {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
    }

    public void Dispose() => _http.Dispose();
}
