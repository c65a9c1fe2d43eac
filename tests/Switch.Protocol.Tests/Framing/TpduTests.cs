using System.Buffers;
using Switch.Protocol.Framing;
using static Switch.Protocol.Tests.Framing.FrameTestKit;

namespace Switch.Protocol.Tests.Framing;

public class TpduTests
{
    [Fact]
    public void Reply_swaps_source_and_destination_and_keeps_the_id()
    {
        var request = new Tpdu(0x60, Destination: 0x0001, Source: 0x0203);

        var reply = request.Reply();

        Assert.Equal(new Tpdu(0x60, Destination: 0x0203, Source: 0x0001), reply);
        Assert.Equal(request, reply.Reply());
    }

    [Fact]
    public void Reply_to_a_request_frame_carries_the_swapped_tpdu()
    {
        var format = FrameFormat.Bcd2 with { HasTpdu = true };
        var buffer = new ReadOnlySequence<byte>(Hex("0007 60 0001 0203 0800"));

        Assert.Equal(FrameReadResult.Message, new FrameReader(format).TryRead(ref buffer, out var request));
        Assert.Equal(new Tpdu(0x60, 0x0001, 0x0203), request.Tpdu);
        Assert.Equal(Hex("0800"), request.Body.ToArray());

        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMessage(output, format, Hex("0810"), request.Tpdu?.Reply());

        Assert.Equal("0007" + "60" + "0203" + "0001" + "0810", Convert.ToHexString(output.WrittenSpan));
    }

    [Fact]
    public void Tpdu_addresses_are_big_endian_and_unsigned()
    {
        var format = FrameFormat.Binary2 with { HasTpdu = true };

        var read = Assert.Single(ReadAll(format, Hex("0006 60 FFFE 8001 AA")));

        Assert.Equal(new Tpdu(0x60, 0xFFFE, 0x8001), read.Tpdu);
    }
}
