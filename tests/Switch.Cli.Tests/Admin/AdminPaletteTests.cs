using System.Diagnostics;
using System.Text.Json;
using Switch.Actors.Channels;
using Switch.Actors.Routing;

namespace Switch.Cli.Tests.Admin;

/// <summary>swctl's admin palettes against a real node over HTTP: tables by default, the node's JSON with --json, one clear line and exit 1 on refusal.</summary>
public sealed class AdminPaletteTests
{
    private static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    private static void AssertRefused((int Code, string Output, string Error) run, string message)
    {
        Assert.Equal(1, run.Code);
        Assert.Equal("", run.Output);
        Assert.Equal($"swctl: {message}", run.Error.TrimEnd());
    }

    [Fact]
    public async Task Channel_list_and_show_print_tables_and_json()
    {
        await using var node = await AdminNode.StartAsync();

        var (code, output, error) = await node.SwctlAsync("channel", "list");
        Assert.Equal((0, ""), (code, error));
        var lines = output.TrimEnd().Split('\n');
        Assert.Matches(@"^CHANNEL\s+BANK\s+BREAKER\s+SIGNED-ON\s+ENABLED\s+IN-FLIGHT\s+SAF$", lines[0]);
        Assert.Matches(@"^bank-a-1\s+bank-a\s+closed\s+1/1\s+yes\s+0\s+0$", lines[1]);
        Assert.Matches(@"^bank-b-1\s+bank-b\s+closed\s+1/1\s+yes\s+0\s+0$", lines[2]);

        var json = await node.SwctlAsync("channel", "list", "--json");
        Assert.Equal(0, json.Code);
        Assert.Equal(["bank-a-1", "bank-b-1"], Json(json.Output).EnumerateArray().Select(c => c.GetProperty("name").GetString()));

        var shown = await node.SwctlAsync("channel", "show", "bank-b-1");
        Assert.Equal(0, shown.Code);
        Assert.Matches(@"(?m)^bank\s+bank-b$", shown.Output);
        Assert.Matches(@"(?m)^breaker\s+closed$", shown.Output);
        var shownJson = Json((await node.SwctlAsync("channel", "show", "bank-b-1", "--json")).Output);
        Assert.Equal("bank-b", shownJson.GetProperty("bank").GetString());
        Assert.Equal(1, shownJson.GetProperty("connections").GetInt32());
    }

    [Fact]
    public async Task Isolate_and_close_move_the_breaker()
    {
        await using var node = await AdminNode.StartAsync();
        var status = node.Node.Node.Payments.Channels["bank-a-1"].Status;

        var isolated = await node.SwctlAsync("channel", "isolate", "bank-a-1", "--operator", "alice");
        Assert.Equal((0, "channel bank-a-1: breaker isolated"), (isolated.Code, isolated.Output.TrimEnd()));
        Assert.Equal(BreakerState.Isolated, status.Breaker);
        Assert.Equal(["bank-b-1"], node.Node.Node.Payments.RouteFor(AdminNode.Pan).Channels);

        var closed = await node.SwctlAsync("channel", "close", "bank-a-1", "--json");
        Assert.Equal(0, closed.Code);
        Assert.Equal("closed", Json(closed.Output).GetProperty("breaker").GetString());
        Assert.Equal(BreakerState.Closed, status.Breaker);
    }

