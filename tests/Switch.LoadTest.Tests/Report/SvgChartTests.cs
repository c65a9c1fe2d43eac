using System.Xml.Linq;
using Switch.LoadTest.Report;

namespace Switch.LoadTest.Tests.Report;

/// <summary>The chart helper on its own: axis scaling, gaps, flat series.</summary>
public sealed class SvgChartTests
{
    [Theory]
    [InlineData(0, 5, 1, 0.2)]
    [InlineData(-3, 5, 1, 0.2)]
    [InlineData(double.NaN, 5, 1, 0.2)]
    [InlineData(7, 5, 8, 2)]
    [InlineData(1000, 5, 1000, 200)]
    [InlineData(1001, 5, 1250, 250)]
    [InlineData(2345, 5, 2500, 500)]
    [InlineData(120, 10, 120, 20)]
    [InlineData(0.3, 5, 0.3, 0.1)]
    public void The_axis_ends_on_a_round_number_above_the_data(double max, int ticks, double expectedMax, double expectedStep)
    {
        var (axisMax, step) = SvgChart.NiceAxis(max, ticks);
        Assert.Equal(expectedMax, axisMax, 9);
        Assert.Equal(expectedStep, step, 9);
    }

    [Fact]
    public void Y_tick_labels_run_from_zero_to_the_rounded_maximum()
    {
        var svg = XElement.Parse(SvgChart.Lines("t", "per second", 10, [Line("sent", 0, 1234, 2345)], []));
        var labels = svg.Elements("text").Where(text => (string?)text.Attribute("text-anchor") == "end").Select(text => text.Value);
        Assert.Equal(["0", "500", "1,000", "1,500", "2,000", "2,500"], labels);
    }

    [Fact]
    public void Not_a_number_breaks_the_line_and_a_lone_point_becomes_a_dot()
    {
        var svg = XElement.Parse(SvgChart.Lines("t", "ms", 10, [Line("p99", 1, 2, double.NaN, 3, double.NaN, 4, 5)], []));
        var series = svg.Elements("g").Single(g => g.Element("title")?.Value == "p99");
        Assert.Equal(2, series.Elements("polyline").Count());
        Assert.Single(series.Elements("circle"));
    }

    [Fact]
    public void An_all_zero_series_is_drawn_flat_on_the_x_axis()
    {
        var svg = XElement.Parse(SvgChart.Lines("t", "per second", 3, [Line("timeouts", 0, 0, 0)], []));
        var points = svg.Descendants("polyline").Single().Attribute("points")!.Value.Split(' ');
        Assert.All(points, point => Assert.Equal("260", point.Split(',')[1]));
        Assert.Equal(["0", "0.2", "0.4", "0.6", "0.8", "1"],
            svg.Elements("text").Where(text => (string?)text.Attribute("text-anchor") == "end").Select(text => text.Value));
    }

    [Fact]
    public void Labels_of_marks_close_together_go_on_separate_rows()
    {
        ChaosMark[] marks = [new(10, "switch-kill", "node 1 killed"), new(11, "db-pause", "postgres paused")];
        var svg = XElement.Parse(SvgChart.Lines("t", "ms", 100, [Line("p99", 1, 2)], marks));
        var rows = svg.Elements("g").Where(g => (string?)g.Attribute("class") == "mark").Select(g => g.Element("text")!.Attribute("y")!.Value);
        Assert.Equal(["58", "46"], rows);
    }

    [Fact]
    public void A_state_chart_without_bands_says_so()
    {
        var svg = XElement.Parse(SvgChart.StateBands("t", 0, [], [("closed", "#2da44e")], []));
        Assert.Contains(svg.Elements("text"), text => text.Value == "no channels");
    }

    private static ChartSeries Line(string name, params double[] values) =>
        new(name, "#0969da", values.Select((value, second) => ((double)second, value)).ToList());
}
