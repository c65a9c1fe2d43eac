using System.Net.Http.Headers;
using System.Text.Json;

namespace Switch.LoadTest.Rehearsal;

/// <summary>The node's admin endpoint, for the timeline's operator actions and the breaker states of the report.</summary>
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

    private async Task PostAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("X-Operator", "loadtest");
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"admin {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
    }

    public void Dispose() => _http.Dispose();
}
