namespace Switch.LoadTest.Report;

/// <summary>Questions about the run's seconds that several parts of the report ask.</summary>
internal static class TimeSeries
{
    /// <summary>Every channel that appears in the run, sorted by name (ordinal).</summary>
    public static IReadOnlyList<string> ChannelNames(RunReport report) =>
        report.PerChannel.Keys
            .Concat(report.Seconds.SelectMany(second => second.Channels.Keys))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The <paramref name="count"/> response codes with the most answers summed over <paramref name="seconds"/>,
    /// most frequent first (ties by code), leaving out <paramref name="excluded"/>.
    /// </summary>
    public static IReadOnlyList<string> TopResponseCodes(IReadOnlyList<SecondSample> seconds, int count, params string[] excluded)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var second in seconds)
        {
            foreach (var (code, answers) in second.ResponseCodes)
                totals[code] = totals.GetValueOrDefault(code) + answers;
        }
        return totals
            .Where(total => total.Value > 0 && !excluded.Contains(total.Key, StringComparer.Ordinal))
            .OrderByDescending(total => total.Value)
            .ThenBy(total => total.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(total => total.Key)
            .ToList();
    }
}
