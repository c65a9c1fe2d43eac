using System.Globalization;
using Microsoft.Extensions.Configuration;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Configuration;

namespace Switch.LoadTest.Scenarios;

/// <summary>
/// Reads a scenario file over <c>hocon/reference.conf</c> (section <c>loadtest.scenario</c>); anything invalid is a
/// <see cref="ConfigurationErrorException"/> naming the file, line and key.
/// </summary>
internal static class ScenarioReader
{
    private const string Root = "loadtest:scenario";

    /// <summary>The reference configuration shipped next to the tool.</summary>
    public static string ReferenceFile => Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf");

    /// <summary>Loads <paramref name="file"/> with <paramref name="overrides"/> (<c>loadtest:scenario:key=value</c>) on top.</summary>
    public static Scenario Load(string file, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        if (!File.Exists(file))
            throw new FileNotFoundException($"the scenario {file} does not exist", file);
        var c = new ConfigurationBuilder().AddHocon(ReferenceFile, file).AddInMemoryCollection(overrides ?? []).Build();
        return Read(c);
    }

    public static Scenario Read(IConfigurationRoot c)
    {
        var phases = ListElement.Read(c, Key("phases"), Key("phase-defaults")).Select(e => Phase(c, e)).ToList();
        if (phases.Count == 0)
            throw c.Invalid($"{Root}:phases", "a scenario needs at least one load phase");
        var banks = ListElement.Read(c, Key("banks"), Key("bank-defaults")).Select(e => Bank(c, e)).ToList();
        var cards = new CardSettings(Positive(c, Key("cards:count")), NonNegativeDouble(c, Key("cards:zipf-exponent")), NonNegativeDouble(c, Key("cards:on-us-share")));
        if (banks.Count == 0 && cards.OnUsShare == 0)
            throw c.Invalid($"{Root}:banks", "no bank and no on-us cards: nothing to send");
        foreach (var duplicate in banks.GroupBy(b => b.Bin).Where(g => g.Count() > 1))
            throw c.Invalid($"{Root}:banks", $"two banks share BIN {duplicate.Key}");
        var journal = c.GetString(Key("switch:journal"));
        if (journal is not ("sqlite" or "postgres"))
            throw c.Invalid(Key("switch:journal"), $"'{journal}' is not sqlite or postgres");
        var nodes = Nodes(c, journal);
        var timeline = ListElement.Read(c, Key("timeline"), Key("timeline-defaults")).Select(e => Action(c, e, banks, journal, nodes)).OrderBy(a => a.At).ToList();
        var minAmount = Positive(c, Key("amounts:min"));
        var maxAmount = Positive(c, Key("amounts:max"));
        if (maxAmount < minAmount)
            throw c.Invalid(Key("amounts:max"), "is below amounts.min");
        return new Scenario
        {
            Name = Required(c, Key("name")),
            Description = c.GetString(Key("description")),
            Seed = c.GetInt(Key("seed")),
            Acquirer = new AcquirerSide(Required(c, Key("acquirer:acquirer-id")), Positive(c, Key("acquirer:connections")),
                Dialect(c, Key("acquirer:dialect")), Framing(c, Key("acquirer:framing")), c.GetString(Key("acquirer:framing")), PositiveDuration(c, Key("acquirer:request-timeout")),
                NonNegative(c, Key("acquirer:max-repeats")), PositiveDuration(c, Key("acquirer:reconnect-delay"))),
            Phases = phases,
            Mix = Mix(c),
            Duplicates = Ratio(c, Key("duplicates")),
            Cards = cards,
            MinAmount = minAmount,
            MaxAmount = maxAmount,
            Banks = banks,
            Timeline = timeline,
            Slo = new SloSettings(NonNegativeDouble(c, Key("slo:min-tps")), PositiveDuration(c, Key("slo:max-p99")),
                NonNegative(c, Key("slo:max-lost")), NonNegative(c, Key("slo:max-duplicated")), NonNegative(c, Key("slo:max-phantom")),
                NonNegative(c, Key("slo:max-unanswered")), PositiveDuration(c, Key("slo:max-failover-window"))),
            Switch = new SwitchSettings(journal, c.GetString(Key("switch:node-config")), PositiveDuration(c, Key("switch:drain")), nodes),
            RelayBaseline = new RelayBaselineSettings(c.GetBool(Key("relay-baseline:enabled")), PositiveDuration(c, Key("relay-baseline:duration")),
                Positive(c, Key("relay-baseline:window"))),
        };
    }

