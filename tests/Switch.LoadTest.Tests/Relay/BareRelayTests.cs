using System.Net;
using Switch.LoadTest.Rehearsal;
using Switch.LoadTest.Relay;
using Switch.LoadTest.Scenarios;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.LoadTest.Tests.Relay;

public sealed class BareRelayTests
{
    [Fact]
    public async Task The_relay_signs_on_and_passes_requests_and_answers_through_unchanged()
    {
        await using var bank = new BankHostSimulator(new BankHostOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));
        await bank.StartAsync();
        await using var relay = new BareRelay(new IPEndPoint(IPAddress.Loopback, 0), bank.Endpoint, FrameFormat.Binary2, Dialects.Iso87Ascii);
        await using var acquirer = await AcquirerClient.ConnectAsync(relay.Endpoint, new AcquirerClientOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));
        var factory = new TransactionFactory(Dialects.Iso87Ascii);

        var request = factory.Purchase(new Card("4111110000000011", "3012"), 1234);
        var answer = await acquirer.SendAsync(request, TimeSpan.FromSeconds(5));

        Assert.Equal(new Mti(210), answer.Mti);
        Assert.Equal("00", answer.ResponseCode);
        Assert.Equal(request.Stan, answer.Stan);
        Assert.Equal(1, bank.Statistics.Received(new Mti(800))); // the relay's sign-on
        Assert.Equal(0, bank.Statistics.RejectedNotSignedOn);
        Assert.Equal(2, relay.Frames);
    }

    [Fact]
    public async Task The_baseline_measures_a_closed_loop_rate_through_the_relay()
    {
        var scenario = ScenarioReader.Load(Repository.Path("hocon", "loadtest", "smoke.conf"),
            [new("loadtest:scenario:relay-baseline:duration", "3s"), new("loadtest:scenario:relay-baseline:window", "8")]);

        var tps = await RelayBaseline.MeasureAsync(scenario, TextWriter.Null, CancellationToken.None);

        // 4 connections x 8 in flight against a bank answering in ~2 ms: well above a thousand a second on any machine.
        Assert.InRange(tps, 500, 1_000_000);
    }
}