    [Fact]
    public async Task Enable_and_disable_at_each_level()
    {
        await using var node = await AdminNode.StartAsync();
        var payments = node.Node.Node.Payments;

        Assert.Equal("channel bank-a-1 disabled", (await node.SwctlAsync("channel", "disable", "bank-a-1")).Output.TrimEnd());
        Assert.Contains("bank-a-1", payments.Controls.DisabledChannels);
        Assert.Equal("bank bank-b disabled", (await node.SwctlAsync("channel", "disable", "bank-b", "--level", "bank")).Output.TrimEnd());
        Assert.Equal(RouteOutcome.NoRoute, payments.RouteFor(AdminNode.Pan).Outcome);
        Assert.Equal("txn-type bank-a-1/refund disabled",
            (await node.SwctlAsync("channel", "disable", "bank-a-1/refund", "--level", "txn-type")).Output.TrimEnd());
        Assert.Contains(RoutingControls.TransactionTypeKey("bank-a-1", Actors.Transactions.TransactionKind.Refund), payments.Controls.DisabledTransactionTypes);

        Assert.Equal(0, (await node.SwctlAsync("channel", "enable", "bank-a-1")).Code);
        Assert.Equal(0, (await node.SwctlAsync("channel", "enable", "bank-b", "--level", "bank")).Code);
        var enabled = await node.SwctlAsync("channel", "enable", "bank-a-1/refund", "--level", "txn-type", "--json");
        Assert.Equal(0, Json(enabled.Output).GetProperty("controls").GetProperty("disabled_transaction_types").GetArrayLength());
        Assert.Equal(["bank-a-1", "bank-b-1"], payments.RouteFor(AdminNode.Pan).Channels);

        var badLevel = await node.SwctlAsync("channel", "disable", "bank-a-1", "--level", "region");
        Assert.NotEqual(0, badLevel.Code);
    }

    [Fact]
    public async Task Maintenance_add_list_remove()
    {
        await using var node = await AdminNode.StartAsync();

        var added = await node.SwctlAsync("maintenance", "add", "bank-a", "--until", DateTimeOffset.UtcNow.AddHours(1).ToString("O"), "--reason", "core upgrade", "--json");
        Assert.Equal((0, ""), (added.Code, added.Error));
        var window = Json(added.Output);
        var id = window.GetProperty("id").GetString()!;
        Assert.True(window.GetProperty("open").GetBoolean());
        Assert.Equal(["bank-b-1"], node.Node.Node.Payments.RouteFor(AdminNode.Pan).Channels);

        var list = await node.SwctlAsync("maintenance", "list");
        Assert.Matches($@"(?m)^{id}\s+bank-a\s+\S+\s+\S+\s+yes\s+core upgrade$", list.Output);
        Assert.Equal(id, Json((await node.SwctlAsync("maintenance", "list", "--json")).Output)[0].GetProperty("id").GetString());

        var removed = await node.SwctlAsync("maintenance", "remove", id);
        Assert.Equal((0, $"maintenance window {id} removed"), (removed.Code, removed.Output.TrimEnd()));
        Assert.Empty(node.Node.Node.Payments.Controls.MaintenanceWindows);
        AssertRefused(await node.SwctlAsync("maintenance", "remove", id), $"no maintenance window '{id}'");
        AssertRefused(await node.SwctlAsync("maintenance", "add", "bank-x", "--until", "2099-01-01T00:00Z"), "unknown bank 'bank-x'");
    }

    [Fact]
    public async Task Route_and_account_show_mask_the_card_number()
    {
        await using var node = await AdminNode.StartAsync();

        var route = await node.SwctlAsync("route", "show", AdminNode.Pan);
        Assert.Equal(0, route.Code);
        Assert.DoesNotContain(AdminNode.Pan, route.Output);
        Assert.Matches(@"(?m)^masked_pan\s+476173\*{6}0010$", route.Output);
        Assert.Matches(@"(?m)^channels\s+bank-a-1, bank-b-1$", route.Output);
        var routeJson = await node.SwctlAsync("route", "show", AdminNode.Pan, "--kind", "refund", "--amount", "500", "--json");
        Assert.DoesNotContain(AdminNode.Pan, routeJson.Output);
        Assert.Equal("routed", Json(routeJson.Output).GetProperty("outcome").GetString());
        Assert.Equal("refund", Json(routeJson.Output).GetProperty("kind").GetString());

        const string onUs = "6277001234567890";
        var account = await node.SwctlAsync("account", "show", onUs, "--json");
        Assert.Equal(0, account.Code);
        Assert.DoesNotContain(onUs, account.Output);
        Assert.Equal("627700******7890", Json(account.Output).GetProperty("masked_pan").GetString());
        var key = Json(account.Output).GetProperty("account_key").GetString()!;
        Assert.Matches($@"(?m)^account_key\s+{key}$", (await node.SwctlAsync("account", "show", key)).Output);

        var refused = await node.SwctlAsync("route", "show", "47617390010100X0");
        Assert.Equal(1, refused.Code);
        Assert.Equal("swctl: pan must be 12 to 19 digits", refused.Error.TrimEnd());
    }

