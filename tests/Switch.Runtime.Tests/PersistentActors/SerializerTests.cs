using System.Runtime.Serialization;
using System.Text;
using Google.Protobuf;
using Switch.Runtime.Serialization;
using Switch.Runtime.Tests.PersistentActors.Proto;

namespace Switch.Runtime.Tests.PersistentActors;

public sealed class SerializerTests
{
    [Fact]
    public void Hand_written_serializers_round_trip_with_their_manifest()
    {
        var serializer = Ledger.Serializer();
        var (manifest, payload) = serializer.Serialize(new Credited(1234567890123));
        Assert.Equal("ledger.credited.v2", manifest);
        Assert.Equal(8, payload.Length);
        Assert.Equal(new Credited(1234567890123), serializer.Deserialize(manifest, payload));
    }

    [Fact]
    public void Protobuf_messages_round_trip_through_their_parser()
    {
        var serializer = Ledger.Serializer();
        var debited = new Debited { Amount = 77, Reference = "ref-1" };
        var (manifest, payload) = serializer.Serialize(debited);
        Assert.Equal("ledger.debited.v1", manifest);
        Assert.Equal(debited.ToByteArray(), payload);
        Assert.Equal(debited, serializer.Deserialize(manifest, payload));
    }

    [Fact]
    public void An_old_manifest_is_upcast_to_the_current_type()
    {
        var serializer = Ledger.Serializer();
        Assert.Equal(new Credited(42), serializer.Deserialize("ledger.credited.v1", Encoding.UTF8.GetBytes("42")));
    }

    [Fact]
    public void An_unknown_manifest_or_type_fails_with_a_message_naming_it()
    {
        var serializer = Ledger.Serializer();
        var read = Assert.Throws<SerializationException>(() => serializer.Deserialize("ledger.refunded.v9", new byte[1]));
        Assert.Contains("'ledger.refunded.v9'", read.Message);
        var write = Assert.Throws<SerializationException>(() => serializer.Serialize(new GetBalance()));
        Assert.Contains(nameof(GetBalance), write.Message);
    }

    [Fact]
    public void A_broken_payload_fails_with_the_manifest_named()
    {
        var serializer = Ledger.Serializer();
        var error = Assert.Throws<SerializationException>(() => serializer.Deserialize("ledger.credited.v2", new byte[3]));
        Assert.Contains("ledger.credited.v2", error.Message);
    }

    [Fact]
    public void Duplicate_registrations_and_registrations_after_attaching_are_refused()
    {
        var serializer = Ledger.Serializer();
        Assert.Throws<InvalidOperationException>(() => serializer.RegisterUpcaster("ledger.credited.v2", _ => new Credited(0)));
        Assert.Throws<InvalidOperationException>(() => serializer.Register<Credited>("other", _ => [], _ => new Credited(0)));
        serializer.Freeze();
        Assert.Throws<InvalidOperationException>(() => serializer.Register<string>("text", Encoding.UTF8.GetBytes, p => Encoding.UTF8.GetString(p.Span)));
    }
}
