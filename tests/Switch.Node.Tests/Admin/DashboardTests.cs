using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switch.Actors.Transactions;
using Switch.Node.Tests.EndToEnd;
using Switch.Simulators;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// <c>GET /dashboard</c> after real purchases over real sockets: each channel's seconds (requests, success rate, p99,
/// response codes, breaker), the node's; and <c>GET /ui</c>, the page that shows them, served without the token and
/// with nothing from elsewhere.
/// </summary>
public sealed partial class DashboardTests
{
    /// <summary>Amount the bank answers with RC 96 (a system error: not a success).</summary>
    private const long FailingAmount = 9696;

    private static readonly TimeSpan BankLatency = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task Dashboard_shows_each_channels_requests_success_rate_latency_and_codes_after_real_purchases()
    {
        await using var s = await AdminScenario.StartAsync(new BankHostBehaviour
        {
            Latency = Latency.Fixed(BankLatency),
            Rules = [new ResponseRule { Amount = FailingAmount, ResponseCode = ResponseCodes.SystemMalfunction }],
        });
        using var admin = s.Http();
        // Traffic after the first sample, whose length (from the start of sampling) the series do not tell.
        await Scenario.Eventually(async () => (await admin.GetAsync("dashboard")).Expect(HttpStatusCode.OK).GetProperty("times").GetArrayLength() > 0,
            "a first sample");
        for (var i = 0; i < 3; i++)
            Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(AdminScenario.SingleChannel));
        Assert.Equal("a", (await s.PurchaseAsync(AdminScenario.SingleChannel, FailingAmount)).Bank);
        (await admin.PostAsync("channels/bank-b-1/isolate")).Expect(HttpStatusCode.OK);

        JsonElement dashboard = default;
        await Scenario.Eventually(async () =>
        {
            dashboard = (await admin.GetAsync("dashboard")).Expect(HttpStatusCode.OK);
            return Channel(dashboard, "bank-a-1").GetProperty("top_response_codes").GetArrayLength() == 2
                && Channel(dashboard, "bank-b-1").GetProperty("series").GetProperty("breaker").EnumerateArray().Select(e => e.GetString()).LastOrDefault() == "isolated";
        }, "the purchases and the isolation are sampled");

        var times = dashboard.GetProperty("times").EnumerateArray().Select(t => t.GetInt64()).ToList();
        var a = Channel(dashboard, "bank-a-1");
        Assert.Equal(["00×3", "96×1"], Codes(a.GetProperty("top_response_codes")));
        var series = a.GetProperty("series");
        Assert.Equal(4, Math.Round(Count(series.GetProperty("requests_per_second"), times)));
        // The seconds with answers: those with approvals only read 1; the one with the 96 reads k/(k+1), k approvals beside it.
        var success = Doubles(series.GetProperty("success_rate")).Where(v => v is not null).Select(v => v!.Value).ToList();
        Assert.Single(success, v => v < 1);
        Assert.Contains(success.Single(v => v < 1), new[] { 0, 0.5, 0.6667, 0.75 });
        Assert.All(success.Where(v => v >= 1), v => Assert.Equal(1, v));
        var p99 = Doubles(series.GetProperty("p99_ms")).Where(v => v is not null).Select(v => v!.Value).ToList();
        Assert.NotEmpty(p99);
        Assert.All(p99, v => Assert.InRange(v, BankLatency.TotalMilliseconds, 5_000)); // an upper edge: never below the bank's latency
        Assert.Equal("closed", a.GetProperty("breaker").GetString());
        Assert.Equal(1, a.GetProperty("connections").GetInt32());

        var b = Channel(dashboard, "bank-b-1");
        Assert.Equal("isolated", b.GetProperty("breaker").GetString());
        Assert.Equal("isolated", b.GetProperty("latest").GetProperty("breaker").GetString());
        Assert.Empty(Codes(b.GetProperty("top_response_codes")));
        Assert.Equal(0, Count(b.GetProperty("series").GetProperty("requests_per_second"), times));
        Assert.All(Doubles(b.GetProperty("series").GetProperty("success_rate")), v => Assert.Null(v));

