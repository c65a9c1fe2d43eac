using Google.Protobuf;
using Switch.Actors.Accounts;
using Switch.Actors.Channels;
using Switch.Actors.Security;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Serialization;

namespace Switch.Actors.Remoting;

/// <summary>
/// The serializers of every switch message that may cross from one node to another: the account messages and
/// their answers, and the bank channel messages, operator commands and their answers. Each is a protobuf message
/// (<c>Remoting/switch_messages.proto</c>) under a versioned manifest. The messages that hold an ISO 8583 message
/// (<see cref="Authorize"/>, <see cref="AnswerNow"/>, <see cref="BankRequest"/>, <see cref="BankAnswer"/>) hold
/// card data: their whole payload is sealed with the card data key every node shares, so that no PAN, track data
/// or PIN block travels in clear and an altered payload fails to read. The others are plain protobuf: their
/// integrity in transit is the transport's.
/// </summary>
public static class SwitchMessages
{
    private const string AuthorizeManifest = "account.authorize.v1";
    private const string AnswerNowManifest = "account.answer-now.v1";
    private const string AuthorizationResultManifest = "account.authorization-result.v1";
    private const string ShowAccountManifest = "account.show.v1";
    private const string WakeAccountManifest = "account.wake.v1";
    private const string AccountViewManifest = "account.view.v1";
    private const string BankRequestManifest = "channel.bank-request.v1";
    private const string BankAnswerManifest = "channel.bank-answer.v1";
    private const string ReverseTransactionManifest = "channel.reverse-transaction.v1";
    private const string IsolateChannelManifest = "channel.isolate.v1";
    private const string CloseBreakerManifest = "channel.close-breaker.v1";
    private const string BreakerStateManifest = "channel.breaker-state.v1";
    private const string ListSafManifest = "channel.list-saf.v1";
    private const string RetrySafManifest = "channel.retry-saf.v1";
    private const string SafEntriesManifest = "channel.saf-entries.v1";
    private const string Int32Manifest = "switch.int32.v1";

    /// <summary>The manifests <see cref="Register"/> adds, one per message type.</summary>
    public static IReadOnlyList<string> Manifests { get; } =
    [
        AuthorizeManifest, AnswerNowManifest, AuthorizationResultManifest, ShowAccountManifest, WakeAccountManifest, AccountViewManifest,
        BankRequestManifest, BankAnswerManifest, ReverseTransactionManifest, IsolateChannelManifest, CloseBreakerManifest,
        BreakerStateManifest, ListSafManifest, RetrySafManifest, SafEntriesManifest, Int32Manifest,
    ];

