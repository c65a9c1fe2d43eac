using System.Net;
using Switch.Actors.Transactions;
using Switch.Node.Tests.EndToEnd;
using Switch.Runtime.Tests.Metrics;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// <c>GET /metrics</c> over real HTTP, parsed as Prometheus text and checked against the traffic sent. Meters are
/// process-wide and other tests run beside this one, so its channels have names no other test uses.
/// </summary>
public sealed class AdminMetricsTests
{
    private static async Task<Scenario> StartAsync()
    {
        var a = await BankSimulator.StartAsync();
        var b = await BankSimulator.StartAsync();
        return await Scenario.StartAsync($$"""
            channels = [
              {{Scenario.Channel("metrics-a-1", "metrics-a", a)}}
              {{Scenario.Channel("metrics-b-1", "metrics-b", b)}}
            ]
            bin-table = [
              { range = "476173", issuer = metrics-a, product = classic, candidates = [ { channel = metrics-a-1 } ] }
            ]
            products { classic {} }
            """, [a, b]);
    }

    [Fact]
    public async Task Metrics_count_the_traffic_per_channel_and_per_transaction_in_prometheus_text()
    {
        await using var s = await StartAsync();
        using var admin = s.Http();
        Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(Scenario.OffUs));
        Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(Scenario.OffUs));
        (await admin.PostAsync("channels/metrics-b-1/isolate")).Expect(HttpStatusCode.OK);

        var answer = await admin.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var scrape = PrometheusTextParser.Parse(answer.Text);

        Assert.Equal("counter", scrape["switch_channel_requests_total"].Type);
        Assert.Equal(2, scrape.Value("switch_channel_requests_total", ("channel", "metrics-a-1"), ("mti", "0200")));
        Assert.Equal(2, scrape.Value("switch_channel_answers_total", ("channel", "metrics-a-1"), ("response_code", "00")));
        Assert.Equal(2, scrape.Value("switch_channel_latency_seconds_count", ("channel", "metrics-a-1")));
        Assert.Equal(3, scrape.Value("switch_channel_breaker_state", ("channel", "metrics-b-1"))); // 3: isolated
        Assert.Equal(0, scrape.Value("switch_channel_breaker_state", ("channel", "metrics-a-1")));
        Assert.True(scrape.Value("switch_transactions_total", ("mti", "0200"), ("outcome", "approved"), ("response_code", "00")) >= 2);
        Assert.Equal("histogram", scrape["switch_journal_commit_duration_seconds"].Type);
        Assert.True(scrape.Value("switch_journal_commit_duration_seconds_count", ("journal", "sqlite")) >= 4); // a start and a decision per purchase, each committed before the next step
        Assert.True(scrape.Value("switch_acquirer_connections", ("listener", "test-acquirer")) >= 1);
    }

    [Fact]
    public async Task Metrics_need_the_token()
    {
        await using var s = await StartAsync();
        using var anonymous = s.Http(token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("metrics")).Status);
    }
}
