using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>
/// How the bank host answers: latency, declines, unanswered requests, dropped connections and forced answers.
/// Immutable; change a running host's behaviour by assigning a new one to <see cref="BankHostSimulator.Behaviour"/>,
/// e.g. <c>host.Behaviour = host.Behaviour with { TimeoutRatio = 0.1 }</c>. Every message reads the behaviour once,
/// so a change applies to the messages that arrive after it.
/// </summary>
/// <remarks>
/// For each message other than network management, in order: the first matching <see cref="Rules"/> entry decides
/// the answer; otherwise <see cref="DisconnectRatio"/> may close the connection, <see cref="TimeoutRatio"/> may leave
/// it unanswered, and <see cref="Declines"/> may decline it (authorization and financial requests only); the answer
/// goes out after a <see cref="Latency"/> sample. Advices and reversals are otherwise approved.
/// </remarks>
public sealed record BankHostBehaviour
{
    /// <summary>Approves everything at once.</summary>
    public static BankHostBehaviour ApproveAll { get; } = new();

    /// <summary>The delay before each answer.</summary>
    public Latency Latency { get; init => field = value ?? throw new ArgumentNullException(nameof(Latency)); } = Latency.None;

    // Arrays, not the interfaces, so that the per-message loops below allocate no enumerator.
    private readonly Decline[] _declines = [];
    private readonly ResponseRule[] _rules = [];

    /// <summary>Shares of authorization and financial requests declined, by response code; together at most 1.</summary>
    public IReadOnlyList<Decline> Declines
    {
        get => _declines;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Declines));
            if (value.Sum(d => d.Ratio) > 1 + 1e-9) throw new ArgumentException("the decline ratios add up to more than 1", nameof(Declines));
            _declines = value.ToArray();
        }
    }

    /// <summary>The share of messages never answered, 0 to 1.</summary>
    public double TimeoutRatio { get; init => field = CheckRatio(value, nameof(TimeoutRatio)); }

    /// <summary>The share of messages answered by closing the connection instead, 0 to 1.</summary>
    public double DisconnectRatio { get; init => field = CheckRatio(value, nameof(DisconnectRatio)); }

    /// <summary>Forced answers, tried in order ahead of the ratios.</summary>
    public IReadOnlyList<ResponseRule> Rules
    {
        get => _rules;
        init => _rules = (value ?? throw new ArgumentNullException(nameof(Rules))).ToArray();
    }

    /// <summary>The available balance (minor units) reported in DE 54 to approved balance inquiries.</summary>
    public long AvailableBalance { get; init; } = 100_000;

    internal bool HasDeclines => _declines.Length > 0;

    internal ResponseRule? FindRule(IsoMessage message)
    {
        foreach (var rule in _rules)
            if (rule.Matches(message)) return rule;
        return null;
    }

    /// <summary>The decline a uniform draw falls on, or approved.</summary>
    internal string ResponseCodeFor(double draw)
    {
        foreach (var decline in _declines)
        {
            if (draw < decline.Ratio) return decline.ResponseCode;
            draw -= decline.Ratio;
        }

        return ResponseCodes.Approved;
    }

    internal static double CheckRatio(double value, string name) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(name, value, "a ratio is between 0 and 1");
}
