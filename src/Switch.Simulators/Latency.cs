using System.Globalization;

namespace Switch.Simulators;

/// <summary>
/// How long the bank host takes to answer: none, fixed, uniform between two bounds, or log-normal (the usual shape
/// of service times: most answers near the median, a long tail up to the 99th percentile and beyond). Immutable.
/// </summary>
public sealed class Latency
{
    // The 99th percentile of the standard normal distribution.
    private const double Z99 = 2.3263478740408408;
    private static readonly long MaxTicks = TimeSpan.FromHours(1).Ticks;

    private readonly Shape _shape;
    private readonly TimeSpan _first;
    private readonly TimeSpan _second;

    private Latency(Shape shape, TimeSpan first, TimeSpan second)
    {
        _shape = shape;
        _first = first;
        _second = second;
    }

    private enum Shape
    {
        None,
        Fixed,
        Uniform,
        LogNormal,
    }

    /// <summary>Answers at once, without a timer.</summary>
    public static Latency None { get; } = new(Shape.None, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Every answer after exactly <paramref name="delay"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative or over an hour.</exception>
    public static Latency Fixed(TimeSpan delay)
    {
        Check(delay, nameof(delay));
        return delay == TimeSpan.Zero ? None : new(Shape.Fixed, delay, delay);
    }

    /// <summary>Delays spread evenly between <paramref name="min"/> and <paramref name="max"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bound is negative or over an hour, or <paramref name="max"/> is below <paramref name="min"/>.</exception>
    public static Latency Uniform(TimeSpan min, TimeSpan max)
    {
        Check(min, nameof(min));
        Check(max, nameof(max));
        if (max < min) throw new ArgumentOutOfRangeException(nameof(max), max, "the maximum is below the minimum");
        return new(Shape.Uniform, min, max);
    }

    /// <summary>
    /// Log-normal delays: half the answers within <paramref name="median"/>, 99% within <paramref name="p99"/>.
    /// Samples are capped at an hour.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="median"/> is not positive, or <paramref name="p99"/> is below it or over an hour.</exception>
    public static Latency LogNormal(TimeSpan median, TimeSpan p99)
    {
        if (median <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(median), median, "the median must be positive");
        Check(p99, nameof(p99));
        if (p99 < median) throw new ArgumentOutOfRangeException(nameof(p99), p99, "the 99th percentile is below the median");
        return new(Shape.LogNormal, median, p99);
    }

    /// <summary>The delay for one answer.</summary>
    internal TimeSpan Sample(in SeededDraws draws)
    {
        switch (_shape)
        {
            case Shape.None:
            case Shape.Fixed:
                return _first;
            case Shape.Uniform:
                return _first + (_second - _first) * draws.Next(Draw.Latency);
            default:
                // Box-Muller: a standard normal z from two uniform draws; 1 - u keeps the logarithm finite.
                var z = Math.Sqrt(-2 * Math.Log(1 - draws.Next(Draw.Latency))) * Math.Cos(2 * Math.PI * draws.Next(Draw.LatencyShape));
                var sigma = Math.Log((double)_second.Ticks / _first.Ticks) / Z99;
                var ticks = _first.Ticks * Math.Exp(sigma * z);
                return TimeSpan.FromTicks((long)Math.Min(ticks, MaxTicks));
        }
    }

    /// <inheritdoc />
    public override string ToString() => _shape switch
    {
        Shape.None => "none",
        Shape.Fixed => $"fixed {Ms(_first)}",
        Shape.Uniform => $"uniform {Ms(_first)}..{Ms(_second)}",
        _ => $"log-normal median {Ms(_first)} p99 {Ms(_second)}",
    };

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";

    private static void Check(TimeSpan delay, string name)
    {
        if (delay < TimeSpan.Zero || delay.Ticks > MaxTicks)
            throw new ArgumentOutOfRangeException(name, delay, "a delay is between zero and an hour");
    }
}
