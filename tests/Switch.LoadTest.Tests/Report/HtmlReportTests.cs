using System.Text.RegularExpressions;
using System.Xml.Linq;
using Switch.LoadTest.Report;

namespace Switch.LoadTest.Tests.Report;

/// <summary>report.html as written by <see cref="ReportWriter"/>.</summary>
public sealed class HtmlReportTests
{
    private const int Charts = 4;

    private static async Task<string> WriteAndReadAsync(RunReport report)
    {
        using var directory = new TempDirectory();
        await ReportWriter.WriteAsync(report, directory.Path, CancellationToken.None);
        return await File.ReadAllTextAsync(directory.File(ReportWriter.HtmlFile));
    }

    private static int Occurrences(string text, string value) => Regex.Count(text, Regex.Escape(value));

    private static IReadOnlyList<string> Svgs(string html) =>
        Regex.Matches(html, "<svg.*?</svg>", RegexOptions.Singleline).Select(match => match.Value).ToList();

    [Fact]
    public async Task The_page_references_nothing_outside_itself()
    {
        var html = await WriteAndReadAsync(SampleReports.PeakDay());
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, Occurrences(html, "<style>"));
    }

    [Fact]
    public async Task The_failover_window_has_its_tile_only_when_measured()
    {
        Assert.DoesNotContain("Failover window", await WriteAndReadAsync(SampleReports.PeakDay()), StringComparison.Ordinal);
        var html = await WriteAndReadAsync(SampleReports.PeakDay() with
        {
            FailoverWindow = new FailoverWindow(2.5, 15.25, "node-kill node-2 at 15 s", "411111******1234"),
        });
        Assert.Contains("<dt>Failover window</dt><dd>2.5 s<small>after node-kill node-2 at 15 s · card 411111******1234 from 15.3 s</small>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_chart_is_one_well_formed_svg()
    {
        var html = await WriteAndReadAsync(SampleReports.PeakDay());
        Assert.Equal(Charts, Occurrences(html, "<svg"));
        Assert.Equal(Charts, Occurrences(html, "</svg>"));
        var svgs = Svgs(html);
        Assert.Equal(Charts, svgs.Count);
        foreach (var svg in svgs)
            Assert.Equal("svg", XElement.Parse(svg).Name.LocalName);
    }

    [Fact]
    public async Task Every_chart_marks_each_chaos_event_with_a_dashed_line_and_its_kind()
    {
        var html = await WriteAndReadAsync(SampleReports.PeakDay());
        foreach (var svg in Svgs(html))
        {
            var marks = XElement.Parse(svg).Elements("g").Where(g => (string?)g.Attribute("class") == "mark").ToList();
            Assert.Equal(["bank-down", "bank-up"], marks.Select(mark => mark.Element("text")!.Value));
            // 60 s of a 120 s axis: halfway between the left (120) and right (960 - 24) edges of the plot.
            Assert.Equal("528", marks[0].Element("line")!.Attribute("x1")!.Value);
            Assert.Equal("5 4", marks[0].Element("line")!.Attribute("stroke-dasharray")!.Value);
        }
        Assert.Contains("<td><code>bank-down</code></td><td>bank-b host stopped</td>", html);
    }

    [Fact]
    public async Task The_breaker_chart_shows_bank_b_open_from_60_to_90_seconds()
    {
        var html = await WriteAndReadAsync(SampleReports.PeakDay());
        var breakers = XElement.Parse(Svgs(html)[3]);
        var open = breakers.Elements("rect").Single(rect => rect.Element("title")?.Value == "bank-b: open 60–90 s");
        Assert.Equal("#cf222e", open.Attribute("fill")!.Value);
        Assert.Equal("528", open.Attribute("x")!.Value);
        Assert.Equal("204", open.Attribute("width")!.Value);
        Assert.Contains(breakers.Elements("rect"), rect => rect.Element("title")?.Value == "bank-b: half-open 90–91 s");
        Assert.Contains(breakers.Elements("rect"), rect => rect.Element("title")?.Value == "bank-a: closed 0–120 s");
        var texts = breakers.Elements("text").ToList();
        Assert.Equal(["bank-a", "bank-b"], texts.Where(text => text.Element("title") is not null).Select(text => text.Element("title")!.Value));
        Assert.Equal(["closed", "half-open", "open", "isolated", "down", "unknown"], texts.Take(6).Select(text => text.Value));
    }

    [Fact]
    public async Task Strings_from_the_run_are_escaped()
    {
        var report = SampleReports.PeakDay("Black Friday <peak> & \"chaos\"") with
        {
            Events = [new ChaosMark(60, "db-pause<1>", "paused <b>postgres</b> & co")],
        };
        var html = await WriteAndReadAsync(report);
        Assert.Contains("<title>Black Friday &lt;peak&gt; &amp; &quot;chaos&quot; — load test report</title>", html);
        Assert.Contains("<h1>Black Friday &lt;peak&gt; &amp; &quot;chaos&quot; ", html);
        Assert.DoesNotContain("<peak>", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("paused &lt;b&gt;postgres&lt;/b&gt; &amp; co", html);
        Assert.Equal(Charts, Occurrences(html, ">db-pause&lt;1&gt;</text>"));
    }

    [Fact]
    public async Task Headline_objectives_and_reconciliation_come_before_the_charts()
    {
        var html = await WriteAndReadAsync(SampleReports.PeakDay());
        var firstChart = html.IndexOf("<svg", StringComparison.Ordinal);
        Assert.InRange(html.IndexOf("987.7 tps", StringComparison.Ordinal), 0, firstChart);
        Assert.InRange(html.IndexOf("4,000.0 tps", StringComparison.Ordinal), 0, firstChart);
        Assert.InRange(html.IndexOf("switch at 24.7 % of the relay", StringComparison.Ordinal), 0, firstChart);
        Assert.Contains("<span class=\"badge fail\">SLOs failed</span>", html);
        Assert.Contains("<tr><td><code>lost</code></td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"fail\">FAIL</td></tr>", html);
        Assert.Contains("<div class=\"tile bad\"><dt>Lost</dt><dd>1</dd></div>", html);
        Assert.Contains("<div class=\"tile good\"><dt>Phantom</dt><dd>0</dd></div>", html);
        Assert.Contains("<div class=\"tile bad\"><dt>Unanswered</dt><dd>3</dd></div>", html);
        Assert.Contains("<tr><td>bank-b</td><td class=\"num\">57,750</td>", html);
        Assert.Contains("<tr><td><code>91</code></td><td class=\"num\">15,000</td>", html);
        Assert.Contains("<code>ACQ1|T0001|000123|1128090100</code>", html);
        Assert.Contains("2 examples of 4 discrepancies.", html);
        Assert.InRange(html.IndexOf("ACQ1|T0002", StringComparison.Ordinal), 0, firstChart);
    }

    [Fact]
    public async Task Without_a_bare_relay_measurement_the_headline_leaves_it_out()
    {
        var html = await WriteAndReadAsync(SampleReports.PeakDay(bareRelayTps: null));
        Assert.DoesNotContain("Bare relay", html);
        Assert.DoesNotContain("of the relay", html);
    }

    [Fact]
    public async Task A_run_with_no_samples_still_draws_empty_charts()
    {
        var html = await WriteAndReadAsync(SampleReports.Empty());
        var svgs = Svgs(html);
        Assert.Equal(Charts, svgs.Count);
        Assert.All(svgs, svg => XElement.Parse(svg));
        Assert.Equal(3, Occurrences(html, ">no samples</text>"));
        Assert.Equal(1, Occurrences(html, ">no channels</text>"));
        Assert.DoesNotContain("<polyline", html);
        Assert.DoesNotContain("class=\"mark\"", html);
        Assert.Contains("<span class=\"badge none\">no SLOs checked</span>", html);
        Assert.Contains("No faults were injected.", html);
        Assert.Contains("No discrepancies recorded.", html);
    }

    [Fact]
    public async Task A_single_sample_is_drawn_as_dots()
    {
        var html = await WriteAndReadAsync(SampleReports.Short(1));
        Assert.Equal(Charts, Svgs(html).Count);
        Assert.DoesNotContain("<polyline", html);
        Assert.DoesNotContain(">no samples</text>", html);
        // Throughput: target, answered, approved; latency: p50, p99, p99.9; errors: timeouts, errors, RC 05, RC 51.
        Assert.Equal(10, Occurrences(html, "<circle"));
        Assert.Contains("<title>bank-a: closed 0–1 s</title>", html);
    }
}
