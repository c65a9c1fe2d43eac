using System.Globalization;
using System.Text;
using static System.Net.WebUtility;

namespace Switch.LoadTest.Report;

/// <summary>
/// Draws the report's charts as inline SVG over seconds since the start of the run, with every chaos mark as a
/// dashed vertical line labelled with its kind. The svg element carries no xmlns: inside an HTML5 page the parser
/// puts it in the SVG namespace anyway, and the page stays free of URLs.
/// </summary>
internal static class SvgChart
{
    private const double Width = 960;
    private const double Left = 120;
    private const double Right = 24;
    private const double Top = 64;
    private const double Bottom = 40;
    private const double LineChartHeight = 300;
    private const double BandHeight = 20;
    private const double BandGap = 8;
    private const int BandLabelLength = 16;
    private const int YTicks = 5;
    private const int XTicks = 10;
    private const int MarkLabelRows = 3;
    private const double CharWidth = 6.5;
    private const string TextColour = "#57606a";
    private const string AxisColour = "#8c959f";
    private const string GridColour = "#e8eaed";
    private const string MarkColour = "#3b4048";
    private const string EmptyBandColour = "#f6f8fa";

    /// <summary>A line chart: one polyline per series, the y axis from zero to a round number above the highest value.</summary>
    /// <param name="title">What the chart shows, for screen readers.</param>
    /// <param name="unit">The y axis title, e.g. "ms".</param>
    /// <param name="seconds">Length of the x axis, in seconds.</param>
    /// <param name="series">The lines, drawn in order (the last on top).</param>
    /// <param name="marks">The chaos marks.</param>
    public static string Lines(string title, string unit, double seconds, IReadOnlyList<ChartSeries> series, IReadOnlyList<ChaosMark> marks)
    {
        var frame = new Frame(Span(seconds), Top, LineChartHeight - Bottom);
        var values = series.SelectMany(line => line.Points).Select(point => point.Value).Where(double.IsFinite).ToList();
        var (yMax, yStep) = NiceAxis(values.Count == 0 ? 0 : values.Max(), YTicks);
        var svg = Open(title, LineChartHeight);

        var legendX = Left;
        foreach (var line in series)
        {
            svg.Append($"""<line x1="{F(legendX)}" y1="16" x2="{F(legendX + 18)}" y2="16" stroke="{HtmlEncode(line.Colour)}" stroke-width="2"{Dash(line)}/>""");
            legendX = LegendLabel(svg, legendX, line.Name);
        }

        for (var tick = 0; tick * yStep <= yMax * (1 + 1e-9); tick++)
        {
            var value = tick * yStep;
            var y = frame.Y(value, yMax);
            svg.Append($"""<line x1="{F(Left)}" y1="{F(y)}" x2="{F(Width - Right)}" y2="{F(y)}" stroke="{GridColour}"/>""");
            svg.Append($"""<text x="{F(Left - 6)}" y="{F(y + 4)}" text-anchor="end">{Tick(value)}</text>""");
        }
        var middle = (frame.Top + frame.Bottom) / 2;
        svg.Append($"""<text x="{F(Left - 56)}" y="{F(middle)}" text-anchor="middle" transform="rotate(-90 {F(Left - 56)} {F(middle)})">{HtmlEncode(unit)}</text>""");
        XAxis(svg, frame);

        if (values.Count == 0)
            Note(svg, frame, "no samples");
        foreach (var line in series)
            Polylines(svg, frame, yMax, line);
        Marks(svg, frame, marks);
        return svg.Append("</svg>").ToString();
    }

