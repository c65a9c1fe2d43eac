using System.Net;
using Microsoft.Extensions.Logging;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>
/// The bank host's log lines. Messages are logged through <see cref="IsoMessage.ToString"/>, which masks the PAN and
/// leaves PIN blocks and track data out; undecodable bytes are never logged, only their length and the reason.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Bank host listening on {Endpoint} ({Dialect})")]
    public static partial void Listening(ILogger logger, EndPoint endpoint, string dialect);

    [LoggerMessage(2, LogLevel.Information, "Bank host stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(3, LogLevel.Debug, "Connection {Connection} from {Remote} accepted")]
    public static partial void Accepted(ILogger logger, long connection, EndPoint? remote);

    [LoggerMessage(4, LogLevel.Debug, "Connection {Connection} closed")]
    public static partial void Closed(ILogger logger, long connection);

    [LoggerMessage(5, LogLevel.Warning, "Connection {Connection} closed on error: {Reason}")]
    public static partial void Failed(ILogger logger, long connection, string reason);

    [LoggerMessage(12, LogLevel.Debug, "Connection {Connection} reset by the peer")]
    public static partial void Reset(ILogger logger, long connection);

    [LoggerMessage(6, LogLevel.Debug, "Connection {Connection} received {Message}")]
    public static partial void Received(ILogger logger, long connection, IsoMessage message);

    [LoggerMessage(7, LogLevel.Warning, "Connection {Connection}: {Mti} does not decode ({Reason}); answered with RC 30")]
    public static partial void FormatError(ILogger logger, long connection, Mti mti, string reason);

    [LoggerMessage(8, LogLevel.Warning, "Connection {Connection}: a {Length}-byte frame has no readable request MTI ({Reason}); closing")]
    public static partial void Unreadable(ILogger logger, long connection, long length, string reason);

    [LoggerMessage(9, LogLevel.Information, "Connection {Connection} dropped instead of answering {Mti}")]
    public static partial void Disconnecting(ILogger logger, long connection, Mti mti);

    [LoggerMessage(10, LogLevel.Information, "Outage {Mode} (was {Previous})")]
    public static partial void Outage(ILogger logger, OutageMode mode, OutageMode previous);

    [LoggerMessage(11, LogLevel.Error, "Scheduled outage {Mode} failed")]
    public static partial void OutageFailed(ILogger logger, OutageMode mode, Exception error);
}
