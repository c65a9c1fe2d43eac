using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switch.Cli.Admin;

/// <summary>
/// Calls a node's admin endpoint over HTTP: the bearer token and the operator's name on every call, JSON in and out.
/// Whatever goes wrong (refused, unknown, unreachable, no answer) becomes an <see cref="AdminCallException"/> with
/// one clear sentence.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;
    private readonly string _node;

    /// <param name="node">host:port of the admin endpoint.</param>
    /// <param name="token">The admin token; null or empty sends none (the node then answers 401).</param>
    /// <param name="who">The operator, sent as X-Operator.</param>
    public AdminClient(string node, string? token, string who)
    {
        if (!Uri.TryCreate($"http://{node}/", UriKind.Absolute, out var address) || address.AbsolutePath != "/" || node.Contains('/'))
            throw new AdminCallException($"--node must be host:port, not '{node}'");
        _node = node;
        _http = new HttpClient { BaseAddress = address, Timeout = Timeout };
        if (!string.IsNullOrEmpty(token))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.Add("X-Operator", who);
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellation) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellation);

    public Task<JsonElement> PostAsync(string path, JsonObject? body, CancellationToken cancellation) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        }, cancellation);

    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellation) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), cancellation);

    /// <summary>A path segment from a name the operator typed.</summary>
    public static string Segment(string name) => Uri.EscapeDataString(name);

    private async Task<JsonElement> SendAsync(HttpRequestMessage request, CancellationToken cancellation)
    {
        using (request)
        {
            string text;
            HttpStatusCode status;
            try
            {
                using var response = await _http.SendAsync(request, cancellation);
                status = response.StatusCode;
                text = await response.Content.ReadAsStringAsync(cancellation);
            }
            catch (HttpRequestException error)
            {
                throw new AdminCallException($"cannot reach the node at {_node}: {error.Message}");
            }
            catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new AdminCallException($"the node at {_node} did not answer within {Timeout.TotalSeconds:0} s");
            }
            var answer = Parse(text);
            if ((int)status is >= 200 and < 300 && answer is { } json)
                return json;
            var reason = answer is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("error", out var message) ? message.GetString() : null;
            throw new AdminCallException((reason ?? $"the node at {_node} answered HTTP {(int)status} {status}")
                + (status == HttpStatusCode.Unauthorized ? "; give --token or set SWITCH_ADMIN_TOKEN" : ""));
        }
    }

    private static JsonElement? Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null; // not the admin endpoint answering (another server on that port)
        }
    }

    public void Dispose() => _http.Dispose();
}
