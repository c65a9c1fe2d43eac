using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Switch.Actors;
using Switch.Actors.Channels;
using Switch.Actors.Routing;
using Switch.Actors.Transactions;
using Switch.Node.Configuration;
using Switch.Node.Logging;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Metrics;
using Switch.Runtime.Persistence;

namespace Switch.Node.Admin;

/// <summary>
/// The admin endpoint's calls: each reads its input, asks the payment switch and answers JSON. Unknown channels,
/// banks and maintenance windows get 404, bad input 400. Every change is logged with the operator (X-Operator) and
/// the caller's address. Card numbers arrive only in request bodies and leave only masked.
/// </summary>
internal sealed class AdminApi(NodeSettings settings, PaymentSwitch payments, NodeHealth health, MetricsCollector metrics, ILogger log)
{
    /// <summary>How long a call waits for the actor that answers it.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private static readonly string Version =
        typeof(AdminApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static AdminJson Json => AdminJson.Readable;

    private DateTimeOffset Now => settings.Payments.Clock.GetUtcNow();

    /// <summary>The calls that need no token: the health checks, and the dashboard page (it holds no data; it asks for the token).</summary>
    public static bool NeedsNoToken(PathString path) => path.StartsWithSegments("/health") || path.Equals(DashboardApi.UiPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds every call to <paramref name="routes"/>; anything else is answered 404.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", context => Health(context, readyOnly: true));
        routes.MapGet("/health/ready", context => Health(context, readyOnly: true));
        routes.MapGet("/health/live", context => Health(context, readyOnly: false));
        routes.MapGet("/node", context => Node(context));
        routes.MapGet("/metrics", context => Metrics(context));
        routes.MapGet("/channels", context => Channels(context));
        routes.MapGet("/channels/{name}", context => ShowChannel(context));
        routes.MapPost("/channels/{name}/isolate", context => Breaker(context, isolate: true));
        routes.MapPost("/channels/{name}/close", context => Breaker(context, isolate: false));
        routes.MapGet("/channels/{name}/saf", context => ListSaf(context));
        routes.MapPost("/channels/{name}/saf/retry", context => RetrySaf(context));
        routes.MapPost("/controls/enable", context => SetEnabled(context, enabled: true));
        routes.MapPost("/controls/disable", context => SetEnabled(context, enabled: false));
        routes.MapGet("/maintenance", context => Write(context, payments.Controls.MaintenanceWindows.Select(View).ToList(), Json.ListMaintenanceView));
        routes.MapPost("/maintenance", context => AddMaintenance(context));
        routes.MapDelete("/maintenance/{id}", context => RemoveMaintenance(context));
        routes.MapPost("/route", context => ShowRoute(context));
        routes.MapPost("/account", context => ShowAccount(context));
        routes.MapFallback(context => throw AdminRefusal.NotFound($"no such call: {context.Request.Method} {Echo(context.Request.Path.Value ?? "")}"));
    }

    private Task Health(HttpContext context, bool readyOnly)
    {
        var phase = health.Phase;
        var ready = phase == NodePhase.Ready;
        var view = new HealthView(Name(phase), Live: true, ready, settings.NodeId);
        return Write(context, view, Json.HealthView, readyOnly && !ready ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    /// <summary>Every Switch instrument in the Prometheus text format (counters since the node started).</summary>
    private Task Metrics(HttpContext context)
    {
        context.Response.ContentType = MetricsCollector.ContentType;
        metrics.WriteTo(context.Response.BodyWriter);
        return Task.CompletedTask;
    }

    private Task Node(HttpContext context)
    {
        var local = new IPEndPoint(context.Connection.LocalIpAddress ?? IPAddress.None, context.Connection.LocalPort);
        var backend = settings.Journal is PostgresPersistenceOptions ? "postgres" : "sqlite";
        var view = new NodeView(settings.NodeId, Version, Name(health.Phase), health.StartedAt, (long)(DateTimeOffset.UtcNow - health.StartedAt).TotalSeconds,
            backend, local.ToString(), health.Acquirers);
        return Write(context, view, Json.NodeView);
    }

    private Task Channels(HttpContext context)
    {
        var controls = payments.Controls;
        var now = Now;
        var views = payments.Channels.Values.OrderBy(c => c.Options.Name, StringComparer.Ordinal).Select(c => View(c, controls, now)).ToList();
        return Write(context, views, Json.ListChannelView);
    }

    private Task ShowChannel(HttpContext context) => Write(context, View(Channel(context), payments.Controls, Now), Json.ChannelView);

    private async Task Breaker(HttpContext context, bool isolate)
    {
        var name = Channel(context).Options.Name;
        var who = Operator(context);
        var state = isolate
            ? await payments.IsolateAsync(name, who, AskTimeout)
            : await payments.CloseBreakerAsync(name, who, AskTimeout);
        Changed(context, $"{(isolate ? "isolated" : "closed the breaker of")} channel {name} (breaker now {Name(state)})");
        await Write(context, new BreakerView(name, Name(state)), Json.BreakerView);
    }

    private async Task ListSaf(HttpContext context) =>
        await Write(context, await payments.ListSafAsync(Channel(context).Options.Name, AskTimeout), Json.ListSafEntryInfo);

    private async Task RetrySaf(HttpContext context)
    {
        var name = Channel(context).Options.Name;
        var sent = await payments.RetrySafAsync(name, AskTimeout);
        Changed(context, $"sent the {sent} queued reversal advices of channel {name} now");
        await Write(context, new SafRetryView(name, sent), Json.SafRetryView);
    }

    private async Task SetEnabled(HttpContext context, bool enabled)
    {
        var request = await ReadAsync(context, Json.ControlRequest, """{"level": "bank|channel|txn-type", "target": "..."}""");
        var level = request.Level switch
        {
            "bank" => ControlLevel.Bank,
            "channel" => ControlLevel.Channel,
            "txn-type" => ControlLevel.TransactionType,
            _ => throw AdminRefusal.BadRequest("level must be bank, channel or txn-type"),
        };
        CheckTarget(level, request.Target);
        await Controlled(context, await payments.SetEnabledAsync(level, request.Target, enabled, Operator(context), AskTimeout));
    }

    private void CheckTarget(ControlLevel level, string target)
    {
        switch (level)
        {
            case ControlLevel.Bank:
                Bank(target);
                break;
            case ControlLevel.Channel:
                Channel(target);
                break;
            case ControlLevel.TransactionType:
                var slash = target.IndexOf('/');
                if (slash < 0)
                    throw AdminRefusal.BadRequest("a txn-type target is channel/type, e.g. bank-a-1/refund");
                Channel(target[..slash]);
                Kind(target[(slash + 1)..]);
                break;
        }
    }

    private async Task AddMaintenance(HttpContext context)
    {
        var request = await ReadAsync(context, Json.MaintenanceRequest,
            """{"bank": "...", "from": "2025-11-21T02:00:00Z", "until": "2025-11-21T04:00:00Z", "reason": "..."}""");
        Bank(request.Bank);
        if (request.Until <= request.From)
            throw AdminRefusal.BadRequest("until must be after from");
        var result = await payments.AddMaintenanceAsync(request.Bank, request.From, request.Until, request.Reason, Operator(context), AskTimeout);
        if (!result.Ok)
            throw NotChanged(result);
        Changed(context, result.Message);
        // The controls come back as they were right after this window was journaled, and windows are appended: it is the last.
        await Write(context, View(result.Controls.MaintenanceWindows[^1]), Json.MaintenanceView, StatusCodes.Status201Created);
    }

    private async Task RemoveMaintenance(HttpContext context)
    {
        var id = (string)context.GetRouteValue("id")!;
        if (payments.Controls.MaintenanceWindows.All(w => w.Id != id))
            throw AdminRefusal.NotFound($"no maintenance window '{Echo(id)}'");
        await Controlled(context, await payments.RemoveMaintenanceAsync(id, Operator(context), AskTimeout));
    }

    private async Task ShowRoute(HttpContext context)
    {
        var request = await ReadAsync(context, Json.RouteRequest, """{"pan": "...", "kind": "purchase", "amount": 0}""");
        if (!IsPan(request.Pan))
            throw AdminRefusal.BadRequest("pan must be 12 to 19 digits");
        if (request.Amount < 0)
            throw AdminRefusal.BadRequest("amount must not be negative");
        var kind = Kind(request.Kind);
        var decision = payments.RouteFor(request.Pan, kind, request.Amount);
        var range = decision.Range;
        await Write(context, new RouteView(PanMask.Mask(request.Pan), kind.Name(), request.Amount, Name(decision.Outcome), range?.ToString(), range?.Issuer,
            range?.Product, decision.Channels, decision.Reason), Json.RouteView);
    }

    private async Task ShowAccount(HttpContext context)
    {
        var keyOrPan = (await ReadAsync(context, Json.AccountRequest, """{"key_or_pan": "..."}""")).KeyOrPan;
        var isPan = IsPan(keyOrPan);
        if (!isPan && !IsAccountKey(keyOrPan))
            throw AdminRefusal.BadRequest("key_or_pan must be an account key (acct- and 32 hex digits) or a PAN of 12 to 19 digits");
        var account = await payments.ShowAccountAsync(keyOrPan, AskTimeout);
        if (isPan && account.MaskedPan is null) // an account with no transaction yet has not seen its card number
            account = account with { MaskedPan = PanMask.Mask(keyOrPan) };
        await Write(context, account, Json.AccountView);
    }

    private async Task Controlled(HttpContext context, ControlResult result)
    {
        if (!result.Ok)
            throw NotChanged(result);
        Changed(context, result.Message);
        await Write(context, new ControlView(result.Message, View(result.Controls)), Json.ControlView);
    }

    /// <summary>A change the routing controls refused after this API validated it: the journal could not record it.</summary>
    private static AdminRefusal NotChanged(ControlResult result) =>
        new(StatusCodes.Status503ServiceUnavailable, "not changed: " + result.Message);

    private void Changed(HttpContext context, string what) =>
        log.LogInformation("admin: {Operator} from {Remote}: {Change}", Operator(context), context.Connection.RemoteIpAddress, what);

    /// <summary>Who asked: the X-Operator header, "unknown" without it.</summary>
    private static string Operator(HttpContext context) =>
        context.Request.Headers["X-Operator"].ToString().Trim() is { Length: > 0 } who ? who : "unknown";

    private ChannelEntry Channel(HttpContext context) => Channel((string)context.GetRouteValue("name")!);

    private ChannelEntry Channel(string name) =>
        payments.Channels.TryGetValue(name, out var entry) ? entry : throw AdminRefusal.NotFound($"unknown channel '{Echo(name)}'");

    private void Bank(string bank)
    {
        if (!payments.Channels.Values.Any(c => c.Options.Bank == bank))
            throw AdminRefusal.NotFound($"unknown bank '{Echo(bank)}'");
    }

    private static TransactionKind Kind(string name)
    {
        try
        {
            return TransactionKinds.Parse(name);
        }
        catch (ArgumentException error)
        {
            throw AdminRefusal.BadRequest(error.Message);
        }
    }

    private static bool IsPan(string text) => text.Length is >= 12 and <= 19 && !text.AsSpan().ContainsAnyExceptInRange('0', '9');

    private static bool IsAccountKey(string text) =>
        text.Length == 37 && text.StartsWith("acct-", StringComparison.Ordinal) && text.AsSpan(5).IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>A name from the caller, fit to repeat in an answer: a card number typed by mistake comes back masked.</summary>
    private static string Echo(string text) => PanMaskingEnricher.Mask(text) ?? text;

    /// <summary>The request body; a body that is not JSON of the call's <paramref name="shape"/> is refused with that shape.</summary>
    public static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type, string shape)
    {
        try
        {
            if (await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted) is { } request)
                return request;
        }
        catch (JsonException error)
        {
            throw AdminRefusal.BadRequest($"the body must be JSON like {shape} (wrong at {error.Path ?? "$"})");
        }
        throw AdminRefusal.BadRequest($"the body must be JSON like {shape}");
    }

    private static Task Write<T>(HttpContext context, T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(value, type, cancellationToken: context.RequestAborted);
    }

    private ChannelView View(ChannelEntry channel, RoutingControls controls, DateTimeOffset now)
    {
        var (options, status) = (channel.Options, channel.Status);
        var prefix = options.Name + "/";
        return new ChannelView(options.Name, options.Bank, $"{options.Host}:{options.Port}", Name(status.Breaker), status.IsAvailable, status.Connections,
            options.Connections, !controls.DisabledChannels.Contains(options.Name) && !controls.DisabledBanks.Contains(options.Bank),
            controls.DisabledTransactionTypes.Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).Select(t => t[prefix.Length..]).Order(StringComparer.Ordinal).ToList(),
            controls.MaintenanceWindows.FirstOrDefault(w => w.Bank == options.Bank && w.IsOpenAt(now))?.Id,
            status.InFlight, status.Requests, status.Timeouts, status.LateAnswers, status.SafDepth);
    }

    private ControlsView View(RoutingControls controls) => new(
        controls.DisabledBanks.Order(StringComparer.Ordinal).ToList(), controls.DisabledChannels.Order(StringComparer.Ordinal).ToList(),
        controls.DisabledTransactionTypes.Order(StringComparer.Ordinal).ToList(), controls.MaintenanceWindows.Select(View).ToList());

    private MaintenanceView View(MaintenanceWindow window) => new(window.Id, window.Bank, window.From, window.Until, window.Reason, window.IsOpenAt(Now));

    private static string Name(NodePhase phase) => phase switch
    {
        NodePhase.Starting => "starting",
        NodePhase.Ready => "ready",
        _ => "stopping",
    };

    private static string Name(BreakerState state) => state switch
    {
        BreakerState.Closed => "closed",
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half-open",
        _ => "isolated",
    };

    private static string Name(RouteOutcome outcome) => outcome switch
    {
        RouteOutcome.Routed => "routed",
        RouteOutcome.OnUs => "on-us",
        RouteOutcome.NoRoute => "no-route",
        _ => "all-down",
    };
}
