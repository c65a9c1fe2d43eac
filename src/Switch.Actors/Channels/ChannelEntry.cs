using Switch.Protocol.Iso8583;
using Switch.Runtime.Actors;

namespace Switch.Actors.Channels;

/// <summary>
/// A bank channel as the rest of the switch sees it: its settings, its published status, its actor, and its STAN
/// counter (the switch numbers its own requests on each channel, so acquirers' STANs never collide at the bank).
/// </summary>
public sealed class ChannelEntry
{
    private int _stan;

    internal ChannelEntry(ChannelOptions options)
    {
        Options = options;
        Status = new ChannelStatus(options.Name, options.Bank);
        _stan = Random.Shared.Next(0, 999_999);
    }

    /// <summary>The channel's settings.</summary>
    public ChannelOptions Options { get; }

    /// <summary>The channel's published status.</summary>
    public ChannelStatus Status { get; }

    /// <summary>The channel actor.</summary>
    public ActorRef Actor { get; internal set; } = null!;

    /// <summary>The next STAN on this channel (000001..999999, wrapping).</summary>
    public string NextStan()
    {
        var n = (int)((uint)Interlocked.Increment(ref _stan) % 999_999) + 1;
        return n.ToString("D6");
    }

    /// <summary>The acquirer's request as this channel's bank receives it: the bank's dialect, the channel's own STAN.</summary>
    public IsoMessage ToBankRequest(IsoMessage acquirerRequest)
    {
        var request = acquirerRequest.ConvertTo(Options.Dialect);
        request.Stan = NextStan();
        return request;
    }
}
