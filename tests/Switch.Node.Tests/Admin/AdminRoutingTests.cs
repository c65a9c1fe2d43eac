using System.Net;
using System.Text.Json;
using Switch.Actors.Transactions;
using Switch.Node.Tests.EndToEnd;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// Route and account questions, maintenance windows and the node's own information over real HTTP. Card numbers go
/// in request bodies and come back masked, never in clear.
/// </summary>
public sealed class AdminRoutingTests
{
    private static string Json(Dictionary<string, object> body) => JsonSerializer.Serialize(body);

    [Fact]
    public async Task Route_show_answers_the_decision_with_the_card_number_masked()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();
        var pan = Scenario.OffUs.Pan;

        var answer = await admin.PostAsync("route", Json(new() { ["pan"] = pan }));
        var route = answer.Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(pan, answer.Text);
        Assert.Equal("476173******0010", route.GetProperty("masked_pan").GetString());
        Assert.Equal("routed", route.GetProperty("outcome").GetString());
        Assert.Equal("purchase", route.GetProperty("kind").GetString());
        Assert.Equal("476173", route.GetProperty("bin_range").GetString());
        Assert.Equal("bank-a", route.GetProperty("issuer").GetString());
        Assert.Equal("classic", route.GetProperty("product").GetString());
        Assert.Equal(["bank-a-1", "bank-b-1"], route.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));

        (await admin.PostAsync("channels/bank-a-1/isolate")).Expect(HttpStatusCode.OK);
        var failover = (await admin.PostAsync("route", Json(new() { ["pan"] = pan, ["kind"] = "refund", ["amount"] = 500 }))).Expect(HttpStatusCode.OK);
        Assert.Equal(["bank-b-1"], failover.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("refund", failover.GetProperty("kind").GetString());
        var single = (await admin.PostAsync("route", Json(new() { ["pan"] = AdminScenario.SingleChannel.Pan }))).Expect(HttpStatusCode.OK);
        Assert.Equal("all-down", single.GetProperty("outcome").GetString());
        var onUs = (await admin.PostAsync("route", Json(new() { ["pan"] = AdminScenario.OnUs.Pan }))).Expect(HttpStatusCode.OK);
        Assert.Equal("on-us", onUs.GetProperty("outcome").GetString());
        var unknown = (await admin.PostAsync("route", Json(new() { ["pan"] = "5100001234567890" }))).Expect(HttpStatusCode.OK);
        Assert.Equal("no-route", unknown.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Route_show_refuses_bad_input_without_repeating_it()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();
        var almostPan = "47617390010100X0";

        foreach (var body in new[]
                 {
                     Json(new() { ["pan"] = almostPan }), Json(new() { ["pan"] = "4761" }),
                     Json(new() { ["pan"] = Scenario.OffUs.Pan, ["kind"] = "cashback" }), Json(new() { ["pan"] = Scenario.OffUs.Pan, ["amount"] = -1 }),
                     Json(new() { ["card"] = Scenario.OffUs.Pan }), $$"""{"pan": {{Scenario.OffUs.Pan}}}""",
                 })
        {
            var refused = await admin.PostAsync("route", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.DoesNotContain(almostPan, refused.Text);
            Assert.DoesNotContain(Scenario.OffUs.Pan, refused.Text);
        }
        var get = await admin.GetAsync("route");
        Assert.Equal((HttpStatusCode.NotFound, "no such call: GET /route"), (get.Status, get.Error));
    }

    [Fact]
    public async Task Account_show_by_card_number_or_key_masks_the_card_number()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();
        Assert.Equal((ResponseCodes.Approved, "none"), await s.PurchaseAsync(AdminScenario.OnUs, 2500));

        var answer = await admin.PostAsync("account", Json(new() { ["key_or_pan"] = AdminScenario.OnUs.Pan }));
        var account = answer.Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(AdminScenario.OnUs.Pan, answer.Text);
        Assert.Equal("627700******7890", account.GetProperty("masked_pan").GetString());
        Assert.True(account.GetProperty("on_us").GetBoolean());
        Assert.Equal(100000 - 2500, account.GetProperty("balance").GetInt64());
        Assert.Equal(1, account.GetProperty("day_count").GetInt32());
        var key = account.GetProperty("account_key").GetString()!;
        Assert.Equal(s.Payments.Protector.AccountKey(AdminScenario.OnUs.Pan), key);

        var byKey = (await admin.PostAsync("account", Json(new() { ["key_or_pan"] = key }))).Expect(HttpStatusCode.OK);
        Assert.Equal(account.GetRawText(), byKey.GetRawText());
        // A card the switch has not seen yet: an empty account, its number masked all the same.
        var fresh = (await admin.PostAsync("account", Json(new() { ["key_or_pan"] = "6277009999999999" }))).Expect(HttpStatusCode.OK);
        Assert.Equal("627700******9999", fresh.GetProperty("masked_pan").GetString());
        Assert.Equal(0, fresh.GetProperty("transactions").GetInt32());

        foreach (var bad in new[] { "acct-nothex", "62770012345678X0", "" })
        {
            var refused = await admin.PostAsync("account", Json(new() { ["key_or_pan"] = bad }));
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.DoesNotContain("62770012345678", refused.Text);
        }
    }

    [Fact]
    public async Task Maintenance_windows_are_added_listed_and_removed_and_skip_the_banks_channels_while_open()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(0, (await admin.GetAsync("maintenance")).Expect(HttpStatusCode.OK).GetArrayLength());

        var window = (await admin.PostAsync("maintenance", Json(new()
        {
            ["bank"] = "bank-a", ["from"] = now.AddMinutes(-1), ["until"] = now.AddHours(1), ["reason"] = "core upgrade",
        }))).Expect(HttpStatusCode.Created);
        var id = window.GetProperty("id").GetString()!;
        Assert.StartsWith("mw-", id);
        Assert.Equal("bank-a", window.GetProperty("bank").GetString());
        Assert.Equal("core upgrade", window.GetProperty("reason").GetString());
        Assert.True(window.GetProperty("open").GetBoolean());
        var later = (await admin.PostAsync("maintenance", Json(new() { ["bank"] = "bank-b", ["from"] = now.AddHours(1), ["until"] = now.AddHours(2) })))
            .Expect(HttpStatusCode.Created);
        Assert.False(later.GetProperty("open").GetBoolean());
        Assert.Equal("", later.GetProperty("reason").GetString());

        var listed = (await admin.GetAsync("maintenance")).Expect(HttpStatusCode.OK);
        Assert.Equal([id, later.GetProperty("id").GetString()], listed.EnumerateArray().Select(w => w.GetProperty("id").GetString()));
        Assert.Equal(id, (await admin.GetAsync("channels/bank-a-1")).Expect(HttpStatusCode.OK).GetProperty("maintenance").GetString());
        Assert.Equal((ResponseCodes.Approved, "b"), await s.PurchaseAsync(Scenario.OffUs));

        var removed = (await admin.DeleteAsync($"maintenance/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal($"maintenance window {id} removed", removed.GetProperty("message").GetString());
        Assert.Single((await admin.GetAsync("maintenance")).Expect(HttpStatusCode.OK).EnumerateArray());
        Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(Scenario.OffUs));

        var again = await admin.DeleteAsync($"maintenance/{id}");
        Assert.Equal((HttpStatusCode.NotFound, $"no maintenance window '{id}'"), (again.Status, again.Error));
        var unknownBank = await admin.PostAsync("maintenance", Json(new() { ["bank"] = "bank-x", ["from"] = now, ["until"] = now.AddHours(1) }));
        Assert.Equal((HttpStatusCode.NotFound, "unknown bank 'bank-x'"), (unknownBank.Status, unknownBank.Error));
        var backwards = await admin.PostAsync("maintenance", Json(new() { ["bank"] = "bank-a", ["from"] = now, ["until"] = now.AddHours(-1) }));
        Assert.Equal((HttpStatusCode.BadRequest, "until must be after from"), (backwards.Status, backwards.Error));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("maintenance", Json(new() { ["bank"] = "bank-a" }))).Status);
    }

    [Fact]
    public async Task Node_shows_its_id_version_status_journal_and_listeners()
    {
        await using var s = await AdminScenario.StartAsync();
        using var admin = s.Http();

        var node = (await admin.GetAsync("node")).Expect(HttpStatusCode.OK);

        Assert.Equal("node-1", node.GetProperty("node_id").GetString());
        Assert.Equal("ready", node.GetProperty("status").GetString());
        Assert.Equal("sqlite", node.GetProperty("journal_backend").GetString());
        Assert.False(string.IsNullOrEmpty(node.GetProperty("version").GetString()));
        Assert.True(node.GetProperty("uptime_seconds").GetInt64() >= 0);
        Assert.Equal(s.Node.AdminEndpoint.ToString(), node.GetProperty("admin_endpoint").GetString());
        var acquirer = Assert.Single(node.GetProperty("acquirers").EnumerateArray());
        Assert.Equal("test-acquirer", acquirer.GetProperty("name").GetString());
        Assert.Equal("000042", acquirer.GetProperty("acquirer_id").GetString());
        Assert.Equal(s.Node.AcquirerEndpoint.ToString(), acquirer.GetProperty("endpoint").GetString());
    }
}
