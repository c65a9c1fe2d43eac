using Switch.Actors.Routing;

namespace Switch.Actors.Tests.Routing;

public sealed class BinTableTests
{
    private static BinRange Range(string low, string high, string issuer = "bank", string product = "classic") =>
        new(low, high, issuer, product, OnUs: true, []);

    private static BinRange Prefix(string prefix, string issuer = "bank") => Range(prefix, prefix, issuer);

    [Fact]
    public void An_exact_prefix_covers_every_pan_that_starts_with_it_and_nothing_else()
    {
        var visa = Prefix("476173");
        var table = new BinTable([visa]);

        Assert.Same(visa, table.Find("4761739001010010"));
        Assert.Same(visa, table.Find("476173"));
        Assert.Same(visa, table.Find("4761730000000000000"));
        Assert.Same(visa, table.Find("4761739999999999999"));
        Assert.Null(table.Find("4761729999999999"));
        Assert.Null(table.Find("4761740000000000"));
    }

    [Fact]
    public void A_range_covers_its_first_and_last_prefix_and_everything_between()
    {
        var range = Range("476173", "476179");
        var table = new BinTable([range]);

        Assert.Same(range, table.Find("4761730000000000"));
        Assert.Same(range, table.Find("4761765555555555"));
        Assert.Same(range, table.Find("4761799999999999"));
        Assert.Null(table.Find("4761729999999999"));
        Assert.Null(table.Find("4761800000000000"));
        Assert.Equal("476173-476179", range.ToString());
        Assert.Equal("476173", Prefix("476173").ToString());
    }

    [Fact]
    public void Among_overlapping_ranges_the_most_specific_wins()
    {
        var wide = Range("4", "4", issuer: "wide");
        var middle = Range("476100", "476199", issuer: "middle");
        var narrow = Prefix("476173", issuer: "narrow");
        var narrowest = Prefix("47617390", issuer: "narrowest");
        var table = new BinTable([wide, narrowest, middle, narrow]);

        Assert.Same(wide, table.Find("4000000000000000"));
        Assert.Same(wide, table.Find("4999999999999999"));
        Assert.Same(middle, table.Find("4761000000000000"));
        Assert.Same(middle, table.Find("4761729999999999"));
        Assert.Same(narrow, table.Find("4761730000000000"));
        Assert.Same(narrowest, table.Find("4761739001010010"));
        Assert.Same(narrow, table.Find("4761739100000000"));
        Assert.Same(middle, table.Find("4761740000000000"));
        Assert.Same(wide, table.Find("4762000000000000"));
        Assert.Null(table.Find("5000000000000000"));
    }

    [Fact]
    public void A_narrower_range_in_the_middle_of_a_wider_one_splits_it_and_the_wider_one_resumes_after()
    {
        var wide = Range("400000", "499999", issuer: "wide");
        var hole = Range("450000", "450000", issuer: "hole");
        var table = new BinTable([hole, wide]);

        Assert.Same(wide, table.Find("4499999999999999"));
        Assert.Same(hole, table.Find("4500000000000000"));
        Assert.Same(hole, table.Find("4500009999999999"));
        Assert.Same(wide, table.Find("4500010000000000"));
    }

    [Theory]
    [InlineData("476173000000")]          // 12 digits, the shortest card number
    [InlineData("4761730000000")]
    [InlineData("4761739001010010")]
    [InlineData("4761739001010010123")]   // 19 digits, the longest
    public void Card_numbers_of_12_to_19_digits_are_found(string pan)
    {
        var range = Prefix("476173");
        Assert.Same(range, new BinTable([range]).Find(pan));
    }

