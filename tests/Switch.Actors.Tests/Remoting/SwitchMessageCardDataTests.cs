using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using Switch.Actors.Channels;
using Switch.Actors.Security;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Serialization;
using static Switch.Actors.Tests.Remoting.RemotingSamples;

namespace Switch.Actors.Tests.Remoting;

/// <summary>Card data never crosses in clear, and a payload altered on the way fails to read instead of reading as something else.</summary>
public sealed class SwitchMessageCardDataTests
{
    private static readonly EventSerializer Sender = Node(), Receiver = Node();

    /// <summary>The ways a run of digits can sit in bytes: ASCII (also hex-ASCII), EBCDIC, packed BCD from either nibble.</summary>
    private static IEnumerable<(string Form, byte[] Bytes)> Forms(string digits)
    {
        yield return ("ASCII", Encoding.ASCII.GetBytes(digits));
        yield return ("ASCII without the BIN", Encoding.ASCII.GetBytes(digits[6..]));
        yield return ("EBCDIC", digits.Select(c => (byte)(0xF0 + c - '0')).ToArray());
        yield return ("BCD", Bcd(digits));
        yield return ("BCD after a pad nibble", Bcd("0" + digits));
    }

    /// <summary>Packed BCD of the whole digit pairs (a trailing odd digit is left out).</summary>
    private static byte[] Bcd(string digits) =>
        Enumerable.Range(0, digits.Length / 2).Select(i => (byte)((digits[2 * i] - '0') << 4 | (digits[2 * i + 1] - '0'))).ToArray();

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    [Theory]
    [MemberData(nameof(DialectNames), MemberType = typeof(RemotingSamples))]
    public void The_pan_track_data_and_pin_block_never_appear_in_a_serialized_message(string dialect)
    {
        var clear = Purchase(Dialects.Get(dialect)).Encode();
        Assert.Contains(Forms(Pan), form => Contains(clear, form.Bytes)); // the search finds the PAN where it is in clear

        foreach (var message in OneOfEach(Dialects.Get(dialect)))
        {
            var (manifest, payload) = Sender.Serialize(message);
            foreach (var (form, bytes) in Forms(Pan))
                Assert.False(Contains(payload, bytes), $"{manifest}: the PAN appears as {form}");
            Assert.False(Contains(payload, Encoding.ASCII.GetBytes(Track2(Pan)[17..])), $"{manifest}: track 2's discretionary data appears");
            Assert.False(Contains(payload, Convert.FromHexString(PinBlock)), $"{manifest}: the PIN block appears");
            Assert.False(Contains(payload, Encoding.ASCII.GetBytes(PinBlock)), $"{manifest}: the PIN block appears as hex");
        }
    }

    [Fact]
    public void The_same_message_sealed_twice_gives_different_bytes()
    {
        var authorize = Authorization(Purchase(Dialects.Iso87Ascii));

        Assert.NotEqual(Sender.Serialize(authorize).Payload, Sender.Serialize(authorize).Payload);
    }

    [Theory]
    [MemberData(nameof(DialectNames), MemberType = typeof(RemotingSamples))]
    public void Flipping_any_byte_of_a_message_with_card_data_makes_it_fail_to_read(string dialect)
    {
        foreach (var message in WithCardData(Dialects.Get(dialect)))
        {
            var (manifest, payload) = Sender.Serialize(message);
            for (var i = 0; i < payload.Length; i++)
            {
                var tampered = payload.ToArray();
                tampered[i] ^= 0x01;
                var error = Assert.Throws<SerializationException>(() => Receiver.Deserialize(manifest, tampered));
                Assert.Contains(manifest, error.Message);
                Assert.Contains("failed authentication", error.Message);
                Assert.IsType<CryptographicException>(error.InnerException?.InnerException, exactMatch: false);
            }
        }
    }

    [Fact]
    public void A_message_with_card_data_cut_short_or_grown_fails_to_read()
    {
        var (manifest, payload) = Sender.Serialize(Authorization(Purchase(Dialects.Iso87Ascii)));

        foreach (var length in new[] { 0, 1, 27, 28, payload.Length - 1 })
            Assert.Contains("failed authentication", Assert.Throws<SerializationException>(() => Receiver.Deserialize(manifest, payload.AsMemory(0, length))).Message);
        Assert.Throws<SerializationException>(() => Receiver.Deserialize(manifest, payload.Append((byte)0).ToArray()));
    }

    [Fact]
    public void A_node_with_another_card_data_key_cannot_read_the_messages_with_card_data()
    {
        var other = Node(OtherKeyHex);
        foreach (var message in WithCardData(Dialects.Iso87Ascii))
        {
            var (manifest, payload) = Sender.Serialize(message);
            Assert.Contains("another card data key", Assert.Throws<SerializationException>(() => other.Deserialize(manifest, payload)).Message);
        }
    }

    [Fact]
    public void A_payload_sealed_for_one_message_type_fails_to_read_as_another()
    {
        var request = Purchase(Dialects.Iso87Ascii);
        var (_, bankRequest) = Sender.Serialize(new BankRequest("k", request));
        var journaledAdvice = CardDataProtector.FromHex(KeyHex).Seal(request.CreateReversal(advice: true).Encode());

        foreach (var payload in new[] { bankRequest, journaledAdvice })
        {
            var error = Assert.Throws<SerializationException>(() => Receiver.Deserialize("account.authorize.v1", payload));
            Assert.Contains("sealed for another manifest", error.Message);
        }
    }

    [Fact]
    public void A_message_in_a_dialect_the_receiving_node_does_not_know_fails_with_the_dialect_named()
    {
        var asciiOnly = Node(dialects: [Dialects.Iso87Ascii]);
        var (manifest, payload) = Sender.Serialize(new BankRequest("k", Purchase(Dialects.Iso87Binary)));

        var error = Assert.Throws<SerializationException>(() => asciiOnly.Deserialize(manifest, payload));

        Assert.Contains("'iso87binary'", error.Message);
        Assert.Contains("iso87ascii", error.Message);
    }

    [Fact]
    public void A_message_in_a_dialect_that_was_not_registered_is_refused_by_the_sender()
    {
        var lookalike = new Dialect("iso87ascii", "a copy", Dialects.Iso87Ascii.MtiEncoding, Dialects.Iso87Ascii.Fields);
        var request = Dialects.Iso87Ascii.Decode(Purchase(Dialects.Iso87Ascii).Encode()).ConvertTo(lookalike);

        Assert.Throws<SerializationException>(() => Sender.Serialize(new BankRequest("k", request)));
        Assert.Throws<SerializationException>(() => Node(dialects: [Dialects.Iso87Binary]).Serialize(Authorization(Purchase(Dialects.Iso87Ascii))));
    }

    [Fact]
    public void Registering_two_dialects_of_the_same_name_is_refused()
    {
        var lookalike = new Dialect("postilion", "a copy", Dialects.Postilion.MtiEncoding, Dialects.Postilion.Fields);

        Assert.Throws<ArgumentException>(() => Node(dialects: [Dialects.Postilion, lookalike]));
    }
}