    /// <summary>
    /// Registers the switch's messages on <paramref name="serializer"/> (e.g. the one from
    /// <see cref="PaymentSwitch.Serializer"/>, before it is attached to the actor system).
    /// </summary>
    /// <param name="serializer">The serializer the node-to-node transport uses.</param>
    /// <param name="protector">Seals the messages that hold card data: every node of the cluster must use the same card data key.</param>
    /// <param name="dialects">
    /// The dialects of the ISO 8583 messages that may cross: an acquirer's request is in its listener's dialect, a bank
    /// request or answer in its channel's. A message names its dialect on the wire and is decoded with the receiving
    /// node's dialect of that name; null means the built-in ones (<see cref="Dialects.All"/>), which are all a node's
    /// configuration can name.
    /// </param>
    /// <returns><paramref name="serializer"/>, for chaining.</returns>
    /// <exception cref="ArgumentException">Two dialects have the same name.</exception>
    /// <exception cref="InvalidOperationException">A message type or manifest is registered already, or the serializer is frozen.</exception>
    /// <remarks>
    /// <see cref="int"/> is registered too (<c>switch.int32.v1</c>), as the count <see cref="RetrySaf"/> answers.
    /// Reading a payload that was altered, sealed under another key, or is not a message of its manifest throws
    /// <see cref="System.Runtime.Serialization.SerializationException"/>.
    /// </remarks>
    public static EventSerializer Register(EventSerializer serializer, CardDataProtector protector, IEnumerable<Dialect>? dialects = null)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(protector);
        var codec = new CardDataCodec(protector, dialects ?? Dialects.All);
        RegisterAccountMessages(serializer, codec);
        RegisterChannelMessages(serializer, codec);
        return serializer.Register<int>(Int32Manifest,
            static value => new Wire.Int32Reply { Value = value }.ToByteArray(),
            static payload => Wire.Int32Reply.Parser.ParseFrom(payload.Span).Value);
    }

    private static void RegisterAccountMessages(EventSerializer serializer, CardDataCodec codec)
    {
        serializer
            .Register<Authorize>(AuthorizeManifest,
                message => codec.Seal(AuthorizeManifest, AccountMessageWire.ToWire(message, codec)),
                payload => AccountMessageWire.FromWire(codec.Open(AuthorizeManifest, Wire.Authorize.Parser, payload), codec))
            .Register<AnswerNow>(AnswerNowManifest,
                message => codec.Seal(AnswerNowManifest, AccountMessageWire.ToWire(message, codec)),
                payload => AccountMessageWire.FromWire(codec.Open(AnswerNowManifest, Wire.AnswerNow.Parser, payload), codec))
            .Register<AuthorizationResult>(AuthorizationResultManifest,
                static message => AccountMessageWire.ToWire(message).ToByteArray(),
                static payload => AccountMessageWire.FromWire(Wire.AuthorizationResult.Parser.ParseFrom(payload.Span)))
            .Register<ShowAccount>(ShowAccountManifest,
                static message => new Wire.ShowAccount { AccountKey = message.AccountKey }.ToByteArray(),
                static payload => new ShowAccount(Wire.ShowAccount.Parser.ParseFrom(payload.Span).AccountKey))
            .Register<WakeAccount>(WakeAccountManifest,
                static message => new Wire.WakeAccount { AccountKey = message.AccountKey }.ToByteArray(),
                static payload => new WakeAccount(Wire.WakeAccount.Parser.ParseFrom(payload.Span).AccountKey))
            .Register<AccountView>(AccountViewManifest,
                static view => AccountMessageWire.ToWire(view).ToByteArray(),
                static payload => AccountMessageWire.FromWire(Wire.AccountView.Parser.ParseFrom(payload.Span)));
    }

    private static void RegisterChannelMessages(EventSerializer serializer, CardDataCodec codec)
    {
        serializer
            .Register<BankRequest>(BankRequestManifest,
                message => codec.Seal(BankRequestManifest, ChannelMessageWire.ToWire(message, codec)),
                payload => ChannelMessageWire.FromWire(codec.Open(BankRequestManifest, Wire.BankRequest.Parser, payload), codec))
            .Register<BankAnswer>(BankAnswerManifest,
                message => codec.Seal(BankAnswerManifest, ChannelMessageWire.ToWire(message, codec)),
                payload => ChannelMessageWire.FromWire(codec.Open(BankAnswerManifest, Wire.BankAnswer.Parser, payload), codec))
            .Register<ReverseTransaction>(ReverseTransactionManifest,
                static message => ChannelMessageWire.ToWire(message).ToByteArray(),
                static payload => ChannelMessageWire.FromWire(Wire.ReverseTransaction.Parser.ParseFrom(payload.Span)))
            .Register<IsolateChannel>(IsolateChannelManifest,
                static message => new Wire.IsolateChannel { Operator = message.Operator }.ToByteArray(),
                static payload => new IsolateChannel(Wire.IsolateChannel.Parser.ParseFrom(payload.Span).Operator))
            .Register<CloseBreaker>(CloseBreakerManifest,
                static message => new Wire.CloseBreaker { Operator = message.Operator }.ToByteArray(),
                static payload => new CloseBreaker(Wire.CloseBreaker.Parser.ParseFrom(payload.Span).Operator))
            .Register<BreakerState>(BreakerStateManifest,
                static state => new Wire.BreakerStateReply { State = WireValues.ToWire(state) }.ToByteArray(),
                static payload => WireValues.FromWire(Wire.BreakerStateReply.Parser.ParseFrom(payload.Span).State))
            .Register<ListSaf>(ListSafManifest, static _ => [], static payload => Empty(payload, ListSaf.Instance))
            .Register<RetrySaf>(RetrySafManifest, static _ => [], static payload => Empty(payload, RetrySaf.Instance))
            .Register<List<SafEntryInfo>>(SafEntriesManifest,
                static entries => ChannelMessageWire.ToWire(entries).ToByteArray(),
                static payload => ChannelMessageWire.FromWire(Wire.SafEntries.Parser.ParseFrom(payload.Span)));
    }

    private static T Empty<T>(ReadOnlyMemory<byte> payload, T instance) =>
        payload.IsEmpty ? instance : throw new InvalidDataException($"the payload should be empty but has {payload.Length} bytes");
}