    private static TransactionMix Mix(IConfigurationRoot c)
    {
        var mix = new TransactionMix(Weight(c, "mix:purchase"), Weight(c, "mix:pre-authorization"), Weight(c, "mix:refund"),
            Weight(c, "mix:reversal"), Weight(c, "mix:balance-inquiry"));
        return mix.Purchase + mix.PreAuthorization + mix.Refund + mix.Reversal + mix.BalanceInquiry > 0 ? mix : throw c.Invalid(Key("mix"), "every weight is zero");
    }

    private static LoadPhase Phase(IConfigurationRoot c, ListElement e)
    {
        var saturate = c.GetBool(e.Key(c, "saturate"));
        var rate = NonNegativeDouble(c, e.Key(c, "rate"));
        var toRate = double.Parse(c.GetString(e.Key(c, "to-rate")), CultureInfo.InvariantCulture);
        if (toRate < 0)
            toRate = rate;
        if (!saturate && rate == 0 && toRate == 0)
            throw c.Invalid(e.Key(c, "rate"), "an open-loop phase needs a rate above 0 (or saturate = true)");
        return new LoadPhase(Required(c, e.Key(c, "name")), PositiveDuration(c, e.Key(c, "duration")), rate, toRate, saturate, Positive(c, e.Key(c, "window")));
    }

    private static BankSettings Bank(IConfigurationRoot c, ListElement e)
    {
        var bin = Required(c, e.Key(c, "bin"));
        if (bin.Length != 6 || !bin.All(char.IsAsciiDigit) || bin == OnUsBin)
            throw c.Invalid(e.Key(c, "bin"), $"'{bin}' is not a six-digit BIN (and not {OnUsBin}, the on-us prepaid BIN)");
        var median = PositiveDuration(c, e.Key(c, "latency:median"));
        var p99 = PositiveDuration(c, e.Key(c, "latency:p99"));
        if (p99 < median)
            throw c.Invalid(e.Key(c, "latency:p99"), "is below the median");
        return new BankSettings(Required(c, e.Key(c, "channel")), bin, NonNegativeDouble(c, e.Key(c, "share")), median, p99,
            Ratio(c, e.Key(c, "decline-ratio")), Positive(c, e.Key(c, "connections")), PositiveDuration(c, e.Key(c, "request-timeout")));
    }

