using System.Globalization;
using System.Text;

namespace Switch.Runtime.Metrics;

/// <summary>
/// How instrument names, units and tags become Prometheus metric names and labels (the OpenTelemetry conventions):
/// <c>switch.channel.latency</c> with unit <c>s</c> is <c>switch_channel_latency_seconds</c>, a counter
/// <c>switch.channel.requests</c> is <c>switch_channel_requests_total</c>, tag <c>responseCode</c> is label
/// <c>response_code</c>.
/// </summary>
internal static class PrometheusNames
{
    /// <summary>The metric name: characters outside [a-zA-Z0-9_:] become '_', then the unit's suffix, then <c>_total</c> for counters.</summary>
    internal static string Metric(string instrumentName, string? unit, bool counter)
    {
        var name = Sanitize(instrumentName);
        if (UnitSuffix(unit) is { } suffix && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
            name += "_" + suffix;
        if (counter && !name.EndsWith("_total", StringComparison.Ordinal))
            name += "_total";
        return name;
    }

    /// <summary>A tag key as a label name: snake_case, characters outside [a-zA-Z0-9_] become '_'.</summary>
    internal static string Label(string key)
    {
        var name = new StringBuilder(key.Length + 4);
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (char.IsAsciiLetterUpper(c))
            {
                if (i > 0 && (char.IsAsciiLetterLower(key[i - 1]) || char.IsAsciiDigit(key[i - 1])))
                    name.Append('_');
                name.Append(char.ToLowerInvariant(c));
            }
            else
            {
                name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
            }
        }
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
            name.Insert(0, '_');
        return name.ToString();
    }

    /// <summary>
    /// The label list of a series, <c>a="x",b="y"</c>: sorted by label name (so tags given in any order make the
    /// same series), values escaped; a label name that occurs twice keeps its first value.
    /// </summary>
    internal static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
            return "";
        var labels = new (string Name, string Value)[tags.Length];
        for (var i = 0; i < tags.Length; i++)
            labels[i] = (Label(tags[i].Key), ValueText(tags[i].Value));
        Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var text = new StringBuilder();
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0 && labels[i].Name == labels[i - 1].Name)
                continue;
            if (text.Length > 0)
                text.Append(',');
            text.Append(labels[i].Name).Append("=\"");
            foreach (var c in labels[i].Value)
            {
                switch (c)
                {
                    case '\\': text.Append(@"\\"); break;
                    case '"': text.Append("\\\""); break;
                    case '\n': text.Append(@"\n"); break;
                    default: text.Append(c); break;
                }
            }
            text.Append('"');
        }
        return text.ToString();
    }

    private static string ValueText(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string? UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => null,
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        _ when unit.StartsWith('{') => null, // an annotation such as {request}: the name says what is counted
        _ => Sanitize(unit),
    };

    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name)
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
            text.Insert(0, '_');
        return text.ToString();
    }
}
