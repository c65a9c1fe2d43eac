using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switch.Actors;
using Switch.Node.Configuration;
using Switch.Runtime.Actors;
using Switch.Runtime.Cluster;
using Switch.Runtime.Metrics;
using Switch.Runtime.Persistence;

namespace Switch.Node.Admin;

/// <summary>
/// The operators' admin endpoint: HTTP + JSON on its own Kestrel server, so that it comes up as soon as the payment
/// switch exists and keeps answering (health: stopping) while the acquirer listeners drain. Every call but the health
/// checks and the /ui page (no data in it) needs the bearer token; refusals and failures are answered <c>{"error": "..."}</c>.
/// </summary>
internal sealed class AdminServer
{
    private readonly WebApplication _server;
    private readonly ListenOptions _listen;
    private readonly MetricsCollector _metrics;

    private AdminServer(WebApplication server, ListenOptions listen, MetricsCollector metrics)
    {
        _server = server;
        _listen = listen;
        _metrics = metrics;
    }

    /// <summary>The bound address (the real port when the settings say 0).</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listen.EndPoint;

    /// <summary>
    /// Starts the endpoint; it owns <paramref name="metrics"/> (served at /metrics) and disposes it at stop. The actor
    /// system and the journal are only read, on request (actors, shard regions, finding transactions). The cluster
    /// calls steer <paramref name="cluster"/> (null on a single node, which refuses them); <c>cluster leave</c> stops
    /// the node through <paramref name="lifetime"/>.
    /// </summary>
    public static async Task<AdminServer> StartAsync(NodeSettings settings, PaymentSwitch payments, NodeHealth health, MetricsCollector metrics,
        ActorSystem system, EventJournal journal, ClusterMembership? cluster, NodeLifetime lifetime, ILoggerFactory loggerFactory)
    {
        var log = loggerFactory.CreateLogger("Switch.Admin");
        var token = new AdminToken(settings.Admin.Token);
        var api = new AdminApi(settings, payments, health, metrics, log);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRoutingCore();
        ListenOptions? listen = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
            kestrel.Listen(IPAddress.Parse(settings.Admin.Host), settings.Admin.Port, options => listen = options);
        });
        var server = builder.Build();
        server.Use(async (context, next) =>
        {
            if (!AdminApi.NeedsNoToken(context.Request.Path) && token.Refusal(context.Request.Headers.Authorization) is { } refusal)
            {
                log.LogWarning("admin: call from {Remote} refused: {Reason}", context.Connection.RemoteIpAddress, refusal.Message);
                if (refusal.Status == StatusCodes.Status401Unauthorized)
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                await AnswerAsync(context, refusal.Status, refusal.Message);
                return;
            }
            try
            {
                await next(context);
            }
            catch (Exception error) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                (int Status, string Message) answer = error switch
                {
                    AdminRefusal refused => (refused.Status, refused.Message),
                    AskTimeoutException => (StatusCodes.Status504GatewayTimeout, "the switch did not answer in time"),
                    ClusterStoreUnavailableException unavailable => (StatusCodes.Status503ServiceUnavailable, unavailable.Message),
                    Microsoft.AspNetCore.Http.BadHttpRequestException bad => (bad.StatusCode, bad.Message),
                    _ => (StatusCodes.Status500InternalServerError, "internal error (see the node's log)"),
                };
                if (answer.Status == StatusCodes.Status500InternalServerError)
                    log.LogError(error, "admin: {Method} {Path} failed", context.Request.Method, context.Request.Path);
                await AnswerAsync(context, answer.Status, answer.Message);
            }
        });
        api.Map(server);
        new ClusterApi(settings, health, system, cluster, lifetime, log).Map(server);
        new RuntimeApi(settings, system, journal).Map(server);
        new DashboardApi(payments, health, settings.NodeId, log).Map(server);
        await server.StartAsync().ConfigureAwait(false);
        return new AdminServer(server, listen!, metrics);
    }

    private static Task AnswerAsync(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(error), AdminJson.Readable.ErrorBody);
    }

    /// <summary>Stops answering; calls under way finish first (bounded by the node's shutdown timeout).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _server.StopAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // calls still under way are cut off
        }
        await _server.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
    }
}
