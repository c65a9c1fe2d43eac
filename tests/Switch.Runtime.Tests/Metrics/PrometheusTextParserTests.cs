namespace Switch.Runtime.Tests.Metrics;

/// <summary>The test parser itself: it must reject what Prometheus rejects, or the exposition tests prove nothing.</summary>
public sealed class PrometheusTextParserTests
{
    private const string Histogram = "# TYPE h histogram\n";

    [Fact]
    public void A_valid_exposition_is_read_with_help_type_labels_and_values()
    {
        var scrape = PrometheusTextParser.Parse(
            "# HELP c_total Requests \\\\ sent\\n.\n# TYPE c_total counter\nc_total{a=\"x\\\"y\",b=\"\"} 3\nc_total 1.5e3\n" +
            Histogram + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 4.5\nh_count 2\n" +
            "untyped_one NaN\n");

        Assert.Equal("Requests \\ sent\n.", scrape["c_total"].Help);
        Assert.Equal("counter", scrape["c_total"].Type);
        Assert.Equal(3, scrape.Value("c_total", ("a", "x\"y"), ("b", "")));
        Assert.Equal(1500, scrape.Value("c_total"));
        Assert.Equal(2, scrape.Value("h_count"));
        Assert.Equal("untyped", scrape["untyped_one"].Type);
    }

    [Theory]
    [InlineData("c 1", "no final line feed")]
    [InlineData("1c 1\n", "metric name starting with a digit")]
    [InlineData("c-d 1\n", "metric name with a dash")]
    [InlineData("c{a-b=\"x\"} 1\n", "label name with a dash")]
    [InlineData("c{__a=\"x\"} 1\n", "reserved label name")]
    [InlineData("c{a=x} 1\n", "unquoted label value")]
    [InlineData("c{a=\"x\\t\"} 1\n", "unknown escape")]
    [InlineData("c{a=\"x\",a=\"y\"} 1\n", "label twice")]
    [InlineData("c{a=\"x\"} 1\nc{a=\"x\"} 2\n", "series twice")]
    [InlineData("c one\n", "bad value")]
    [InlineData("# TYPE c counter\nc -1\n", "negative counter")]
    [InlineData("# TYPE c nonsense\nc 1\n", "unknown type")]
    [InlineData("c 1\n# TYPE c gauge\n", "type after samples")]
    [InlineData("# TYPE c gauge\n# TYPE c gauge\nc 1\n", "second type")]
    [InlineData("a 1\nb 1\na{x=\"y\"} 1\n", "a family in two groups")]
    [InlineData(Histogram + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "buckets not cumulative")]
    [InlineData(Histogram + "h_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "bounds not ascending")]
    [InlineData(Histogram + "h_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "no +Inf bucket")]
    [InlineData(Histogram + "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "+Inf differs from the count")]
    [InlineData(Histogram + "h_bucket{le=\"+Inf\"} 2\nh_count 2\n", "no sum")]
    [InlineData(Histogram + "h_bucket 2\nh_sum 1\nh_count 2\n", "bucket without le")]
    public void Invalid_expositions_are_rejected(string text, string why)
    {
        Assert.True(Throws(text), $"accepted: {why}");
    }

    private static bool Throws(string text)
    {
        try
        {
            PrometheusTextParser.Parse(text);
            return false;
        }
        catch (FormatException)
        {
            return true;
        }
    }
}
