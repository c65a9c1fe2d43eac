using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Switch.Node.Tests.Admin;

/// <summary>A plain HTTP client for a test node's admin endpoint, with the node's token unless told otherwise.</summary>
internal sealed class AdminHttp : IDisposable
{
    public const string Operator = "test-operator";
    private readonly HttpClient _http;

    public AdminHttp(IPEndPoint endpoint, string? token = TestNode.AdminToken)
    {
        _http = new HttpClient { BaseAddress = new Uri($"http://{endpoint}/"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.Add("X-Operator", Operator);
    }

    public Task<AdminAnswer> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<AdminAnswer> PostAsync(string path, string? json = null) => SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
    {
        Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
    });

    public Task<AdminAnswer> DeleteAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Delete, path));

    private async Task<AdminAnswer> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await _http.SendAsync(request))
            return new AdminAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.WwwAuthenticate.ToString());
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>An answer of the admin endpoint: its status, its body as sent, and the body parsed.</summary>
internal sealed record AdminAnswer(HttpStatusCode Status, string Text, string WwwAuthenticate)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    public string? Error => Json.GetProperty("error").GetString();

    /// <summary>Asserts <paramref name="status"/> and returns the parsed body.</summary>
    public JsonElement Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status}, got {(int)Status}: {Text}");
        return Json;
    }
}
