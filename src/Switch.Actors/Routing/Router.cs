using Switch.Actors.Channels;
using Switch.Actors.Transactions;

namespace Switch.Actors.Routing;

/// <summary>
/// Picks the channels for a transaction: the BIN range's candidates, minus what operators switched off
/// (<see cref="RoutingControls"/>), minus candidates outside their amount rules, minus channels that are down
/// (<see cref="ChannelStatus"/>, published by the channel actors). Lock-free: it reads immutable controls and the
/// channels' volatile status, so every account actor calls it on its own turn.
/// </summary>
public sealed class Router
{
    private readonly BinTable _table;
    private readonly IReadOnlyDictionary<string, ChannelStatus> _channels;
    private volatile RoutingControls _controls = RoutingControls.None;

    /// <summary>Creates a router over <paramref name="table"/> and the channels' published status.</summary>
    /// <exception cref="ArgumentException">A BIN range names a channel that does not exist.</exception>
    public Router(BinTable table, IReadOnlyDictionary<string, ChannelStatus> channels)
    {
        foreach (var range in table.Ranges)
            foreach (var candidate in range.Candidates)
                if (!channels.ContainsKey(candidate.Channel))
                    throw new ArgumentException($"BIN range {range} names channel '{candidate.Channel}', which is not configured");
        _table = table;
        _channels = channels;
    }

    /// <summary>The BIN table.</summary>
    public BinTable Table => _table;

    /// <summary>The channels' published status, by channel name.</summary>
    public IReadOnlyDictionary<string, ChannelStatus> Channels => _channels;

    /// <summary>The operators' current controls; replaced as a whole by the routing control actor.</summary>
    public RoutingControls Controls { get => _controls; set => _controls = value; }

    /// <summary>The route for a transaction of <paramref name="kind"/> and <paramref name="amount"/> on card <paramref name="pan"/>.</summary>
    public RouteDecision Route(ReadOnlySpan<char> pan, TransactionKind kind, long amount, DateTimeOffset now)
    {
        var range = _table.Find(pan);
        if (range is null)
            return new RouteDecision(RouteOutcome.NoRoute, null, [], "no BIN range covers the card");
        if (range.OnUs)
            return new RouteDecision(RouteOutcome.OnUs, range, [], "on-us");
        var controls = _controls;
        List<RouteCandidate>? eligible = null;
        var down = 0;
        string? lastExclusion = null;
        foreach (var candidate in range.Candidates)
        {
            var status = _channels[candidate.Channel];
            var exclusion = amount < candidate.MinAmount || amount > candidate.MaxAmount
                ? "outside the channel's amount rule"
                : controls.Excludes(status.Bank, candidate.Channel, kind, now);
            if (exclusion is not null)
            {
                lastExclusion = exclusion;
                continue;
            }
            if (!status.IsAvailable)
            {
                down++;
                continue;
            }
            (eligible ??= []).Add(candidate);
        }
        if (eligible is null)
            return down > 0
                ? new RouteDecision(RouteOutcome.AllDown, range, [], "every candidate channel is down")
                : new RouteDecision(RouteOutcome.NoRoute, range, [], lastExclusion ?? "the range has no channel");
        return new RouteDecision(RouteOutcome.Routed, range, Order(eligible), "routed");
    }

    /// <summary>By priority; within a priority, a weighted random order (so traffic splits by weight).</summary>
    private static string[] Order(List<RouteCandidate> candidates)
    {
        var ordered = new string[candidates.Count];
        if (candidates.Count == 1)
        {
            ordered[0] = candidates[0].Channel;
            return ordered;
        }
        var groups = candidates.GroupBy(c => c.Priority).OrderBy(g => g.Key);
        var n = 0;
        foreach (var group in groups)
        {
            var pool = group.ToList();
            while (pool.Count > 0)
            {
                var total = pool.Sum(c => Math.Max(c.Weight, 0));
                var pick = 0;
                if (total > 0)
                {
                    var ticket = Random.Shared.Next(total);
                    while (ticket >= Math.Max(pool[pick].Weight, 0))
                        ticket -= Math.Max(pool[pick++].Weight, 0);
                }
                ordered[n++] = pool[pick].Channel;
                pool.RemoveAt(pick);
            }
        }
        return ordered;
    }
}
