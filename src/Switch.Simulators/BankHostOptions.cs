using System.Net;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>How a <see cref="BankHostSimulator"/> listens and starts out.</summary>
/// <param name="Dialect">The ISO 8583 dialect the host speaks (ISO 8583:1987 numbering, e.g. iso87ascii, postilion).</param>
/// <param name="Framing">How messages are framed on its connections.</param>
public sealed record BankHostOptions(Dialect Dialect, FrameFormat Framing)
{
    /// <summary>Where to listen; port 0 takes a free port (see <see cref="BankHostSimulator.Endpoint"/>). Loopback by default.</summary>
    public IPEndPoint Endpoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>The behaviour the host starts with.</summary>
    public BankHostBehaviour Behaviour { get; init; } = BankHostBehaviour.ApproveAll;

    /// <summary>Seeds the decline, timeout, disconnect and latency draws: the same seed gives the same choices for the Nth message.</summary>
    public int Seed { get; init; } = 8583;
}