    [Fact]
    public async Task Saf_list_retry_and_node_show()
    {
        await using var node = await AdminNode.StartAsync();

        var saf = await node.SwctlAsync("saf", "list", "bank-a-1");
        Assert.Equal((0, "TRANSACTION  QUEUED  ATTEMPTS  REASON"), (saf.Code, saf.Output.TrimEnd()));
        Assert.Equal(0, Json((await node.SwctlAsync("saf", "list", "bank-a-1", "--json")).Output).GetArrayLength());
        Assert.Equal("channel bank-a-1: 0 queued advices sent", (await node.SwctlAsync("saf", "retry", "bank-a-1")).Output.TrimEnd());

        var shown = await node.SwctlAsync("node", "show");
        Assert.Equal(0, shown.Code);
        Assert.Matches(@"(?m)^node_id\s+node-1$", shown.Output);
        Assert.Matches(@"(?m)^journal_backend\s+sqlite$", shown.Output);
        Assert.Matches($@"(?m)^test-acquirer\s+000042\s+{System.Text.RegularExpressions.Regex.Escape(node.Node.AcquirerEndpoint.ToString())}\s", shown.Output);
        var json = Json((await node.SwctlAsync("node", "show", "--json")).Output);
        Assert.Equal("ready", json.GetProperty("status").GetString());
        Assert.Equal(node.Address, json.GetProperty("admin_endpoint").GetString());
    }

    [Fact]
    public async Task Refusals_print_one_clear_line_and_exit_1()
    {
        await using var node = await AdminNode.StartAsync();

        AssertRefused(await node.SwctlAsync("channel", "list", "--token", ""),
            "an admin token is required (Authorization: Bearer <token>); give --token or set SWITCH_ADMIN_TOKEN");
        AssertRefused(await node.SwctlAsync("channel", "isolate", "bank-a-1", "--token", "guess"), "wrong admin token");
        Assert.Equal(BreakerState.Closed, node.Node.Node.Payments.Channels["bank-a-1"].Status.Breaker);
        AssertRefused(await node.SwctlAsync("channel", "show", "bank-x-1"), "unknown channel 'bank-x-1'");
        AssertRefused(await node.SwctlAsync("saf", "retry", "bank-x-1", "--json"), "unknown channel 'bank-x-1'");
        AssertRefused(await node.SwctlAsync("channel", "enable", "bank-x", "--level", "bank"), "unknown bank 'bank-x'");

        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closed = $"127.0.0.1:{((System.Net.IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();
        var unreachable = await node.SwctlAsync("node", "show", "--node", closed);
        Assert.Equal(1, unreachable.Code);
        Assert.StartsWith($"swctl: cannot reach the node at {closed}: ", unreachable.Error);
        Assert.Single(unreachable.Error.TrimEnd().Split('\n'));
        AssertRefused(await node.SwctlAsync("node", "show", "--node", "http://127.0.0.1:9110"), "--node must be host:port, not 'http://127.0.0.1:9110'");
    }

    [Fact]
    public async Task Swctl_as_a_process_takes_the_token_from_the_environment()
    {
        await using var node = await AdminNode.StartAsync();
        var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "swctl.dll"), "channel", "list", "--node", node.Address, "--json"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SWITCH_ADMIN_TOKEN"] = Node.Tests.TestNode.AdminToken;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal((0, ""), (process.ExitCode, error));
        Assert.Equal(2, Json(output).GetArrayLength());
    }
}
