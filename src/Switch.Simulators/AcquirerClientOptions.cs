using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>How an <see cref="AcquirerClient"/> talks to the switch.</summary>
/// <param name="Dialect">The ISO 8583 dialect of its messages.</param>
/// <param name="Framing">How its messages are framed.</param>
public sealed record AcquirerClientOptions(Dialect Dialect, FrameFormat Framing)
{
    /// <summary>The TPDU put on every frame when <see cref="FrameFormat.HasTpdu"/>; ID 0x60, both addresses 0 by default.</summary>
    public Tpdu Tpdu { get; init; } = new(0x60, 0, 0);

    /// <summary>
    /// How many unmatched messages (late answers, answers to raw sends, messages the switch starts) are kept for
    /// <see cref="AcquirerClient.Unmatched"/>; beyond it the oldest are dropped.
    /// </summary>
    public int UnmatchedCapacity { get; init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(UnmatchedCapacity)); } = 1024;
}
