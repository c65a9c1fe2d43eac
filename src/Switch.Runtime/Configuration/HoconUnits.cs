using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Switch.Runtime.Configuration;

/// <summary>
/// Parses durations and sizes written as in HOCON (Typesafe Config, Akka): a number, optional whitespace and a unit,
/// e.g. <c>250ms</c>, <c>5 seconds</c>, <c>64KiB</c>, <c>10MB</c>. Units are case-sensitive.
/// </summary>
public static class HoconUnits
{
    private const string DurationUnits = "ns, us, ms, s, m, h or d";
    private const string SizeUnits = "B, kB, K/KiB, MB, M/MiB, GB, G/GiB, TB, T/TiB, PB, P/PiB, EB or E/EiB";

    // Ticks per unit; a tick is 100 ns.
    private static readonly FrozenDictionary<string, decimal> Durations = new (decimal Ticks, string[] Names)[]
    {
        (0.01m, ["ns", "nano", "nanos", "nanosecond", "nanoseconds"]),
        (10m, ["us", "micro", "micros", "microsecond", "microseconds"]),
        (TimeSpan.TicksPerMillisecond, ["", "ms", "milli", "millis", "millisecond", "milliseconds"]),
        (TimeSpan.TicksPerSecond, ["s", "second", "seconds"]),
        (TimeSpan.TicksPerMinute, ["m", "minute", "minutes"]),
        (TimeSpan.TicksPerHour, ["h", "hour", "hours"]),
        (TimeSpan.TicksPerDay, ["d", "day", "days"]),
    }.SelectMany(static u => u.Names.Select(name => KeyValuePair.Create(name, u.Ticks))).ToFrozenDictionary(StringComparer.Ordinal);

    // Bytes per unit: kB, MB... are powers of 1000; K, Ki, KiB... powers of 1024.
    private static readonly FrozenDictionary<string, decimal> Sizes = new (string Decimal, string Binary, string DecimalName, string BinaryName)[]
    {
        ("kB", "K", "kilo", "kibi"),
        ("MB", "M", "mega", "mebi"),
        ("GB", "G", "giga", "gibi"),
        ("TB", "T", "tera", "tebi"),
        ("PB", "P", "peta", "pebi"),
        ("EB", "E", "exa", "exbi"),
    }.SelectMany(static (p, i) => new[] { p.Decimal, p.DecimalName + "byte", p.DecimalName + "bytes" }
            .Select(name => KeyValuePair.Create(name, Power(1000, i + 1)))
            .Concat(new[] { p.Binary, p.Binary.ToLowerInvariant(), p.Binary + "i", p.Binary + "iB", p.BinaryName + "byte", p.BinaryName + "bytes" }
                .Select(name => KeyValuePair.Create(name, Power(1024, i + 1)))))
        .Concat(new[] { "", "B", "b", "byte", "bytes" }.Select(static name => KeyValuePair.Create(name, 1m)))
        .ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Parses a duration: a number (it may have a fraction or a sign) and a unit, <c>ns</c>, <c>us</c>, <c>ms</c>,
    /// <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c> or their long forms (<c>nanos</c>, <c>micros</c>, <c>millis</c>,
    /// <c>seconds</c>, <c>minutes</c>, <c>hours</c>, <c>days</c>...); a plain number is milliseconds. Rounded to the
    /// nearest tick (100 ns).
    /// </summary>
    /// <param name="text">The text, e.g. <c>250ms</c>, <c>5s</c>, <c>5 seconds</c>, <c>1.5h</c>.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="FormatException">The text is not a duration or it is out of <see cref="TimeSpan"/>'s range; the message says which.</exception>
    public static TimeSpan ParseDuration(string text) =>
        TryParseDuration(text, out TimeSpan duration, out string? error) ? duration : throw new FormatException(error);

    /// <summary>Parses a duration as <see cref="ParseDuration"/> does, returning false instead of throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration, when the text is one.</param>
    /// <returns>Whether the text is a duration.</returns>
    public static bool TryParseDuration([NotNullWhen(true)] string? text, out TimeSpan duration) => TryParseDuration(text, out duration, out _);