    [Fact]
    public void Only_the_first_twelve_digits_decide_so_a_twelve_digit_prefix_matches_longer_pans()
    {
        var twelve = Prefix("476173900101");
        var table = new BinTable([Prefix("476173"), twelve]);

        Assert.Same(twelve, table.Find("4761739001010010"));
        Assert.Same(twelve, table.Find("4761739001019999999"));
        Assert.NotSame(twelve, table.Find("4761739001020010"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4")]
    [InlineData("47617")]
    public void A_pan_shorter_than_six_digits_is_never_found(string pan)
    {
        var table = new BinTable([Range("4", "4"), Prefix("476173")]);
        Assert.Null(table.Find(pan));
    }

    [Theory]
    [InlineData("47617a9001010010")]
    [InlineData("4761 739001010010")]
    [InlineData("47617390010-0010")]
    [InlineData("-476173900101001")]
    [InlineData("４761739001010010")] // a full-width digit is not an ASCII digit
    public void A_pan_with_a_non_digit_in_its_first_twelve_characters_is_not_found(string pan)
    {
        var table = new BinTable([Range("0", "9")]);
        Assert.Null(table.Find(pan));
    }

    [Fact]
    public void An_empty_table_finds_nothing()
    {
        var table = new BinTable([]);
        Assert.Null(table.Find("4761739001010010"));
        Assert.Empty(table.Ranges);
    }

    [Fact]
    public void The_table_keeps_the_rows_as_configured()
    {
        BinRange[] rows = [Prefix("5"), Range("476173", "476179"), Prefix("4")];
        Assert.Equal(rows, new BinTable(rows).Ranges);
    }

    [Theory]
    [InlineData("", "476173")]
    [InlineData("476173", "")]
    [InlineData("47617a", "476179")]
    [InlineData("476173", "4761 9")]
    [InlineData("-47617", "476179")]
    [InlineData("4761730000000", "4761730000000")] // 13 digits: more than a prefix can have
    [InlineData("476179", "476173")]               // low above high
    [InlineData("5", "4")]
    public void A_malformed_range_is_rejected(string low, string high)
    {
        var error = Assert.Throws<ArgumentException>(() => new BinTable([Prefix("4"), Range(low, high)]));
        Assert.Contains("BIN range", error.Message);
    }

    [Fact]
    public void Prefixes_of_different_lengths_are_compared_on_their_first_digits()
    {
        // "4" to "4761" covers 400000000000..476199999999.
        var range = Range("4", "4761");
        var table = new BinTable([range]);

        Assert.Same(range, table.Find("4000000000000000"));
        Assert.Same(range, table.Find("4761999999999999"));
        Assert.Null(table.Find("4762000000000000"));
    }

    [Fact]
    public void Find_agrees_with_a_brute_force_search_over_five_thousand_random_ranges()
    {
        var random = new Random(20240615);
        var ranges = new List<BinRange>(5_000);
        for (var i = 0; i < 5_000; i++)
        {
            // Prefixes of 1 to 12 digits, concentrated under "4" and "5" so that ranges overlap a lot.
            var length = random.Next(1, 13);
            var low = RandomDigits(random, length, first: random.Next(2) == 0 ? '4' : '5');
            var high = random.Next(3) == 0 ? low : Above(random, low);
            ranges.Add(Range(low, high, issuer: "r" + i));
        }
        var table = new BinTable(ranges);
        var reference = ranges.Select(r => (Lo: Pad(r.Low, '0'), Hi: Pad(r.High, '9'), Range: r)).ToArray();

        for (var n = 0; n < 20_000; n++)
        {
            string pan;
            if (n % 2 == 0)
            {
                pan = RandomDigits(random, random.Next(12, 20), first: random.Next(2) == 0 ? '4' : '5');
            }
            else
            {
                // Right at a boundary of some range (its first or last number, or one past either end).
                var (lo, hi, _) = reference[random.Next(reference.Length)];
                var at = random.Next(4) switch { 0 => lo, 1 => hi, 2 => lo - 1, _ => hi + 1 };
                if (at is < 0 or > 999_999_999_999)
                    continue;
                pan = at.ToString("D12") + RandomDigits(random, random.Next(0, 8), first: null);
            }
            var key = long.Parse(pan[..12]);
            BinRange? expected = null;
            var bestWidth = long.MaxValue;
            foreach (var (lo, hi, range) in reference)
                if (lo <= key && key <= hi && hi - lo < bestWidth)
                    (expected, bestWidth) = (range, hi - lo);

            var found = table.Find(pan);
            Assert.True(ReferenceEquals(expected, found), $"PAN {pan}: expected {expected?.Issuer ?? "none"}, found {found?.Issuer ?? "none"}");
        }
    }

    private static long Pad(string prefix, char fill) => long.Parse(prefix.PadRight(12, fill));

    private static string RandomDigits(Random random, int length, char? first)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
            chars[i] = (char)('0' + random.Next(10));
        if (length > 0 && first is { } f)
            chars[0] = f;
        return new string(chars);
    }

    /// <summary>A prefix of the same length as <paramref name="low"/>, at or above it (so the range is valid).</summary>
    private static string Above(Random random, string low)
    {
        var value = long.Parse(low);
        var max = (long)Math.Pow(10, low.Length) - 1;
        var span = Math.Min(max - value, (long)Math.Pow(10, Math.Max(0, low.Length - 2)));
        return (value + random.NextInt64(0, span + 1)).ToString("D" + low.Length);
    }
}