    /// <summary>A state chart: one horizontal band per <paramref name="bands"/> entry, a coloured segment per run of equal states.</summary>
    /// <param name="title">What the chart shows, for screen readers.</param>
    /// <param name="seconds">Length of the x axis, in seconds.</param>
    /// <param name="bands">The bands, top to bottom.</param>
    /// <param name="palette">Each state and its CSS colour, in legend order; states not in it are left blank.</param>
    /// <param name="marks">The chaos marks.</param>
    public static string StateBands(string title, double seconds, IReadOnlyList<StateBand> bands,
        IReadOnlyList<(string State, string Colour)> palette, IReadOnlyList<ChaosMark> marks)
    {
        var rows = Math.Max(1, bands.Count);
        var height = Top + rows * (BandHeight + BandGap) + Bottom;
        var frame = new Frame(Span(seconds), Top, height - Bottom);
        var colours = palette.ToDictionary(entry => entry.State, entry => entry.Colour, StringComparer.Ordinal);
        var svg = Open(title, height);

        var legendX = Left;
        foreach (var (state, colour) in palette)
        {
            svg.Append($"""<rect x="{F(legendX)}" y="10" width="18" height="12" fill="{HtmlEncode(colour)}"/>""");
            legendX = LegendLabel(svg, legendX, state);
        }
        XAxis(svg, frame);

        for (var i = 0; i < bands.Count; i++)
        {
            var band = bands[i];
            var y = Top + i * (BandHeight + BandGap) + BandGap / 2;
            var label = band.Label.Length > BandLabelLength ? band.Label[..(BandLabelLength - 1)] + "…" : band.Label;
            svg.Append($"""<text x="{F(Left - 8)}" y="{F(y + BandHeight / 2 + 4)}" text-anchor="end"><title>{HtmlEncode(band.Label)}</title>{HtmlEncode(label)}</text>""");
            svg.Append($"""<rect x="{F(Left)}" y="{F(y)}" width="{F(Width - Left - Right)}" height="{F(BandHeight)}" fill="{EmptyBandColour}"/>""");
            foreach (var (from, to, state) in Runs(band.States))
            {
                if (!colours.TryGetValue(state, out var colour)) continue;
                var x = frame.X(from);
                svg.Append($"""<rect x="{F(x)}" y="{F(y)}" width="{F(frame.X(to) - x)}" height="{F(BandHeight)}" fill="{HtmlEncode(colour)}"><title>{HtmlEncode(band.Label)}: {HtmlEncode(state)} {Tick(from)}–{Tick(to)} s</title></rect>""");
            }
        }
        if (bands.Count == 0)
            Note(svg, frame, "no channels");
        Marks(svg, frame, marks);
        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// An axis from zero to a round number at or above <paramref name="max"/>, with a step of 1, 2, 2.5 or 5 times a
    /// power of ten giving about <paramref name="ticks"/> intervals. Zero, negative or non-finite maxima give 0..1.
    /// </summary>
    internal static (double Max, double Step) NiceAxis(double max, int ticks)
    {
        if (!double.IsFinite(max) || max <= 0) return (1, 0.2);
        var rough = max / ticks;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = (rough / magnitude) switch
        {
            <= 1 => 1,
            <= 2 => 2,
            <= 2.5 => 2.5,
            <= 5 => 5,
            _ => 10,
        } * magnitude;
        // The small tolerance keeps 0.3 / 0.1 = 3.0000000000000004 from adding an empty interval.
        return (Math.Ceiling(max / step - 1e-9) * step, step);
    }

    private static StringBuilder Open(string title, double height) =>
        new StringBuilder().Append($"""<svg class="chart" viewBox="0 0 {F(Width)} {F(height)}" font-size="11" fill="{TextColour}" role="img" aria-label="{HtmlEncode(title)}">""");

    private static double LegendLabel(StringBuilder svg, double x, string name)
    {
        svg.Append($"""<text x="{F(x + 23)}" y="20">{HtmlEncode(name)}</text>""");
        return x + 23 + name.Length * CharWidth + 18;
    }

    private static void XAxis(StringBuilder svg, Frame frame)
    {
        var (_, step) = NiceAxis(frame.Seconds, XTicks);
        for (var tick = 0; tick * step <= frame.Seconds * (1 + 1e-9); tick++)
        {
            var x = frame.X(tick * step);
            svg.Append($"""<line x1="{F(x)}" y1="{F(frame.Top)}" x2="{F(x)}" y2="{F(frame.Bottom)}" stroke="{GridColour}"/>""");
            svg.Append($"""<text x="{F(x)}" y="{F(frame.Bottom + 16)}" text-anchor="middle">{Tick(tick * step)}</text>""");
        }
        svg.Append($"""<line x1="{F(Left)}" y1="{F(frame.Bottom)}" x2="{F(Width - Right)}" y2="{F(frame.Bottom)}" stroke="{AxisColour}"/>""");
        svg.Append($"""<line x1="{F(Left)}" y1="{F(frame.Top)}" x2="{F(Left)}" y2="{F(frame.Bottom)}" stroke="{AxisColour}"/>""");
        svg.Append($"""<text x="{F((Left + Width - Right) / 2)}" y="{F(frame.Bottom + 34)}" text-anchor="middle">seconds since start</text>""");
    }

    // A NaN value breaks the line; a point with no neighbour in its run is drawn as a dot so that it is visible.
    private static void Polylines(StringBuilder svg, Frame frame, double yMax, ChartSeries line)
    {
        var colour = HtmlEncode(line.Colour);
        svg.Append($"""<g><title>{HtmlEncode(line.Name)}</title>""");
        var run = new List<(double X, double Y)>();
        foreach (var (second, value) in line.Points.Append((double.NaN, double.NaN)))
        {
            if (double.IsFinite(second) && double.IsFinite(value))
            {
                run.Add((frame.X(second), frame.Y(Math.Clamp(value, 0, yMax), yMax)));
                continue;
            }
            if (run.Count == 1)
                svg.Append($"""<circle cx="{F(run[0].X)}" cy="{F(run[0].Y)}" r="2.5" fill="{colour}"/>""");
            else if (run.Count > 1)
                svg.Append($"""<polyline points="{string.Join(' ', run.Select(point => $"{F(point.X)},{F(point.Y)}"))}" fill="none" stroke="{colour}" stroke-width="1.5" stroke-linejoin="round"{Dash(line)}/>""");
            run.Clear();
        }
        svg.Append("</g>");
    }

    // Mark labels sit in a strip above the plot so that they never hide data; labels of marks close together
    // would overlap, so each goes on the lowest of a few rows where it fits.
    private static void Marks(StringBuilder svg, Frame frame, IReadOnlyList<ChaosMark> marks)
    {
        var rowEnds = Enumerable.Repeat(double.NegativeInfinity, MarkLabelRows).ToArray();
        foreach (var mark in marks.OrderBy(mark => mark.AtSeconds))
        {
            var x = frame.X(Math.Clamp(mark.AtSeconds, 0, frame.Seconds));
            var width = mark.Kind.Length * CharWidth + 6;
            var leftOfLine = x + width > Width - Right;
            var start = leftOfLine ? x - width : x;
            var row = Array.FindIndex(rowEnds, end => end < start);
            if (row < 0) row = Array.IndexOf(rowEnds, rowEnds.Min());
            rowEnds[row] = start + width;
            var labelY = frame.Top - 6 - row * 12;
            svg.Append($"""<g class="mark"><title>{Tick(mark.AtSeconds)} s: {HtmlEncode(mark.Kind)} — {HtmlEncode(mark.Description)}</title>""");
            svg.Append($"""<line x1="{F(x)}" y1="{F(labelY - 9)}" x2="{F(x)}" y2="{F(frame.Bottom)}" stroke="{MarkColour}" stroke-dasharray="5 4"/>""");
            svg.Append($"""<text x="{F(leftOfLine ? x - 3 : x + 3)}" y="{F(labelY)}" text-anchor="{(leftOfLine ? "end" : "start")}" fill="{MarkColour}">{HtmlEncode(mark.Kind)}</text></g>""");
        }
    }

    private static void Note(StringBuilder svg, Frame frame, string text) =>
        svg.Append($"""<text x="{F((Left + Width - Right) / 2)}" y="{F((frame.Top + frame.Bottom) / 2 + 4)}" text-anchor="middle" font-size="13">{text}</text>""");

    private static IEnumerable<(int From, int To, string State)> Runs(IReadOnlyList<(int Second, string State)> states)
    {
        var i = 0;
        while (i < states.Count)
        {
            var (from, state) = states[i];
            var to = from + 1;
            for (i++; i < states.Count && states[i].Second == to && states[i].State == state; i++) to++;
            yield return (from, to, state);
        }
    }

    private static double Span(double seconds) => double.IsFinite(seconds) && seconds > 0 ? seconds : 1;

    private static string Dash(ChartSeries line) => line.Dashed ? " stroke-dasharray=\"6 4\"" : "";

    private static string Tick(double value) => value.ToString("#,0.###", CultureInfo.InvariantCulture);

    private static string F(double coordinate) => coordinate.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The plot area: seconds map to x between the side margins, values to y between top and bottom.</summary>
    private readonly record struct Frame(double Seconds, double Top, double Bottom)
    {
        public double X(double second) => Left + second / Seconds * (Width - Left - Right);

        public double Y(double value, double max) => Bottom - value / max * (Bottom - Top);
    }
}
