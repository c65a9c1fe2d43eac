using System.Globalization;
using System.Numerics;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switch.Node.Configuration;
using Switch.Node.Logging;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;
using Switch.Runtime.Sharding;

namespace Switch.Node.Admin;

/// <summary>
/// The admin calls behind swctl's pbm-style palettes but the cluster's (<see cref="ClusterApi"/>): shard regions, the
/// actor hierarchy, the log and finding a transaction in the journal. Everything here is read on request only;
/// nothing runs or is kept for it in between.
/// </summary>
internal sealed class RuntimeApi(NodeSettings settings, ActorSystem system, EventJournal journal)
{
    /// <summary>How long a call waits for the actor that answers it.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly NodeLogFile? _log = settings.Logging.File.Length > 0 ? new NodeLogFile(settings.Logging.File) : null;
    private readonly TransactionSearch _transactions = new(journal);

    private static AdminJson Json => AdminJson.Readable;

    /// <summary>Adds these calls to <paramref name="routes"/>.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/sharding/regions", context => Regions(context));
        routes.MapGet("/sharding/regions/{name}", context => RegionStats(context));
        routes.MapGet("/sharding/regions/{name}/shards", context => ShardStats(context));
        routes.MapGet("/sharding/regions/{name}/shards/{shard}/entities", context => FetchEntities(context));
        routes.MapGet("/actors", context => Actors(context));
        routes.MapGet("/log", context => Log(context));
        routes.MapGet("/transactions", context => FindTransactions(context));
    }

    private async Task Regions(HttpContext context)
    {
        var views = new List<RegionView>();
        foreach (var name in ShardRegion.TypeNames(system))
            if (ShardRegion.Find(system, name) is { } region) // null when it stopped meanwhile
                views.Add(View(await StatsAsync(region)));
        await Write(context, views, Json.ListRegionView);
    }

    private async Task RegionStats(HttpContext context) => await Write(context, View(await StatsAsync(Region(context))), Json.RegionView);

    private async Task ShardStats(HttpContext context)
    {
        var stats = await StatsAsync(Region(context));
        var shards = stats.EntityCountByShard.OrderBy(s => s.Key).Select(s => new ShardView(s.Key, settings.NodeId, s.Value)).ToList();
        await Write(context, shards, Json.ListShardView);
    }

    private async Task FetchEntities(HttpContext context)
    {
        var region = Region(context);
        var text = (string)context.GetRouteValue("shard")!;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var shard))
            throw AdminRefusal.BadRequest($"'{Echo(text)}' is not a shard number");
        var stats = await StatsAsync(region);
        if (!stats.EntityCountByShard.ContainsKey(shard))
            throw AdminRefusal.NotFound($"shard {shard} of region {stats.TypeName} is not running on this node");
        var entities = await region.Ask<ShardStats>(new GetShardStats(shard), AskTimeout, system);
        await Write(context, new ShardEntitiesView(stats.TypeName, shard, settings.NodeId, entities.EntityIds), Json.ShardEntitiesView);
    }

    private ActorRef Region(HttpContext context)
    {
        var name = (string)context.GetRouteValue("name")!;
        return ShardRegion.Find(system, name) ?? throw AdminRefusal.NotFound($"no shard region '{Echo(name)}' on this node");
    }

    private Task<RegionStats> StatsAsync(ActorRef region) => region.Ask<RegionStats>(GetRegionStats.Instance, AskTimeout, system);

    private RegionView View(RegionStats stats) => new(stats.TypeName, settings.NodeId, stats.EntityCountByShard.Count, stats.EntityCountByShard.Values.Sum());

    /// <summary>The actor hierarchy; <c>?depth=N</c> lists N levels below /user (the deepest with their children counted only).</summary>
    private Task Actors(HttpContext context)
    {
        var depth = Number(context, "depth", int.MaxValue, 1);
        var actors = system.Hierarchy(depth).Select(a => new ActorView(a.Path, a.MailboxDepth, a.Children)).ToList();
        return Write(context, actors, Json.ListActorView);
    }

    /// <summary><c>?lines=N</c>: the last lines of the log; <c>?file=F&amp;from=P</c>: what was written after a previous answer.</summary>
    private Task Log(HttpContext context)
    {
        var logFile = _log ?? throw AdminRefusal.NotFound("this node writes no log file (switch.logging.file is empty)");
        var query = context.Request.Query;
        LogView? view;
        if (query.ContainsKey("from") || query.ContainsKey("file"))
        {
            if (query["file"].ToString() is not { Length: > 0 } file)
                throw AdminRefusal.BadRequest("from needs file: the file and next of the previous answer");
            view = logFile.From(file, Number(context, "from", 0L, 0L));
        }
        else
        {
            view = logFile.Tail(Number(context, "lines", 100, 1, NodeLogFile.MaxLines));
        }
        return Write(context, view ?? throw AdminRefusal.NotFound("the node has not written a log file yet"), Json.LogView);
    }

    /// <summary><c>?rrn=R</c>, or <c>?stan=S&amp;terminal=T</c>: the transactions in the journal's latest events; 404 when none.</summary>
    private async Task FindTransactions(HttpContext context)
    {
        var query = context.Request.Query;
        string rrn = query["rrn"].ToString().Trim(), stan = query["stan"].ToString().Trim(), terminal = query["terminal"].ToString().Trim();
        List<TransactionView> found;
        string what;
        if (rrn.Length > 0 && stan.Length == 0 && terminal.Length == 0)
        {
            if (rrn.Length > 12 || !rrn.All(char.IsAsciiLetterOrDigit))
                throw AdminRefusal.BadRequest("rrn must be 1 to 12 letters or digits (DE 37)");
            found = await _transactions.ByRrnAsync(rrn, context.RequestAborted);
            what = $"RRN {Echo(rrn)}";
        }
        else if (rrn.Length == 0 && stan.Length > 0 && terminal.Length > 0)
        {
            if (stan.Length > 6 || !stan.All(char.IsAsciiDigit))
                throw AdminRefusal.BadRequest("stan must be 1 to 6 digits (DE 11)");
            if (terminal.Length > 8 || terminal.Contains('|'))
                throw AdminRefusal.BadRequest("terminal must be 1 to 8 characters (DE 41)");
            stan = stan.PadLeft(6, '0');
            found = await _transactions.ByStanAsync(stan, terminal, context.RequestAborted);
            what = $"STAN {stan} from terminal {Echo(terminal)}";
        }
        else
        {
            throw AdminRefusal.BadRequest("give rrn, or stan with terminal");
        }
        if (found.Count == 0)
            throw AdminRefusal.NotFound($"no transaction with {what} in the journal's latest {TransactionSearch.Window:N0} events");
        await Write(context, found, Json.ListTransactionView);
    }

    /// <summary>A whole-number query parameter of at least <paramref name="min"/> (and at most <paramref name="max"/>), or <paramref name="absent"/>.</summary>
    private static T Number<T>(HttpContext context, string name, T absent, T min, T? max = null) where T : struct, IBinaryInteger<T>
    {
        if (context.Request.Query[name].ToString() is not { Length: > 0 } text)
            return absent;
        if (!T.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || (max is { } most && value > most))
            throw AdminRefusal.BadRequest(max is null ? $"{name} must be a whole number, at least {min}" : $"{name} must be a whole number from {min} to {max}");
        return value;
    }

    /// <summary>A name from the caller, fit to repeat in an answer: a card number typed by mistake comes back masked.</summary>
    private static string Echo(string text) => PanMaskingEnricher.Mask(text) ?? text;

    private static Task Write<T>(HttpContext context, T value, JsonTypeInfo<T> type) =>
        context.Response.WriteAsJsonAsync(value, type, cancellationToken: context.RequestAborted);
}
