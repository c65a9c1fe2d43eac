using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Switch.Node.Configuration;

namespace Switch.Node.Logging;

/// <summary>
/// Serilog, structured, to the console and a rolling daily file (both written on a background thread), bridged to
/// Microsoft.Extensions.Logging for the rest of the node. Every property value that looks like a card number is
/// masked before any sink sees it.
/// </summary>
internal static class NodeLogging
{
    public static (ILoggerFactory Factory, Logger Serilog) Create(LoggingSettings settings, string nodeId)
    {
        if (!Enum.TryParse<LogEventLevel>(settings.Level, ignoreCase: true, out var level))
            throw new ArgumentException($"switch.logging.level: '{settings.Level}' is not Verbose, Debug, Information, Warning or Error");
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.WithProperty("Node", nodeId)
            .Enrich.With<PanMaskingEnricher>();
        const string template = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}";
        if (settings.Console)
            configuration = configuration.WriteTo.Async(a => a.Console(outputTemplate: template));
        if (settings.File.Length > 0)
            configuration = configuration.WriteTo.Async(a => a.File(settings.File, rollingInterval: RollingInterval.Day, outputTemplate: template,
                retainedFileCountLimit: 31, fileSizeLimitBytes: 256L * 1024 * 1024, rollOnFileSizeLimit: true));
        var logger = configuration.CreateLogger();
        return (new SerilogLoggerFactory(logger, dispose: false), logger);
    }
}

/// <summary>Masks runs of 12 to 19 digits (card numbers) in every string property of a log event to first 6, last 4.</summary>
internal sealed class PanMaskingEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? masked = null;
        foreach (var (name, value) in logEvent.Properties)
            if (value is ScalarValue { Value: string text } && Mask(text) is { } replaced)
                (masked ??= []).Add(new LogEventProperty(name, new ScalarValue(replaced)));
        if (masked is not null)
            foreach (var property in masked)
                logEvent.AddOrUpdateProperty(property);
    }

    internal static string? Mask(string text)
    {
        char[]? chars = null;
        for (var start = 0; start < text.Length;)
        {
            var end = start;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
                end++;
            if (end - start is >= 12 and <= 19)
            {
                chars ??= text.ToCharArray();
                chars.AsSpan(start + 6, end - start - 10).Fill('*');
            }
            start = end == start ? start + 1 : end;
        }
        return chars is null ? null : new string(chars);
    }
}
