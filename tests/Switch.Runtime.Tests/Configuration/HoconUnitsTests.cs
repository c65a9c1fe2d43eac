using Switch.Runtime.Configuration;

namespace Switch.Runtime.Tests.Configuration;

public sealed class HoconUnitsTests
{
    [Theory]
    [InlineData("250ms", 250 * TimeSpan.TicksPerMillisecond)]
    [InlineData("250", 250 * TimeSpan.TicksPerMillisecond)]
    [InlineData("5s", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("5 seconds", 5 * TimeSpan.TicksPerSecond)]
    [InlineData(" 1 second ", TimeSpan.TicksPerSecond)]
    [InlineData("2m", 2 * TimeSpan.TicksPerMinute)]
    [InlineData("2 minutes", 2 * TimeSpan.TicksPerMinute)]
    [InlineData("1h", TimeSpan.TicksPerHour)]
    [InlineData("1.5h", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("1d", TimeSpan.TicksPerDay)]
    [InlineData("3 days", 3 * TimeSpan.TicksPerDay)]
    [InlineData("100us", 1000)]
    [InlineData("100 micros", 1000)]
    [InlineData("1500ns", 15)]
    [InlineData("20 millis", 20 * TimeSpan.TicksPerMillisecond)]
    [InlineData("0", 0)]
    [InlineData("-5s", -5 * TimeSpan.TicksPerSecond)]
    public void Durations(string text, long ticks)
    {
        Assert.Equal(TimeSpan.FromTicks(ticks), HoconUnits.ParseDuration(text));
        Assert.True(HoconUnits.TryParseDuration(text, out TimeSpan parsed));
        Assert.Equal(TimeSpan.FromTicks(ticks), parsed);
    }

    [Theory]
    [InlineData("fast", "\"fast\" is not a duration: expected a number and a unit")]
    [InlineData("", "\"\" is not a duration")]
    [InlineData("s", "\"s\" is not a duration")]
    [InlineData("5 sec", "\"5 sec\" is not a duration: unknown unit \"sec\" (use ns, us, ms, s, m, h or d)")]
    [InlineData("5S", "unknown unit \"S\"")]
    [InlineData("5 s s", "unknown unit \"s s\"")]
    [InlineData("1.2.3s", "\"1.2.3s\" is not a duration")]
    [InlineData("99999999999999d", "is out of range for a duration")]
    [InlineData("79228162514264337593543950335d", "is out of range for a duration")]
    public void Bad_durations(string text, string message)
    {
        Assert.Contains(message, Assert.Throws<FormatException>(() => HoconUnits.ParseDuration(text)).Message, StringComparison.Ordinal);
        Assert.False(HoconUnits.TryParseDuration(text, out _));
    }

    [Theory]
    [InlineData("64KiB", 64L * 1024)]
    [InlineData("64k", 64L * 1024)]
    [InlineData("64K", 64L * 1024)]
    [InlineData("64 kibibytes", 64L * 1024)]
    [InlineData("64kB", 64_000)]
    [InlineData("10MB", 10_000_000)]
    [InlineData("10 megabytes", 10_000_000)]
    [InlineData("10m", 10L * 1024 * 1024)]
    [InlineData("10MiB", 10L * 1024 * 1024)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("1G", 1L << 30)]
    [InlineData("1GB", 1_000_000_000)]
    [InlineData("2TiB", 2L << 40)]
    [InlineData("1EiB", 1L << 60)]
    [InlineData("4096", 4096)]
    [InlineData("12 bytes", 12)]
    [InlineData("12B", 12)]
    [InlineData("1.5KiB", 1536)]
    public void Sizes(string text, long bytes)
    {
        Assert.Equal(bytes, HoconUnits.ParseSize(text));
        Assert.True(HoconUnits.TryParseSize(text, out long parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("big", "\"big\" is not a size: expected a number and a unit")]
    [InlineData("10mb", "\"10mb\" is not a size: unknown unit \"mb\"")]
    [InlineData("10 KB", "unknown unit \"KB\"")]
    [InlineData("-1k", "\"-1k\" is not a size: it is negative")]
    [InlineData("1.3k", "\"1.3k\" is not a whole number of bytes")]
    [InlineData("0.5", "is not a whole number of bytes")]
    [InlineData("8EiB", "is out of range for a size")]
    public void Bad_sizes(string text, string message)
    {
        Assert.Contains(message, Assert.Throws<FormatException>(() => HoconUnits.ParseSize(text)).Message, StringComparison.Ordinal);
        Assert.False(HoconUnits.TryParseSize(text, out _));
    }

    [Fact]
    public void Null_is_not_a_value()
    {
        Assert.False(HoconUnits.TryParseDuration(null, out _));
        Assert.False(HoconUnits.TryParseSize(null, out _));
    }
}