    /// <summary>
    /// The switch's nodes: none listed is today's single node (no cluster); more than one form a cluster, which keeps its
    /// members and leases in the journal's PostgreSQL.
    /// </summary>
    private static List<SwitchNodeSettings> Nodes(IConfigurationRoot c, string journal)
    {
        var nodes = new List<SwitchNodeSettings>();
        foreach (var e in ListElement.Read(c, Key("switch:nodes"), Key("switch:node-defaults")))
        {
            var id = Required(c, e.Key(c, "id"));
            if (!id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
                throw c.Invalid(e.Key(c, "id"), $"'{id}' is not a node id (letters, digits, '-' and '_': it names the node's files too)");
            if (nodes.Any(n => n.Id == id))
                throw c.Invalid(e.Key(c, "id"), $"two nodes are called {id}");
            nodes.Add(new SwitchNodeSettings(id, Required(c, e.Key(c, "data-centre"))));
            if (nodes.Count == 2 && journal != "postgres")
                throw c.Invalid(e.Key(c, "id"), $"a second node makes a cluster, which needs switch.journal = postgres (the nodes share its journal, members and leases), not {journal}");
        }
        return nodes.Count > 0 ? nodes : [new SwitchNodeSettings(SingleNodeId, c.GetString(Key("switch:node-defaults:data-centre")))];
    }

    private static TimelineAction Action(IConfigurationRoot c, ListElement e, List<BankSettings> banks, string journal, List<SwitchNodeSettings> nodes)
    {
        var name = c.GetString(e.Key(c, "action"));
        if (!TimelineAction.All.Contains(name))
            throw c.Invalid(e.Key(c, "action"), $"'{name}' is not one of {string.Join(", ", TimelineAction.All)}");
        var action = new TimelineAction(c.GetDuration(e.Key(c, "at")), name, c.GetString(e.Key(c, "channel")), c.GetDuration(e.Key(c, "for")),
            PositiveDuration(c, e.Key(c, "latency")), c.GetString(e.Key(c, "node")), c.GetString(e.Key(c, "data-centre")));
        var clustered = nodes.Count > 1;
        if (TimelineAction.OnCluster.Contains(name) && !clustered)
            throw c.Invalid(e.Key(c, "action"), $"{name} acts on a cluster: list more than one node in switch.nodes");
        if (name is TimelineAction.SwitchKill or TimelineAction.SwitchRestart && clustered)
            throw c.Invalid(e.Key(c, "action"), $"{name} acts on the single switch node; in a cluster use node-kill, node-stop, node-start or rolling-restart");
        if (action.NeedsNode && nodes.All(n => n.Id != action.Node))
            throw c.Invalid(e.Key(c, "node"), $"'{action.Node}' is not one of the scenario's nodes ({string.Join(", ", nodes.Select(n => n.Id))})");
        if (action.NeedsDataCentre && nodes.All(n => n.DataCentre != action.DataCentre))
            throw c.Invalid(e.Key(c, "data-centre"), $"'{action.DataCentre}' is no node's data centre ({string.Join(", ", nodes.Select(n => n.DataCentre).Distinct())})");
        if (action.Action == TimelineAction.NodePartition && action.For <= TimeSpan.Zero)
            throw c.Invalid(e.Key(c, "action"), $"{name} needs a length, `for` (the node rejoins when the partition ends)");
        if (action.Action is TimelineAction.NodeStart or TimelineAction.RollingRestart or TimelineAction.DcFailback && action.For > TimeSpan.Zero)
            throw c.Invalid(e.Key(c, "for"), $"{name} is not undone: it takes no length");
        if (action.Action == TimelineAction.DbPause && journal != "postgres")
            throw c.Invalid(e.Key(c, "action"), $"{name} needs switch.journal = postgres (SQLite has no server process to pause)");
        if (action.Action == TimelineAction.DbPause && action.For <= TimeSpan.Zero)
            throw c.Invalid(e.Key(c, "for"), "a database pause needs a length (the run cannot end with the database stopped)");
        if (action.NeedsChannel && banks.All(b => b.Channel != action.Channel))
            throw c.Invalid(e.Key(c, "channel"), $"'{action.Channel}' is not one of the scenario's banks");
        return action;
    }

    /// <summary>The id of the switch node when the scenario lists no nodes (no cluster).</summary>
    public const string SingleNodeId = "rehearsal";

    /// <summary>The BIN of the switch's own prepaid cards in generated node configurations.</summary>
    public const string OnUsBin = "627700";

    private static string Key(string name) => $"{Root}:{name}";

    private static double Weight(IConfigurationRoot c, string name) => NonNegativeDouble(c, Key(name));

    private static Dialect Dialect(IConfigurationRoot c, string key)
    {
        var name = c.GetString(key);
        return Dialects.All.FirstOrDefault(d => d.Name == name)
            ?? throw c.Invalid(key, $"'{name}' is not a dialect ({string.Join(", ", Dialects.All.Select(d => d.Name))})");
    }

    private static FrameFormat Framing(IConfigurationRoot c, string key)
    {
        try
        {
            return FrameFormat.Parse(c.GetString(key));
        }
        catch (FormatException error)
        {
            throw c.Invalid(key, error.Message);
        }
    }

    private static string Required(IConfigurationRoot c, string key) =>
        c.GetString(key) is { Length: > 0 } value ? value : throw c.Invalid(key, "is required");

    private static int Positive(IConfigurationRoot c, string key)
    {
        var value = c.GetInt(key);
        return value > 0 ? value : throw c.Invalid(key, $"{value} must be at least 1");
    }

    private static int NonNegative(IConfigurationRoot c, string key)
    {
        var value = c.GetInt(key);
        return value >= 0 ? value : throw c.Invalid(key, $"{value} must not be negative");
    }

    private static TimeSpan PositiveDuration(IConfigurationRoot c, string key) =>
        c.GetDuration(key) is var value && value > TimeSpan.Zero ? value : throw c.Invalid(key, "must be longer than 0");

    private static double NonNegativeDouble(IConfigurationRoot c, string key)
    {
        var text = c.GetString(key);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value)
            ? value : throw c.Invalid(key, $"'{text}' is not a number of at least 0");
    }

    private static double Ratio(IConfigurationRoot c, string key)
    {
        var value = NonNegativeDouble(c, key);
        return value <= 1 ? value : throw c.Invalid(key, $"{value} is not a ratio between 0 and 1");
    }
}