        // The node: its transactions (at least these four: other tests' nodes in this process count too), one sample a second.
        Assert.Equal("node-1", dashboard.GetProperty("node_id").GetString());
        Assert.Equal("ready", dashboard.GetProperty("status").GetString());
        Assert.Equal(times.Order(), times);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 0, 10_000)); // a second, or less after a late one
        var node = dashboard.GetProperty("node");
        Assert.True(Count(node.GetProperty("series").GetProperty("transactions_per_second"), times) >= 3.5);
        Assert.Equal(times.Count, node.GetProperty("series").GetProperty("journal_commit_p99_ms").GetArrayLength());
        Assert.Equal(times.Count, series.GetProperty("in_flight").GetArrayLength());
        Assert.True(node.GetProperty("latest").GetProperty("shards").GetInt64() >= 1);
        Assert.True(node.GetProperty("latest").GetProperty("entities").GetInt64() >= 1);
        Assert.Contains(Doubles(node.GetProperty("series").GetProperty("journal_commit_p99_ms")), v => v > 0);

        var text = (await admin.GetAsync("dashboard?seconds=2")).Text;
        Assert.DoesNotContain(AdminScenario.SingleChannel.Pan, text);
        var last2 = JsonDocument.Parse(text).RootElement;
        Assert.Equal(2, last2.GetProperty("seconds").GetInt32());
        var newest = last2.GetProperty("times").GetArrayLength();
        Assert.InRange(newest, Math.Min(2, times.Count), 2); // the newest two, or the one there was
        Assert.Equal(newest, Channel(last2, "bank-a-1").GetProperty("series").GetProperty("breaker").GetArrayLength());
    }

    [Fact]
    public async Task Dashboard_needs_the_token_and_a_window_of_1_to_600_seconds()
    {
        await using var s = await AdminScenario.StartAsync();
        using var anonymous = s.Http(token: null);
        using var intruder = s.Http(token: "not-the-token");
        using var admin = s.Http();

        var refused = await anonymous.GetAsync("dashboard");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("Bearer", refused.WwwAuthenticate);
        Assert.Equal(HttpStatusCode.Forbidden, (await intruder.GetAsync("dashboard")).Status);
        foreach (var bad in new[] { "0", "601", "-1", "1.5", "ten", "" })
        {
            var answer = await admin.GetAsync($"dashboard?seconds={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal("seconds must be a whole number from 1 to 600", answer.Error);
        }
        var whole = (await admin.GetAsync("dashboard?seconds=600")).Expect(HttpStatusCode.OK);
        Assert.Equal(600, whole.GetProperty("seconds").GetInt32());
        Assert.Equal(300, (await admin.GetAsync("dashboard")).Expect(HttpStatusCode.OK).GetProperty("seconds").GetInt32());
    }

    [Fact]
    public async Task The_page_is_served_without_the_token_holds_no_data_and_refers_to_nothing_elsewhere()
    {
        await using var s = await AdminScenario.StartAsync();
        using var anyone = s.Http(token: null);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{s.Node.AdminEndpoint}/") };

        using var response = await http.GetAsync("ui");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", page);
        Assert.DoesNotMatch("(?i)https?:", page);
        Assert.DoesNotMatch(@"(?i)\bsrc\s*=|@import|url\(|<iframe|<object|<embed", page);
        Assert.All(HrefRegex().Matches(page), href => Assert.StartsWith("data:", href.Groups[1].Value));
        Assert.Contains("fetch(path", page);
        Assert.Contains("'/dashboard?seconds='", page);
        foreach (var data in new[] { "bank-a-1", "node-1", TestNode.AdminToken })
            Assert.DoesNotContain(data, page);

        // Only its own inline script and style run (a fresh nonce each time), and it talks to this endpoint only.
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("connect-src 'self'", policy);
        var nonce = Regex.Match(policy, "script-src 'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"<script nonce=\"{nonce}\">", page);
        Assert.Contains($"<style nonce=\"{nonce}\">", page);
        Assert.DoesNotContain("__CSP_NONCE__", page);
        using var again = await http.GetAsync("ui");
        Assert.DoesNotContain(nonce, await again.Content.ReadAsStringAsync());

        // The exemption is that page only.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anyone.GetAsync("ui/dashboard")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anyone.GetAsync("uix")).Status);
    }

    private static JsonElement Channel(JsonElement dashboard, string name) =>
        dashboard.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static List<string> Codes(JsonElement codes) =>
        codes.EnumerateArray().Select(c => $"{c.GetProperty("code").GetString()}×{c.GetProperty("count").GetInt64()}").ToList();

    /// <summary>
    /// How many a series of rates counted: each sample's rate times its length. A sample's length is the time since
    /// the one before: a second, unless the sampler was late (a longer sample, then a shorter one).
    /// </summary>
    private static double Count(JsonElement rates, List<long> times) =>
        Doubles(rates).Select((rate, i) => rate!.Value * (i == 0 ? 1 : (times[i] - times[i - 1]) / 1000.0)).Sum();

    private static List<double?> Doubles(JsonElement series) =>
        series.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToList();

    [GeneratedRegex(@"(?i)\bhref\s*=\s*""([^""]*)""")]
    private static partial Regex HrefRegex();
}
