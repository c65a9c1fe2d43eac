using System.Net;
using Switch.Actors.Transactions;
using Switch.Node.Tests.EndToEnd;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// <c>GET /ui</c> in a real headless browser against a running node: the script fills in the channels, their breakers
/// and the node from <c>/dashboard</c> with the token from the link, asks for a token when it has none or a wrong one,
/// and draws the breaker badges in their colours (checked on the screenshot's pixels).
/// </summary>
public sealed class DashboardBrowserTests
{
    private const int Width = 1280, Height = 900;

    // The page's colours (dashboard.html): header background, closed and isolated breakers.
    private const int Header = 0x18202c, Closed = 0x2e7d32, Isolated = 0x6a1b9a;

    [Fact]
    public async Task The_page_fills_in_each_channel_its_breaker_and_the_node_with_the_token_from_the_link()
    {
        await using var s = await TrafficAndAnIsolatedChannelAsync();

        var dom = await DashboardBrowser.DumpDomAsync(Url(s, TestNode.AdminToken));

        Assert.Contains("""<tr data-channel="bank-a-1" data-breaker="closed">""", dom);
        Assert.Contains("""<tr data-channel="bank-b-1" data-breaker="isolated">""", dom);
        Assert.Contains("""<span class="badge closed">closed</span>""", dom);
        Assert.Contains("""<span class="badge isolated">isolated</span>""", dom);
        Assert.Contains("""<b class="name">bank-a-1</b><div class="bank">bank-a · 1 connected</div>""", dom);
        Assert.Contains("""<td class="codes">00 ×2</td>""", dom);
        Assert.Contains("""<b id="node-id">node-1</b>""", dom);
        Assert.Matches("""<span id="sampled" class="meta">sampled \d\d:\d\d:\d\d UTC</span>""", dom);
        Assert.Contains("""<form id="login" hidden="">""", dom);
        Assert.Matches("""<p id="message" role="status"( class="")?></p>""", dom);
        // The sparklines were drawn from the series.
        Assert.Matches("""<path class="line" d="M\d+ [\d.]+""", dom);
        Assert.Matches("""<path class="closed" d="M\d+ 0h\d+v1h-\d+Z""", dom);
        Assert.DoesNotContain(TestNode.AdminToken, dom);
    }

    [Fact]
    public async Task Without_a_token_or_with_a_wrong_one_the_page_asks_for_it_and_shows_nothing()
    {
        await using var s = await AdminScenario.StartAsync();

        foreach (var dom in new[] { await DashboardBrowser.DumpDomAsync(Url(s, token: null)), await DashboardBrowser.DumpDomAsync(Url(s, "not-the-token")) })
        {
            Assert.Contains("""<form id="login">""", dom);
            Assert.DoesNotContain("data-channel=", dom);
            Assert.Contains("""<b id="node-id">-</b>""", dom);
        }
        Assert.Contains("""<p id="message" role="status" class="">wrong admin token</p>""", await DashboardBrowser.DumpDomAsync(Url(s, "not-the-token")));
    }

    [Fact]
    public async Task A_screenshot_shows_the_page_with_the_breaker_badges_in_their_colours()
    {
        await using var s = await TrafficAndAnIsolatedChannelAsync();
        var file = Path.Combine(s.Node.Directory, "dashboard.png");

        await DashboardBrowser.ScreenshotAsync(Url(s, TestNode.AdminToken), file, Width, Height);

        Assert.True(File.Exists(file), "Chromium wrote no screenshot");
        var png = DashboardPng.Read(file);
        Assert.Equal((Width, Height), (png.Width, png.Height));
        Assert.Equal(Header, png[2, 2]); // decoded right: the header's corner is the header's colour
        var pixels = new Dictionary<int, int>();
        for (var y = 0; y < png.Height; y++)
            for (var x = 0; x < png.Width; x++)
                pixels[png[x, y]] = pixels.GetValueOrDefault(png[x, y]) + 1;
        Assert.True(pixels.Count >= 20, $"only {pixels.Count} distinct colours: a blank or unstyled page");
        // A badge is at least 74 × 20 pixels of its colour; the strip under it adds more.
        Assert.True(pixels.GetValueOrDefault(Closed) >= 800, $"{pixels.GetValueOrDefault(Closed)} pixels of the closed breaker's green");
        Assert.True(pixels.GetValueOrDefault(Isolated) >= 800, $"{pixels.GetValueOrDefault(Isolated)} pixels of the isolated breaker's purple");
        // Closed (bank-a-1, first row) is drawn above isolated (bank-b-1).
        Assert.True(Top(png, Closed) < Top(png, Isolated), "the channels' rows are out of order");
    }

    /// <summary>A node whose bank-a-1 answered two purchases and whose bank-b-1 is isolated, sampled at least twice since.</summary>
    private static async Task<Scenario> TrafficAndAnIsolatedChannelAsync()
    {
        var s = await AdminScenario.StartAsync();
        try
        {
            using var admin = s.Http();
            Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(AdminScenario.SingleChannel));
            Assert.Equal((ResponseCodes.Approved, "a"), await s.PurchaseAsync(AdminScenario.SingleChannel));
            (await admin.PostAsync("channels/bank-b-1/isolate")).Expect(HttpStatusCode.OK);
            await Scenario.Eventually(async () =>
            {
                var dashboard = (await admin.GetAsync("dashboard")).Expect(HttpStatusCode.OK);
                var b = dashboard.GetProperty("channels")[1];
                return b.GetProperty("series").GetProperty("breaker").EnumerateArray().Select(e => e.GetString()).LastOrDefault() == "isolated"
                    && dashboard.GetProperty("channels")[0].GetProperty("top_response_codes").GetArrayLength() == 1;
            }, "the purchases and the isolation are sampled");
            return s;
        }
        catch
        {
            await s.DisposeAsync();
            throw;
        }
    }

    private static string Url(Scenario s, string? token) =>
        $"http://{s.Node.AdminEndpoint}/ui" + (token is null ? "" : "#token=" + Uri.EscapeDataString(token));

    private static int Top(DashboardPng png, int colour)
    {
        for (var y = 0; y < png.Height; y++)
            for (var x = 0; x < png.Width; x++)
                if (png[x, y] == colour)
                    return y;
        return int.MaxValue;
    }
}
