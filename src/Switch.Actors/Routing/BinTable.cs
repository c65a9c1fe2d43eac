namespace Switch.Actors.Routing;

/// <summary>
/// BIN ranges → the most specific range covering a card number. Overlapping ranges are allowed (a narrower range
/// overrides a wider one); the table is cut into disjoint intervals once, so a lookup is a binary search.
/// </summary>
public sealed class BinTable
{
    private const int Digits = 12;
    private readonly long[] _starts;   // interval i covers [_starts[i], _starts[i + 1])
    private readonly BinRange?[] _ranges;

    /// <summary>Builds the table; ranges are validated (digits only, low ≤ high, at most 12 digits).</summary>
    /// <exception cref="ArgumentException">A range is malformed.</exception>
    public BinTable(IEnumerable<BinRange> ranges)
    {
        Ranges = ranges.ToArray();
        var bounds = new List<(long Lo, long Hi, BinRange Range)>();
        foreach (var r in Ranges)
        {
            var lo = Normalize(r.Low, '0', r);
            var hi = Normalize(r.High, '9', r);
            if (lo > hi)
                throw new ArgumentException($"BIN range {r}: low is above high");
            bounds.Add((lo, hi, r));
        }
        var points = bounds.SelectMany(b => new[] { b.Lo, b.Hi + 1 }).Append(0).Distinct().Order().ToArray();
        _starts = points;
        _ranges = new BinRange?[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            BinRange? best = null;
            var bestWidth = long.MaxValue;
            foreach (var (lo, hi, range) in bounds)
                if (lo <= points[i] && points[i] <= hi && hi - lo < bestWidth)
                    (best, bestWidth) = (range, hi - lo);
            _ranges[i] = best;
        }
    }

    /// <summary>The rows as configured.</summary>
    public IReadOnlyList<BinRange> Ranges { get; }

    /// <summary>The most specific range covering <paramref name="pan"/>, or null.</summary>
    public BinRange? Find(ReadOnlySpan<char> pan)
    {
        if (pan.Length < 6 || pan.ContainsAnyExceptInRange('0', '9'))
            return null;
        long key = 0;
        for (var i = 0; i < Digits; i++)
            key = key * 10 + (i < pan.Length ? pan[i] - '0' : 0);
        var index = Array.BinarySearch(_starts, key);
        if (index < 0)
            index = ~index - 1;
        return _ranges[index];
    }

    private static long Normalize(string prefix, char fill, BinRange range)
    {
        if (prefix.Length is 0 or > Digits || !prefix.All(char.IsAsciiDigit))
            throw new ArgumentException($"BIN range {range}: '{prefix}' is not a prefix of 1 to {Digits} digits");
        return long.Parse(prefix.PadRight(Digits, fill));
    }
}