    /// <summary>
    /// Parses a size in bytes: a whole number of bytes, or a number and a unit: <c>B</c>; <c>kB</c>, <c>MB</c>,
    /// <c>GB</c>, <c>TB</c>, <c>PB</c>, <c>EB</c> (powers of 1000); <c>K</c>/<c>k</c>/<c>Ki</c>/<c>KiB</c>,
    /// <c>M</c>/<c>m</c>/<c>Mi</c>/<c>MiB</c>... (powers of 1024); or their long forms (<c>kilobytes</c>,
    /// <c>kibibytes</c>...). The number may have a fraction if the result is a whole number of bytes (<c>1.5KiB</c>);
    /// it may not be negative.
    /// </summary>
    /// <param name="text">The text, e.g. <c>64KiB</c>, <c>64k</c>, <c>10MB</c>, <c>1GiB</c>, <c>4096</c>.</param>
    /// <returns>The number of bytes.</returns>
    /// <exception cref="FormatException">The text is not a size or it is out of range; the message says which.</exception>
    public static long ParseSize(string text) =>
        TryParseSize(text, out long bytes, out string? error) ? bytes : throw new FormatException(error);

    /// <summary>Parses a size as <see cref="ParseSize"/> does, returning false instead of throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="bytes">The number of bytes, when the text is a size.</param>
    /// <returns>Whether the text is a size.</returns>
    public static bool TryParseSize([NotNullWhen(true)] string? text, out long bytes) => TryParseSize(text, out bytes, out _);

    internal static bool TryParseDuration([NotNullWhen(true)] string? text, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        duration = default;
        if (!TryParse(text, "duration", Durations, DurationUnits, "250ms or 5s", out decimal ticks, out error))
        {
            return false;
        }

        decimal rounded = Math.Round(ticks, MidpointRounding.AwayFromZero);
        if (rounded is < long.MinValue or > long.MaxValue)
        {
            error = $"\"{text}\" is out of range for a duration";
            return false;
        }

        duration = TimeSpan.FromTicks((long)rounded);
        return true;
    }

    internal static bool TryParseSize([NotNullWhen(true)] string? text, out long bytes, [NotNullWhen(false)] out string? error)
    {
        bytes = 0;
        if (!TryParse(text, "size", Sizes, SizeUnits, "64KiB or 10MB", out decimal value, out error))
        {
            return false;
        }

        error = value switch
        {
            < 0 => $"\"{text}\" is not a size: it is negative",
            > long.MaxValue => $"\"{text}\" is out of range for a size",
            _ when value != decimal.Truncate(value) => $"\"{text}\" is not a whole number of bytes",
            _ => null,
        };
        bytes = error is null ? (long)value : 0;
        return error is null;
    }

    /// <summary>Splits "number unit" and multiplies the number by the unit's factor.</summary>
    private static bool TryParse(
        [NotNullWhen(true)] string? text,
        string what,
        FrozenDictionary<string, decimal> units,
        string unitList,
        string examples,
        out decimal value,
        [NotNullWhen(false)] out string? error)
    {
        value = 0;
        ReadOnlySpan<char> trimmed = text.AsSpan().Trim();
        int unitStart = trimmed.IndexOfAnyExcept("0123456789.+-") is var end and >= 0 ? end : trimmed.Length;
        ReadOnlySpan<char> number = trimmed[..unitStart];
        string unit = trimmed[unitStart..].TrimStart().ToString();
        if (text is null || number.IsEmpty
            || !decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal amount))
        {
            error = $"\"{text}\" is not a {what}: expected a number and a unit ({unitList}), e.g. {examples}";
            return false;
        }

        if (!units.TryGetValue(unit, out decimal factor))
        {
            error = $"\"{text}\" is not a {what}: unknown unit \"{unit}\" (use {unitList})";
            return false;
        }

        try
        {
            value = amount * factor;
        }
        catch (OverflowException)
        {
            error = $"\"{text}\" is out of range for a {what}";
            return false;
        }

        error = null;
        return true;
    }

    private static decimal Power(int radix, int exponent) => Enumerable.Repeat((decimal)radix, exponent).Aggregate(1m, static (p, r) => p * r);
}
