using System.Runtime.Serialization;
using Google.Protobuf;
using Switch.Actors.Accounts;
using Switch.Actors.Remoting;
using Switch.Actors.Security;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Serialization;
using Wire = Switch.Actors.Remoting.Wire;
using static Switch.Actors.Tests.Remoting.RemotingSamples;

namespace Switch.Actors.Tests.Remoting;

/// <summary>Payloads that are not what their manifest says fail with the serializer's <see cref="SerializationException"/>, never as a default value.</summary>
public sealed class SwitchMessageMalformedPayloadTests
{
    private static readonly EventSerializer Receiver = Node();

    private static string Fails(string manifest, byte[] payload) =>
        Assert.Throws<SerializationException>(() => Receiver.Deserialize(manifest, payload)).Message;

    [Fact]
    public void An_unknown_manifest_is_a_serialization_error_that_names_it()
    {
        var (_, payload) = Node().Serialize(new ShowAccount("acct-1"));

        Assert.Contains("Unknown manifest 'account.show.v9'", Fails("account.show.v9", payload));
    }

    [Fact]
    public void A_plain_payload_cut_short_fails_to_read()
    {
        var (manifest, payload) = Node().Serialize(new AuthorizationResult("400001|TERM0001|000001|1121101010", "00", "A1B2C3", null, "approved"));

        Assert.Contains(manifest, Fails(manifest, payload[..^3]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(9)]
    public void A_breaker_state_the_node_does_not_know_fails_to_read(int number)
    {
        var payload = new Wire.BreakerStateReply { State = (Wire.BreakerState)number }.ToByteArray();

        Assert.Contains($"breaker state {number} is unknown", Fails("channel.breaker-state.v1", payload));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void A_transaction_kind_or_bank_outcome_the_node_does_not_know_fails_to_read(int number)
    {
        var answer = new Wire.BankAnswer { TransactionKey = "k", Channel = "demo-1", Outcome = (Wire.BankOutcome)number, ResponseCode = "91" };
        var codec = new CardDataCodec(CardDataProtector.FromHex(KeyHex), Dialects.All);
        var authorize = AccountMessageWire.ToWire(Authorization(Purchase(Dialects.Iso87Ascii)), codec);
        authorize.Kind = (Wire.TransactionKind)number;

        Assert.Contains($"bank outcome {number} is unknown", Fails("channel.bank-answer.v1", codec.Seal("channel.bank-answer.v1", answer)));
        Assert.Contains($"transaction kind {number} is unknown", Fails("account.authorize.v1", codec.Seal("account.authorize.v1", authorize)));
    }

    [Fact]
    public void An_authorization_without_its_request_or_deadline_fails_to_read()
    {
        var codec = new CardDataCodec(CardDataProtector.FromHex(KeyHex), Dialects.All);
        var complete = AccountMessageWire.ToWire(Authorization(Purchase(Dialects.Iso87Ascii)), codec);

        Assert.Contains("the request is missing", Fails("account.authorize.v1", codec.Seal("account.authorize.v1", new Wire.Authorize(complete) { Request = null })));
        Assert.Contains("decide-by is missing", Fails("account.authorize.v1", codec.Seal("account.authorize.v1", new Wire.Authorize(complete) { DecideBy = null })));
        Assert.Contains("is missing", Fails("account.answer-now.v1", codec.Seal("account.answer-now.v1", new Wire.AnswerNow { AccountKey = "acct-1" })));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(long.MaxValue, 0)]
    [InlineData(0, -60)]
    [InlineData(638_000_000_000_000_000, 15 * 60)]
    public void An_instant_out_of_range_fails_to_read(long utcTicks, int offsetMinutes)
    {
        var entries = new Wire.SafEntries { Entries = { new Wire.SafEntry { Channel = "demo-1", Queued = new Wire.Instant { UtcTicks = utcTicks, OffsetMinutes = offsetMinutes } } } };

        Assert.Contains("out of range", Fails("channel.saf-entries.v1", entries.ToByteArray()));
    }

    [Fact]
    public void A_queued_advice_without_its_time_fails_to_read()
    {
        var entries = new Wire.SafEntries { Entries = { new Wire.SafEntry { Channel = "demo-1", TransactionKey = "k" } } };

        Assert.Contains("is missing", Fails("channel.saf-entries.v1", entries.ToByteArray()));
    }

    [Fact]
    public void A_command_without_fields_refuses_a_payload()
    {
        Assert.Contains("should be empty", Fails("channel.list-saf.v1", [0x08, 0x01]));
        Assert.Contains("should be empty", Fails("channel.retry-saf.v1", [0x08, 0x01]));
    }
}
