using System.Text;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators.Tests;

/// <summary>Bad input gets a clear answer or closes its connection only; framing details (TPDU, keep-alives) are honoured.</summary>
public class BankHostMalformedInputTests
{
    [Fact]
    public async Task A_message_with_a_readable_MTI_that_does_not_decode_gets_RC_30_and_the_connection_stays_open()
    {
        await using var loop = await Loopback.StartAsync();

        await loop.Client.SendRawAsync(Encoding.ASCII.GetBytes("0200ZZ-not-a-bitmap"));

        var answer = await loop.Client.Unmatched.ReadAsync().AsTask().WaitAsync(Loopback.Patience);
        Assert.Equal(new Mti(210), answer.Mti);
        Assert.Equal("30", answer.ResponseCode);
        Assert.Equal(1, loop.Host.Statistics.FormatErrors);
        Assert.Equal(1, loop.Host.Statistics.Received(new Mti(200)));
        Assert.Equal("00", (await loop.PurchaseAsync()).ResponseCode);
    }

    [Fact]
    public async Task A_format_error_answer_echoes_the_STAN_read_before_the_bad_field_so_the_sender_can_match_it()
    {
        await using var loop = await Loopback.StartAsync();
        Assert.Equal("00", (await loop.Client.SendAsync(loop.Factory.SignOn(), Loopback.Patience)).ResponseCode);
        var request = loop.Factory.Purchase(Loopback.Card, 1);

        await loop.Client.SendRawAsync(request.Encode()[..^1]); // the last field cut short

        var answer = await loop.Client.Unmatched.ReadAsync().AsTask().WaitAsync(Loopback.Patience);
        Assert.Equal("30", answer.ResponseCode);
        Assert.Equal(request.Stan, answer.Stan);
        Assert.Equal(request.TerminalId, answer.TerminalId);
    }

    [Fact]
    public async Task A_frame_without_a_readable_MTI_closes_its_connection_and_the_host_keeps_serving_others()
    {
        await using var loop = await Loopback.StartAsync();
        await using var bystander = await Loopback.ConnectAsync(loop.Host);
        Assert.Equal("00", (await bystander.SendAsync(loop.Factory.SignOn(), Loopback.Patience)).ResponseCode);

        await loop.Client.SendRawAsync(new byte[] { 0xFF, 0x00, 0x13, 0x37, 0x42 });

        await loop.Client.Closed.WaitAsync(Loopback.Patience);
        Assert.Equal(1, loop.Host.Statistics.UnreadableFrames);
        Assert.Equal("00", (await bystander.SendAsync(loop.Factory.Purchase(Loopback.Card, 1), Loopback.Patience)).ResponseCode);
        await using var newcomer = await Loopback.ConnectAsync(loop.Host);
        Assert.Equal("00", (await newcomer.SendAsync(loop.Factory.Echo(), Loopback.Patience)).ResponseCode);
    }

    [Fact]
    public async Task Bytes_that_break_the_framing_close_their_connection_only()
    {
        await using var loop = await Loopback.StartAsync();
        await using var raw = await RawPeer.ConnectAsync(loop.Host.Endpoint, loop.Host.Options.Framing);

        // A 2-byte length of 65535 announces a frame over the 8192-byte maximum.
        await raw.WriteAsync(new byte[] { 0xFF, 0xFF, 0x30, 0x32, 0x30, 0x30 });

        Assert.Null(await raw.ReadFrameAsync());
        await Loopback.Eventually(() => loop.Host.Statistics.UnreadableFrames == 1);
        Assert.Equal("00", (await loop.PurchaseAsync()).ResponseCode);
    }

    [Fact]
    public async Task Answers_carry_the_request_TPDU_swapped()
    {
        var framing = FrameFormat.Binary2 with { HasTpdu = true };
        await using var loop = await Loopback.StartAsync(framing: framing);
        await using var raw = await RawPeer.ConnectAsync(loop.Host.Endpoint, framing);
        var tpdu = new Tpdu(0x60, 0x0012, 0x0034);

        await raw.WriteFrameAsync(loop.Factory.Echo().Encode(), tpdu);

        var frame = await raw.ReadFrameAsync();
        Assert.NotNull(frame);
        Assert.Equal(tpdu.Reply(), frame.Tpdu);
        Assert.Equal(new Mti(810), Dialects.Iso87Ascii.Decode(frame.Body).Mti);
        Assert.Equal("00", (await loop.PurchaseAsync()).ResponseCode);
    }

    [Fact]
    public async Task Keep_alives_are_answered_when_the_framing_says_so()
    {
        var framing = FrameFormat.Binary2 with { AnswerKeepAlives = true };
        await using var loop = await Loopback.StartAsync(framing: framing);
        await using var raw = await RawPeer.ConnectAsync(loop.Host.Endpoint, framing);

        await raw.WriteKeepAliveAsync();

        Assert.Equal(FrameReadResult.KeepAlive, (await raw.ReadFrameAsync())?.Kind);
    }
}
