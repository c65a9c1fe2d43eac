using System.Text;
using Switch.Actors.Accounts;
using Switch.Actors.Channels;
using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Serialization;
using static Switch.Actors.Tests.Remoting.RemotingSamples;

namespace Switch.Actors.Tests.Remoting;

/// <summary>Every message that crosses nodes, serialized on one node and read on another, arrives as it was sent.</summary>
public sealed class SwitchMessageRoundTripTests
{
    private static readonly EventSerializer Sender = Node(), Receiver = Node();

    private static object Cross(object message)
    {
        var (manifest, payload) = Sender.Serialize(message);
        var received = Receiver.Deserialize(manifest, payload);
        MessageAssert.Equivalent(message, received);
        return received;
    }

    [Theory]
    [MemberData(nameof(DialectNames), MemberType = typeof(RemotingSamples))]
    public void One_message_of_every_type_crosses_intact(string dialect)
    {
        foreach (var message in OneOfEach(Dialects.Get(dialect)))
            Cross(message);
    }

    [Theory]
    [MemberData(nameof(DialectNames), MemberType = typeof(RemotingSamples))]
    public void An_authorization_arrives_with_every_kind_original_key_and_deadline(string dialect)
    {
        var request = Purchase(Dialects.Get(dialect));
        DateTimeOffset[] deadlines =
        [
            new(2026, 11, 21, 10, 10, 25, 999, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 21, 15, 40, 25, 1, TimeSpan.FromHours(5.5)).AddTicks(1),
            new(2026, 3, 29, 1, 0, 0, TimeSpan.FromHours(-12)),
            new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero),
            DateTimeOffset.MinValue,
            DateTimeOffset.MaxValue,
            new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).ToOffset(TimeSpan.FromHours(-14)),
            new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero).ToOffset(TimeSpan.FromHours(14)),
        ];
        foreach (var kind in Enum.GetValues<TransactionKind>())
            foreach (var originalKey in new[] { null, "", "400001|TERM0001|000001|1121101010" })
                foreach (var deadline in deadlines)
                    Cross(Authorization(request, originalKey, kind, deadline));
    }

    [Fact]
    public void A_null_original_key_stays_null_and_an_empty_one_stays_empty()
    {
        var request = Purchase(Dialects.Iso87Ascii);

        Assert.Null(((Authorize)Cross(Authorization(request, originalKey: null))).OriginalKey);
        Assert.Equal("", ((Authorize)Cross(Authorization(request, originalKey: ""))).OriginalKey);
    }

    [Fact]
    public void The_request_read_on_the_other_node_routes_matches_and_converts_like_the_original()
    {
        var request = Purchase(Dialects.Postilion);

        var received = ((Authorize)Cross(Authorization(request))).Request;

        Assert.Equal(request.Pan, received.Pan);
        Assert.Equal(request.MatchKey, received.MatchKey);
        Assert.Equal(TransactionKinds.Of(request), TransactionKinds.Of(received));
        Assert.Equal(request.Get("127.25.2"), received.Get("127.25.2"));
        Assert.Equal(request.GetString(52), received.GetString(52));
        MessageAssert.SameIso(request.ConvertTo(Dialects.Iso87Binary), received.ConvertTo(Dialects.Iso87Binary));
    }

    [Theory]
    [MemberData(nameof(DialectNames), MemberType = typeof(RemotingSamples))]
    public void A_decoded_request_crosses_byte_for_byte(string dialect)
    {
        var decoded = Dialects.Get(dialect).Decode(Purchase(Dialects.Get(dialect)).Encode());

        Cross(new BankRequest("400001|TERM0001|000001|1121101010", decoded));
    }

    [Fact]
    public void Five_hundred_random_authorizations_and_answers_cross_intact()
    {
        var random = new Random(8583);
        for (var i = 0; i < 500; i++)
        {
            var dialect = Dialects.All[random.Next(Dialects.All.Count)];
            var pan = "4" + Digits(random, random.Next(11, 19));
            var request = Purchase(dialect, pan, amount: random.NextInt64(0, 1_000_000_000_000), stan: random.Next(1, 999_999));
            var decideBy = new DateTimeOffset(random.NextInt64(DateTimeOffset.UnixEpoch.UtcTicks, new DateTime(2100, 1, 1).Ticks), TimeSpan.Zero)
                .ToOffset(TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1)));
            var authorize = new Authorize(Text(random), Text(random), random.Next(3) == 0 ? null : Text(random),
                Enum.GetValues<TransactionKind>()[random.Next(6)], request, decideBy);
            Cross(authorize);
            Cross(new AnswerNow(Text(random), authorize));
            Cross(new AuthorizationResult(Text(random), Text(random), random.Next(2) == 0 ? null : Text(random), random.Next(2) == 0 ? null : Text(random), Text(random)));
            Cross(new BankAnswer(Text(random), Text(random), Enum.GetValues<BankOutcome>()[random.Next(3)], random.Next(2) == 0 ? null : Approval(request),
                Text(random), Text(random)));
        }
    }

    [Fact]
    public void Account_views_keep_negative_extreme_and_missing_values()
    {
        Cross(new AccountView("acct-1", null, true, -5_000, 0, -5_000, 0, 0, 0, 0, 0, 0, 0));
        Cross(new AccountView("acct-1", "", false, long.MinValue, long.MaxValue, long.MinValue, long.MaxValue, int.MaxValue, long.MinValue, int.MinValue,
            int.MaxValue, int.MinValue, -1));
        Cross(new AccountView("", "627700******0001", true, 100_000, 2_000, 98_000, 2_000, 1, 2_000, 1, 1, 3, 1));
    }

    [Fact]
    public void Authorization_results_keep_null_and_empty_codes_apart()
    {
        Cross(new AuthorizationResult("k", "91", null, null, "no decision in time"));
        Cross(new AuthorizationResult("k", "00", "", "", ""));
        Cross(new AuthorizationResult("k", "00", "A1B2C3", "0001826C000000100000", "approved"));
    }

    [Fact]
    public void Bank_answers_of_every_outcome_cross_with_or_without_a_response()
    {
        var request = Purchase(Dialects.Iso87Binary);
        foreach (var outcome in Enum.GetValues<BankOutcome>())
        {
            Cross(new BankAnswer("k", "demo-1", outcome, null, "91", "the bank did not answer in time"));
            Cross(new BankAnswer("k", "demo-1", outcome, Approval(request), "00", "answered"));
        }
    }

    [Fact]
    public void Operator_commands_and_their_answers_cross_intact()
    {
        foreach (var state in Enum.GetValues<BreakerState>())
            Cross(state);
        foreach (var who in new[] { "", "alice", "Zoë Ångström" })
        {
            Cross(new IsolateChannel(who));
            Cross(new CloseBreaker(who));
        }
        Assert.Same(ListSaf.Instance, Cross(ListSaf.Instance));
        Assert.Same(RetrySaf.Instance, Cross(RetrySaf.Instance));
        foreach (var count in new[] { 0, 1, -1, int.MaxValue, int.MinValue })
            Cross(count);
    }

    [Fact]
    public void Store_and_forward_lists_cross_with_their_times_to_the_tick()
    {
        Cross(new List<SafEntryInfo>());
        Cross(new List<SafEntryInfo>
        {
            new("demo-1", "400001|TERM0001|000001|1121101010", new DateTimeOffset(2026, 11, 21, 10, 10, 25, 1, TimeSpan.Zero).AddTicks(9), 0, "timeout"),
            new("demo-1", "400001|TERM0001|000002|1121101011", new DateTimeOffset(2026, 11, 21, 11, 10, 25, TimeSpan.FromHours(1)), int.MaxValue, ""),
        });
    }

    [Fact]
    public void A_reversal_order_keeps_its_sealed_advice_byte_for_byte()
    {
        Cross(new ReverseTransaction("k", [], "recovered"));
        Cross(new ReverseTransaction("k", Enumerable.Range(0, 300).Select(i => (byte)i).ToArray(), "timeout"));
    }

    private static string Digits(Random random, int count) =>
        string.Create(count, random, static (chars, r) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = (char)('0' + r.Next(10));
        });

    private static readonly string[] Fragments = ["", "a", "400001|TERM0001|", "é", "€", "日本", "😀", " ", "\0", "\n", "acct-0123456789abcdef"];

    /// <summary>Text that is empty, ASCII or not, of any length up to a few hundred characters.</summary>
    private static string Text(Random random)
    {
        var text = new StringBuilder();
        for (var n = random.Next(0, 40); n > 0; n--)
            text.Append(Fragments[random.Next(Fragments.Length)]);
        return text.ToString();
    }
}
