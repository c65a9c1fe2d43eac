using Switch.LoadTest.Scenarios;
using Switch.Simulators;

namespace Switch.LoadTest.Load;

/// <summary>
/// The cards the acquirer side uses: <see cref="CardSettings.Count"/> Luhn-valid card numbers, each issued by one of
/// the scenario's banks (by its BIN) or on-us, drawn with a Zipf-like popularity: the card of rank k comes up with
/// weight 1/k^s, as a few cards (commuters, shops' own cards) carry much of a real day's traffic.
/// </summary>
internal sealed class CardPopulation
{
    private readonly Card[] _cards;
    private readonly string[] _issuers;
    private readonly double[] _cumulative;

    public CardPopulation(CardSettings settings, IReadOnlyList<BankSettings> banks, int seed)
    {
        var random = new Random(seed);
        var issuers = banks.Select(b => (b.Bin, b.Channel, b.Share)).ToList();
        if (settings.OnUsShare > 0)
            issuers.Add((ScenarioReader.OnUsBin, OnUs, settings.OnUsShare));
        var totalShare = issuers.Sum(i => i.Share);
        _cards = new Card[settings.Count];
        _issuers = new string[settings.Count];
        for (var i = 0; i < settings.Count; i++)
        {
            var pick = random.NextDouble() * totalShare;
            var issuer = issuers[^1];
            foreach (var candidate in issuers)
                if ((pick -= candidate.Share) < 0)
                {
                    issuer = candidate;
                    break;
                }
            _cards[i] = new Card(Pan(issuer.Bin, i), "3012");
            _issuers[i] = issuer.Channel;
        }
        _cumulative = new double[settings.Count];
        double sum = 0;
        for (var k = 0; k < settings.Count; k++)
            _cumulative[k] = sum += 1 / Math.Pow(k + 1, settings.ZipfExponent);
        for (var k = 0; k < settings.Count; k++)
            _cumulative[k] /= sum;
    }

    /// <summary>The issuer name of on-us cards (the switch holds their accounts).</summary>
    public const string OnUs = "on-us";

    public int Count => _cards.Length;

    /// <summary>The card of popularity rank <paramref name="rank"/> (0 is the most used).</summary>
    public Card this[int rank] => _cards[rank];

    /// <summary>The channel (or <see cref="OnUs"/>) of the card of <paramref name="rank"/>.</summary>
    public string IssuerOf(int rank) => _issuers[rank];

    /// <summary>The rank of the card for a uniform draw in [0, 1).</summary>
    public int Draw(double uniform)
    {
        var index = Array.BinarySearch(_cumulative, uniform);
        return Math.Min(index >= 0 ? index : ~index, _cards.Length - 1);
    }

    private static string Pan(string bin, int serial)
    {
        var body = bin + serial.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
        return body + LuhnDigit(body);
    }

    internal static char LuhnDigit(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return (char)('0' + (10 - sum % 10) % 10);
    }
}
