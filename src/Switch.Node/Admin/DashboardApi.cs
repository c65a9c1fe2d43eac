using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Switch.Actors;
using Switch.Actors.Channels;

namespace Switch.Node.Admin;

/// <summary>
/// The live views: <c>GET /dashboard</c> (token required) answers the node's last seconds from a
/// <see cref="DashboardHistory"/> that samples while the admin server runs; <c>GET /ui</c> (no token: it holds no data)
/// serves the page that shows them, embedded in this assembly.
/// </summary>
internal sealed class DashboardApi(PaymentSwitch payments, NodeHealth health, string nodeId, ILogger log)
{
    /// <summary>Where the page is served.</summary>
    public const string UiPath = "/ui";

    private const int DefaultSeconds = 300, TopCodes = 5;
    private const string NoncePlaceholder = "__CSP_NONCE__";

    private static readonly string Page = LoadPage();

    private volatile DashboardHistory? _history;

    /// <summary>Adds the calls to <paramref name="routes"/>; the history samples from the server's start to its stop.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        var lifetime = routes.ServiceProvider.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => _history = DashboardHistory.Start(payments.Channels.Values, log));
        lifetime.ApplicationStopping.Register(() => _history?.Dispose());
        routes.MapGet("/dashboard", Dashboard);
        routes.MapGet(UiPath, Ui);
    }

    private Task Dashboard(HttpContext context)
    {
        var seconds = Seconds(context.Request.Query["seconds"]);
        var history = _history;
        var samples = history?.Last(seconds) ?? [];
        var channels = history?.Channels ?? payments.Channels.Values.OrderBy(c => c.Options.Name, StringComparer.Ordinal).ToList();
        var latest = samples.Length > 0 ? samples[^1] : null;
        var node = new NodeDashboardView(latest?.Node, new NodeSeriesView(
            Series(samples, s => s.Node.TransactionsPerSecond), Series(samples, s => s.Node.ErrorsPerSecond),
            Series(samples, s => s.Node.JournalCommitP99Ms), Series(samples, s => s.Node.MailboxQueued)));
        var view = new DashboardView(nodeId, health.Phase.ToString().ToLowerInvariant(), (long)(DateTimeOffset.UtcNow - health.StartedAt).TotalSeconds,
            seconds, Series(samples, s => s.UnixMilliseconds), node, channels.Select((c, i) => View(c, samples, i)).ToList());
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(view, AdminJson.Readable.DashboardView, cancellationToken: context.RequestAborted);
    }

    private static ChannelDashboardView View(ChannelEntry channel, DashboardHistory.Sample[] samples, int index)
    {
        var status = channel.Status;
        var top = samples.SelectMany(s => s.Channels[index].ResponseCodes)
            .GroupBy(c => c.Code, StringComparer.Ordinal)
            .Select(g => new ResponseCodeCount(g.Key, g.Sum(c => c.Count)))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Code, StringComparer.Ordinal)
            .Take(TopCodes)
            .ToList();
        var series = new ChannelSeriesView(Series(samples, s => s.Channels[index].RequestsPerSecond), Series(samples, s => s.Channels[index].SuccessRate),
            Series(samples, s => s.Channels[index].P99Ms), Series(samples, s => s.Channels[index].Breaker), Series(samples, s => s.Channels[index].InFlight));
        return new ChannelDashboardView(channel.Options.Name, channel.Options.Bank, DashboardHistory.Name(status.Breaker), status.Connections, status.InFlight,
            status.SafDepth, samples.Length > 0 ? samples[^1].Channels[index] : null, top, series);
    }

    private static List<T> Series<T>(DashboardHistory.Sample[] samples, Func<DashboardHistory.Sample, T> value) => samples.Select(value).ToList();

    private static int Seconds(StringValues value)
    {
        if (value.Count == 0)
            return DefaultSeconds;
        if (value.Count == 1 && int.TryParse(value[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= DashboardHistory.Capacity)
            return seconds;
        throw AdminRefusal.BadRequest($"seconds must be a whole number from 1 to {DashboardHistory.Capacity}");
    }

    /// <summary>
    /// The page, with a content security policy that lets it run only its own inline script and style (a fresh nonce
    /// each time) and talk only to this endpoint.
    /// </summary>
    private static Task Ui(HttpContext context)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; img-src data:; " +
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(Page.Replace(NoncePlaceholder, nonce, StringComparison.Ordinal), context.RequestAborted);
    }

    private static string LoadPage()
    {
        using var stream = typeof(DashboardApi).Assembly.GetManifestResourceStream("Switch.Node.Admin.Ui.dashboard.html")
            ?? throw new InvalidOperationException("the dashboard page is not embedded in the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
