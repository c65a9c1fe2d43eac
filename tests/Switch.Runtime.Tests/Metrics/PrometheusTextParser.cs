using System.Globalization;
using System.Text;

namespace Switch.Runtime.Tests.Metrics;

/// <summary>
/// A strict reader of the Prometheus text exposition format, version 0.0.4, for tests: it parses <c># HELP</c>,
/// <c># TYPE</c> and sample lines and throws <see cref="FormatException"/> (with the line number) on anything a
/// Prometheus server would reject or misread: bad metric or label names, bad escapes, duplicate labels or series,
/// a family split in two groups, a TYPE after its samples, a sample outside its family's names, a negative counter,
/// and histograms whose buckets are not ascending, not cumulative, lack <c>+Inf</c>, or whose <c>+Inf</c> bucket
/// differs from <c>_count</c>. Self-contained (no test framework), so other test projects can link it.
/// </summary>
internal static class PrometheusTextParser
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static PrometheusScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && !text.EndsWith('\n'))
            throw new FormatException("the exposition must end with a line feed");
        var families = new Dictionary<string, FamilyBuilder>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        FamilyBuilder? current = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var number = i + 1;
            try
            {
                if (line.Length == 0)
                    continue;
                if (line[0] == '#')
                {
                    var parts = line.Split(' ', 4);
                    if (parts.Length < 3 || parts[0] != "#" || parts[1] is not ("HELP" or "TYPE"))
                        continue; // a plain comment
                    var name = parts[2];
                    CheckMetricName(name);
                    var family = Enter(name);
                    if (parts[1] == "HELP")
                    {
                        if (family.Help is not null)
                            throw new FormatException($"a second HELP for {name}");
                        family.Help = parts.Length == 4 ? UnescapeHelp(parts[3]) : "";
                    }
                    else
                    {
                        if (family.Type is not null)
                            throw new FormatException($"a second TYPE for {name}");
                        if (family.Samples.Count > 0)
                            throw new FormatException($"the TYPE of {name} comes after its samples");
                        var type = parts.Length == 4 ? parts[3] : "";
                        if (!Types.Contains(type))
                            throw new FormatException($"unknown type '{type}' for {name}");
                        family.Type = type;
                    }
                    continue;
                }
                var sample = ParseSample(line);
                var owner = current is not null && current.Owns(sample.Name) ? current : Enter(FamilyOf(sample.Name, families));
                if (!owner.Owns(sample.Name))
                    throw new FormatException($"sample {sample.Name} does not belong to the {owner.Type} {owner.Name}");
                owner.Add(sample);
            }
            catch (FormatException error)
            {
                throw new FormatException($"line {number}: {error.Message}: {line}", error);
            }
        }
        var result = new Dictionary<string, MetricFamily>(StringComparer.Ordinal);
        foreach (var (name, family) in families)
        {
            try
            {
                result[name] = family.Build();
            }
            catch (FormatException error)
            {
                throw new FormatException($"metric {name}: {error.Message}", error);
            }
        }
        return new PrometheusScrape(result);

        FamilyBuilder Enter(string name)
        {
            if (current?.Name == name)
                return current;
            if (current is not null)
                finished.Add(current.Name);
            if (finished.Contains(name))
                throw new FormatException($"the lines of {name} are not one group");
            if (!families.TryGetValue(name, out var family))
                families[name] = family = new FamilyBuilder(name);
            return current = family;
        }
    }

    /// <summary>The family a sample name belongs to: its own, or a histogram's (name_bucket, _sum, _count) or summary's.</summary>
    private static string FamilyOf(string sample, Dictionary<string, FamilyBuilder> families)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal)
                && families.TryGetValue(sample[..^suffix.Length], out var family) && family.Type is "histogram" or "summary")
                return family.Name;
        }
        return sample;
    }

    private static Sample ParseSample(string line)
    {
        var at = 0;
        while (at < line.Length && line[at] is not ('{' or ' '))
            at++;
        var name = line[..at];
        CheckMetricName(name);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (at < line.Length && line[at] == '{')
        {
            at++;
            while (true)
            {
                if (at >= line.Length)
                    throw new FormatException("unterminated label list");
                if (line[at] == '}')
                {
                    at++;
                    break;
                }
                var equals = line.IndexOf('=', at);
                if (equals < 0)
                    throw new FormatException("a label without '='");
                var label = line[at..equals];
                CheckLabelName(label);
                at = equals + 1;
                if (at >= line.Length || line[at] != '"')
                    throw new FormatException($"label {label}: the value is not quoted");
                at++;
                var value = new StringBuilder();
                while (true)
                {
                    if (at >= line.Length)
                        throw new FormatException($"label {label}: unterminated value");
                    var c = line[at++];
                    if (c == '"')
                        break;
                    if (c != '\\')
                    {
                        value.Append(c);
                        continue;
                    }
                    if (at >= line.Length)
                        throw new FormatException($"label {label}: a lone backslash");
                    value.Append(line[at++] switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        var other => throw new FormatException($"label {label}: unknown escape \\{other}"),
                    });
                }
                if (!labels.TryAdd(label, value.ToString()))
                    throw new FormatException($"label {label} twice");
                if (at < line.Length && line[at] == ',')
                    at++;
                else if (at >= line.Length || line[at] != '}')
                    throw new FormatException($"after label {label}: expected ',' or '}}'");
            }
        }
        if (at >= line.Length || line[at] != ' ')
            throw new FormatException("expected a space before the value");
        var fields = line[(at + 1)..].Split(' ');
        if (fields.Length is < 1 or > 2)
            throw new FormatException("expected a value and an optional timestamp");
        if (fields.Length == 2 && !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw new FormatException($"bad timestamp '{fields[1]}'");
        return new Sample(name, labels, ParseValue(fields[0]));
    }

    internal static double ParseValue(string text) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw new FormatException($"bad value '{text}'"),
    };

    private static string UnescapeHelp(string text)
    {
        var help = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                help.Append(text[i]);
                continue;
            }
            if (++i >= text.Length)
                throw new FormatException("HELP ends with a lone backslash");
            help.Append(text[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                var other => throw new FormatException($"HELP: unknown escape \\{other}"),
            });
        }
        return help.ToString();
    }

    private static void CheckMetricName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':'))
            throw new FormatException($"invalid metric name '{name}'");
    }

    private static void CheckLabelName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new FormatException($"invalid label name '{name}'");
        if (name.StartsWith("__", StringComparison.Ordinal))
            throw new FormatException($"label name '{name}' is reserved");
    }

    private static string SeriesKey(string name, IReadOnlyDictionary<string, string> labels, string? without = null) =>
        name + "{" + string.Join(",", labels.Where(l => l.Key != without).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";

    private sealed class FamilyBuilder(string name)
    {
        private readonly HashSet<string> _series = new(StringComparer.Ordinal);

        public string Name { get; } = name;

        public string? Help { get; set; }

        public string? Type { get; set; }

        public List<Sample> Samples { get; } = [];

        public bool Owns(string sample) => sample == Name
            || (Type is "histogram" && (sample == Name + "_bucket" || sample == Name + "_sum" || sample == Name + "_count"))
            || (Type is "summary" && (sample == Name + "_sum" || sample == Name + "_count"));

        public void Add(Sample sample)
        {
            if (!_series.Add(SeriesKey(sample.Name, sample.Labels)))
                throw new FormatException($"series {SeriesKey(sample.Name, sample.Labels)} twice");
            if (Type == "counter" && !(sample.Value >= 0))
                throw new FormatException($"counter {sample.Name} is {sample.Value}");
            if (Type == "histogram" && sample.Name == Name + "_bucket" && !sample.Labels.ContainsKey("le"))
                throw new FormatException("a bucket without le");
            Samples.Add(sample);
        }

        public MetricFamily Build()
        {
            if (Type == "histogram")
                CheckHistogram();
            return new MetricFamily(Name, Type ?? "untyped", Help, Samples);
        }

        private void CheckHistogram()
        {
            var buckets = Samples.Where(s => s.Name == Name + "_bucket").GroupBy(s => SeriesKey(Name, s.Labels, without: "le"));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var group in buckets)
            {
                seen.Add(group.Key);
                var previousBound = double.NegativeInfinity;
                var previousCount = 0.0;
                foreach (var bucket in group)
                {
                    var bound = ParseValue(bucket.Labels["le"]);
                    if (!(bound > previousBound))
                        throw new FormatException($"{group.Key}: le {bucket.Labels["le"]} does not ascend");
                    if (bucket.Value < previousCount)
                        throw new FormatException($"{group.Key}: bucket le={bucket.Labels["le"]} ({bucket.Value}) below the one before ({previousCount}): not cumulative");
                    previousBound = bound;
                    previousCount = bucket.Value;
                }
                if (!double.IsPositiveInfinity(previousBound))
                    throw new FormatException($"{group.Key}: no +Inf bucket last");
                var count = Samples.SingleOrDefault(s => s.Name == Name + "_count" && SeriesKey(Name, s.Labels) == group.Key)
                    ?? throw new FormatException($"{group.Key}: no _count");
                if (count.Value != previousCount)
                    throw new FormatException($"{group.Key}: +Inf bucket {previousCount} differs from _count {count.Value}");
                if (!Samples.Any(s => s.Name == Name + "_sum" && SeriesKey(Name, s.Labels) == group.Key))
                    throw new FormatException($"{group.Key}: no _sum");
            }
            foreach (var other in Samples.Where(s => s.Name != Name + "_bucket"))
            {
                if (!seen.Contains(SeriesKey(Name, other.Labels)))
                    throw new FormatException($"{other.Name} {SeriesKey(Name, other.Labels)} has no buckets");
            }
        }
    }
}

/// <summary>What a scrape held: the metric families by name.</summary>
internal sealed class PrometheusScrape(IReadOnlyDictionary<string, MetricFamily> families)
{
    public IReadOnlyDictionary<string, MetricFamily> Families { get; } = families;

    /// <summary>The family named <paramref name="name"/>; throws when there is none.</summary>
    public MetricFamily this[string name] =>
        Families.TryGetValue(name, out var family) ? family : throw new KeyNotFoundException($"no metric {name} in the scrape");

    /// <summary>
    /// The value of sample <paramref name="sample"/> (e.g. <c>x_total</c>, <c>h_bucket</c>) whose labels are exactly
    /// <paramref name="labels"/>, or null when there is no such sample.
    /// </summary>
    public double? Value(string sample, params (string Name, string Value)[] labels)
    {
        foreach (var family in Families.Values)
        {
            foreach (var s in family.Samples)
            {
                if (s.Name == sample && s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value))
                    return s.Value;
            }
        }
        return null;
    }
}

/// <summary>One metric: its name (for counters, with <c>_total</c>), type, help, and samples in the order written.</summary>
internal sealed record MetricFamily(string Name, string Type, string? Help, IReadOnlyList<Sample> Samples);

/// <summary>One sample line.</summary>
internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
