namespace Switch.LoadTest.Report;

/// <summary>One line on an <see cref="SvgChart"/>.</summary>
/// <param name="Name">The legend entry.</param>
/// <param name="Colour">A CSS colour, e.g. "#1f6feb".</param>
/// <param name="Points">Values by second, in order; a NaN value breaks the line (nothing was measured then).</param>
/// <param name="Dashed">Draw the line dashed (for targets and other reference lines).</param>
internal sealed record ChartSeries(string Name, string Colour, IReadOnlyList<(double Second, double Value)> Points, bool Dashed = false);
