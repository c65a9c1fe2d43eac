using System.Net;
using Switch.Actors.Transactions;
using Switch.Node.Configuration;
using Switch.Node.Tests.EndToEnd;
using Switch.Runtime.Configuration;
using Switch.Simulators;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// Who may use the admin endpoint: the health checks are open to anyone; every other call needs the node's bearer
/// token (none: 401, a wrong one: 403), and a node without a token refuses them all.
/// </summary>
public sealed class AdminAccessTests
{
    [Fact]
    public async Task Health_needs_no_token_and_says_ready_once_the_node_serves()
    {
        await using var s = await AdminScenario.StartAsync();
        using var anyone = s.Http(token: null);

        foreach (var path in new[] { "health", "health/ready", "health/live" })
        {
            var health = (await anyone.GetAsync(path)).Expect(HttpStatusCode.OK);
            Assert.Equal("ready", health.GetProperty("status").GetString());
            Assert.True(health.GetProperty("live").GetBoolean());
            Assert.True(health.GetProperty("ready").GetBoolean());
            Assert.Equal("node-1", health.GetProperty("node_id").GetString());
        }
    }

    [Fact]
    public async Task Calls_without_the_token_get_401_and_with_a_wrong_one_403()
    {
        await using var s = await AdminScenario.StartAsync();
        using var anonymous = s.Http(token: null);
        using var intruder = s.Http(token: "not-the-token");
        using var wrongLength = s.Http(token: TestNode.AdminToken + "x");
        using var admin = s.Http();

        var missing = await anonymous.PostAsync("channels/bank-a-1/isolate");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Contains("token is required", missing.Error);
        Assert.Equal("Bearer", missing.WwwAuthenticate);
        foreach (var wrong in new[] { intruder, wrongLength })
        {
            var refused = await wrong.PostAsync("channels/bank-a-1/isolate");
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.Equal("wrong admin token", refused.Error);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("channels")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await intruder.GetAsync("no-such-call")).Status); // refused before anything is looked up

        // Nothing was isolated by the refused calls.
        Assert.Equal("closed", (await admin.GetAsync("channels/bank-a-1")).Expect(HttpStatusCode.OK).GetProperty("breaker").GetString());
        Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(Scenario.OffUs));
    }

    [Fact]
    public async Task A_node_without_a_token_refuses_every_call_but_the_health_checks()
    {
        await using var s = await AdminScenario.StartAsync(extra: "admin.token = \"\"");
        using var admin = s.Http();
        using var anonymous = s.Http(token: null);

        var refused = await admin.GetAsync("channels");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("no admin token is configured", refused.Error);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync("node")).Status);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health")).Status);
    }

    [Fact]
    public async Task While_the_node_stops_health_answers_503_stopping_and_liveness_still_200()
    {
        // A slow bank keeps one purchase in flight, so the node spends a while stopping. The channel's timeout leaves room
        // for the thread-pool stall seen while a node stops on two cores (see GracefulStopTests).
        await using var s = await AdminScenario.StartAsync(new BankHostBehaviour { Latency = Latency.Fixed(TimeSpan.FromMilliseconds(700)) }, bankATimeout: "3s");
        using var anyone = s.Http(token: null);
        var inFlight = s.SendAsync(s.Factory.Purchase(Scenario.OffUs, 1000));
        await Scenario.Eventually(() => s.Status("bank-a-1").InFlight == 1, "the purchase is at the bank");

        var stopping = s.Node.Node.StopAsync();

        var health = await anyone.GetAsync("health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Status);
        Assert.Equal("stopping", health.Json.GetProperty("status").GetString());
        Assert.False(health.Json.GetProperty("ready").GetBoolean());
        var live = (await anyone.GetAsync("health/live")).Expect(HttpStatusCode.OK);
        Assert.Equal("stopping", live.GetProperty("status").GetString());
        Assert.Equal(ResponseCodes.Approved, (await inFlight).ResponseCode);
        await stopping;
        await Assert.ThrowsAsync<HttpRequestException>(() => anyone.GetAsync("health"));
    }

    [Fact]
    public async Task A_node_can_run_without_the_admin_endpoint_and_a_bad_address_stops_it_at_start_up()
    {
        await using (var s = await AdminScenario.StartAsync(extra: "admin.enabled = false"))
            Assert.Null(s.Node.Node.AdminEndpoint);

        var directory = Directory.CreateTempSubdirectory("switch-admin-").FullName;
        try
        {
            var file = Path.Combine(directory, "bad.conf");
            await File.WriteAllTextAsync(file, $$"""
                switch {
                  security.card-data-key = "{{TestNode.CardDataKey}}"
                  admin.host = localhost
                }
                """);
            var error = Assert.Throws<ConfigurationErrorException>(() => NodeSettings.Read(Program.Load(file, [])));
            Assert.Contains("switch.admin.host: 'localhost' is not an IP address", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
