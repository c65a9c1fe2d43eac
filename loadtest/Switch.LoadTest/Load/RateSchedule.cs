using Switch.LoadTest.Scenarios;

namespace Switch.LoadTest.Load;

/// <summary>
/// The open-loop timetable: when each request is due, from the phases' rates (linear ramps included). Requests are
/// numbered in order; request i is due at the time the integral of the rate reaches i + 1/2, so a steady 100/s sends
/// at 5 ms, 15 ms, 25 ms ... Saturating phases send nothing on the timetable (they are closed loop).
/// </summary>
internal sealed class RateSchedule
{
    private readonly Segment[] _segments;

    public RateSchedule(IReadOnlyList<LoadPhase> phases)
    {
        var segments = new List<Segment>();
        double start = 0, before = 0;
        foreach (var phase in phases)
        {
            var length = phase.Duration.TotalSeconds;
            var (from, to) = phase.Saturate ? (0.0, 0.0) : (phase.Rate, phase.ToRate);
            segments.Add(new Segment(start, length, from, to, before, phase));
            before += (from + to) / 2 * length;
            start += length;
        }
        _segments = segments.ToArray();
        Total = (long)Math.Floor(before + 0.5);
        Duration = TimeSpan.FromSeconds(start);
    }

    /// <summary>Requests on the timetable in all.</summary>
    public long Total { get; }

    public TimeSpan Duration { get; }

    /// <summary>How many requests are due by <paramref name="elapsed"/> (those numbered below the result).</summary>
    public long DueBy(TimeSpan elapsed)
    {
        var t = elapsed.TotalSeconds;
        if (t >= Duration.TotalSeconds)
            return Total;
        var s = SegmentAt(t);
        var x = t - s.Start;
        var sent = s.Before + s.From * x + (s.To - s.From) * x * x / (2 * s.Length);
        return Math.Min(Total, (long)Math.Floor(sent + 0.5));
    }

    /// <summary>When request <paramref name="index"/> is due, from the run's start.</summary>
    public TimeSpan DueAt(long index)
    {
        var target = index + 0.5;
        var s = _segments[^1];
        foreach (var segment in _segments)
            if (segment.Before + (segment.From + segment.To) / 2 * segment.Length >= target)
            {
                s = segment;
                break;
            }
        var need = target - s.Before;
        var slope = (s.To - s.From) / s.Length;
        double x;
        if (Math.Abs(slope) < 1e-12)
            x = s.From > 0 ? need / s.From : 0;
        else
            x = (-s.From + Math.Sqrt(Math.Max(0, s.From * s.From + 2 * slope * need))) / slope;
        return TimeSpan.FromSeconds(s.Start + Math.Clamp(x, 0, s.Length));
    }

    /// <summary>The target rate at <paramref name="elapsed"/> (0 in saturating phases, which have none).</summary>
    public double RateAt(TimeSpan elapsed)
    {
        var t = elapsed.TotalSeconds;
        if (t < 0 || t >= Duration.TotalSeconds)
            return 0;
        var s = SegmentAt(t);
        return s.From + (s.To - s.From) * (t - s.Start) / s.Length;
    }

    /// <summary>The phase running at <paramref name="elapsed"/> (the last one after the end).</summary>
    public LoadPhase PhaseAt(TimeSpan elapsed) => SegmentAt(elapsed.TotalSeconds).Phase;

    private Segment SegmentAt(double t)
    {
        foreach (var segment in _segments)
            if (t < segment.Start + segment.Length)
                return segment;
        return _segments[^1];
    }

    private sealed record Segment(double Start, double Length, double From, double To, double Before, LoadPhase Phase);
}
