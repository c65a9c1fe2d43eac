using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Actors.Channels;

/// <summary>One bank channel: where the bank host is, how it speaks, and how the switch treats it.</summary>
public sealed record ChannelOptions(string Name, string Bank, string Host, int Port, Dialect Dialect, FrameFormat Framing)
{
    /// <summary>TCP connections kept open to the bank host; requests are spread over the signed-on ones. Default 1.</summary>
    public int Connections { get; init; } = 1;

    /// <summary>How long a request waits for the bank's answer. Default 5 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>What the acquirer gets when the bank does not answer in time: "91" (default) or "68".</summary>
    public string TimeoutResponseCode { get; init; } = "91";

    /// <summary>Between echo tests (0800, DE 70 = 301) on each idle connection. Default 30 s.</summary>
    public TimeSpan EchoInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait before reconnecting after a connection failed or closed. Default 1 s.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a sign-on (0800, DE 70 = 001) may take before the connection is dropped. Default 5 s.</summary>
    public TimeSpan SignOnTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Between repeats (0421) of an unacknowledged reversal advice. Default 10 s.</summary>
    public TimeSpan SafRetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The circuit breaker's settings.</summary>
    public BreakerOptions Breaker { get; init; } = new();

    /// <summary>Throws when a setting is out of range, naming the channel.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("a channel needs a name");
        if (Port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, $"channel {Name}: port must be 1..65535");
        if (Connections < 1) throw new ArgumentOutOfRangeException(nameof(Connections), Connections, $"channel {Name}: at least one connection");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, $"channel {Name}: must be positive");
        if (TimeoutResponseCode is not ("91" or "68")) throw new ArgumentException($"channel {Name}: timeout-response-code must be 91 or 68");
        Breaker.Validate();
    }
}
