using Switch.LoadTest.Load;
using Switch.LoadTest.Scenarios;

namespace Switch.LoadTest.Tests.Load;

public sealed class CardPopulationTests
{
    private static readonly BankSettings[] Banks =
    [
        new("bank-a", "411111", 3, TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(10), 0, 1, TimeSpan.FromSeconds(5)),
        new("bank-b", "422222", 1, TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(10), 0, 1, TimeSpan.FromSeconds(5)),
    ];

    [Fact]
    public void Every_card_number_is_luhn_valid_and_carries_its_issuers_bin()
    {
        var cards = new CardPopulation(new CardSettings(2000, 1, 1), Banks, seed: 7);

        var issuers = new Dictionary<string, int>();
        for (var rank = 0; rank < cards.Count; rank++)
        {
            var pan = cards[rank].Pan;
            Assert.Equal(16, pan.Length);
            Assert.True(IsLuhnValid(pan), pan);
            var issuer = cards.IssuerOf(rank);
            Assert.StartsWith(issuer switch { "bank-a" => "411111", "bank-b" => "422222", _ => "627700" }, pan);
            issuers[issuer] = issuers.GetValueOrDefault(issuer) + 1;
        }
        Assert.Equal(2000, Enumerable.Range(0, cards.Count).Select(r => cards[r].Pan).Distinct().Count());
        // Shares 3 : 1 : 1 over 2000 cards.
        Assert.InRange(issuers["bank-a"], 1050, 1350);
        Assert.InRange(issuers["bank-b"], 300, 500);
        Assert.InRange(issuers[CardPopulation.OnUs], 300, 500);
    }

    [Fact]
    public void Zipf_draws_favour_the_first_ranks_and_exponent_zero_is_uniform()
    {
        var skewed = new CardPopulation(new CardSettings(10_000, 1.0, 0), Banks, seed: 1);
        var uniform = new CardPopulation(new CardSettings(10_000, 0, 0), Banks, seed: 1);
        var random = new Random(3);
        int skewedTop = 0, uniformTop = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var u = random.NextDouble();
            if (skewed.Draw(u) < 100) skewedTop++;
            if (uniform.Draw(u) < 100) uniformTop++;
        }
        // With s = 1 the top 1 % of 10,000 cards carry H(100)/H(10000) = 5.19/9.79, about 53 % of the draws.
        Assert.InRange(skewedTop, 50_000, 56_000);
        Assert.InRange(uniformTop, 800, 1_200);
    }

    [Fact]
    public void The_same_seed_gives_the_same_cards()
    {
        var a = new CardPopulation(new CardSettings(100, 1, 1), Banks, seed: 42);
        var b = new CardPopulation(new CardSettings(100, 1, 1), Banks, seed: 42);
        Assert.Equal(Enumerable.Range(0, 100).Select(r => a[r].Pan), Enumerable.Range(0, 100).Select(r => b[r].Pan));
    }

    private static bool IsLuhnValid(string pan) => CardPopulation.LuhnDigit(pan[..^1]) == pan[^1];
}
