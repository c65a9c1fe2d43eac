using System.Globalization;
using Switch.Actors.Accounts;
using Switch.Actors.Channels;
using Switch.Actors.Remoting;
using Switch.Actors.Security;
using Switch.Actors.Transactions;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Serialization;

namespace Switch.Actors.Tests.Remoting;

/// <summary>
/// Two nodes' serializers (each with its own protector from the same card data key), and messages of every type
/// that crosses nodes, carrying a PAN, track 2 data and a PIN block in each built-in dialect.
/// </summary>
internal static class RemotingSamples
{
    public const string KeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    public const string OtherKeyHex = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    public const string Pan = "4761739001010010";
    public const string PinBlock = "8C1D5E2F00A1B3C4";

    public static TheoryData<string> DialectNames => new(Dialects.All.Select(d => d.Name));

    /// <summary>The serializer of a node: the journal's events and the switch messages, as a node would set it up.</summary>
    public static EventSerializer Node(string keyHex = KeyHex, IEnumerable<Dialect>? dialects = null) =>
        SwitchMessages.Register(PaymentSwitch.Serializer(), CardDataProtector.FromHex(keyHex), dialects);

    public static string Track2(string pan) => pan + "=25121011234567890";

    /// <summary>A purchase of <paramref name="dialect"/> with secondary-bitmap and composite fields (DE 55 or DE 127).</summary>
    public static IsoMessage Purchase(Dialect dialect, string pan = Pan, long amount = 1_000, int stan = 1)
    {
        var iso93 = dialect.OriginalDataField == 56;
        var message = dialect.CreateMessage(new Mti(iso93 ? 1200 : 200));
        message.Pan = pan;
        message.ProcessingCode = "000000";
        message.Amount = amount;
        message.TransmissionDateTime = "1121101010";
        message.Stan = stan.ToString("D6", CultureInfo.InvariantCulture);
        message.LocalTime = iso93 ? "251121101010" : "101010";
        message.Set(14, "2512");
        message.AcquirerId = "400001";
        message.Set(35, Track2(pan));
        message.Rrn = "532510" + message.Stan;
        message.TerminalId = "TERM0001";
        message.MerchantId = "MERCHANT0000001";
        message.Set(43, "SWITCH SIMULATOR STORE   LONDON       GB");
        message.Currency = "826";
        message.Set(52, PinBlock);
        message.Set(102, "0011223344");
        switch (dialect.Name)
        {
            case "iso87binary" or "iso93ascii":
                message.Set("55.9F26", "0102030405060708");
                message.Set("55.82", "1980");
                break;
            case "postilion":
                message.Set("127.2", "SWITCHKEY-0001");
                message.Set("127.25.2", "000000010000");
                break;
            default:
                message.Set(55, "9F26080102030405060708");
                break;
        }
        return message;
    }

    /// <summary>The bank's approval of <paramref name="request"/> (it echoes the PAN).</summary>
    public static IsoMessage Approval(IsoMessage request)
    {
        var response = request.CreateResponse(request.Dialect.OriginalDataField == 56 ? "000" : "00");
        response.ApprovalCode = "A1B2C3";
        return response;
    }

    public static Authorize Authorization(IsoMessage request, string? originalKey = null, TransactionKind kind = TransactionKind.Purchase,
        DateTimeOffset? decideBy = null) =>
        new(CardDataProtector.FromHex(KeyHex).AccountKey(request.Pan!), TransactionKey.Of("400001", request), originalKey, kind, request,
            decideBy ?? new DateTimeOffset(2026, 11, 21, 10, 10, 25, 123, TimeSpan.Zero).AddTicks(4_567));

    /// <summary>One message of every type <see cref="SwitchMessages"/> registers, those with card data in <paramref name="dialect"/>.</summary>
    public static IReadOnlyList<object> OneOfEach(Dialect dialect)
    {
        var request = Purchase(dialect);
        var authorize = Authorization(request);
        return
        [
            authorize,
            new AnswerNow(authorize.AccountKey, authorize),
            new AuthorizationResult(authorize.TransactionKey, "00", "A1B2C3", null, "approved by the bank"),
            new ShowAccount(authorize.AccountKey),
            new WakeAccount(authorize.AccountKey),
            new AccountView(authorize.AccountKey, "476173******0010", false, 0, 0, 0, 1_000, 1, 1_000, 1, 0, 1, 0),
            new BankRequest(authorize.TransactionKey, request),
            new BankAnswer(authorize.TransactionKey, "demo-1", BankOutcome.Answered, Approval(request), "00", "answered"),
            new ReverseTransaction(authorize.TransactionKey, CardDataProtector.FromHex(KeyHex).Seal(request.CreateReversal(advice: true).Encode()), "timeout"),
            new IsolateChannel("alice"),
            new CloseBreaker("alice"),
            BreakerState.Isolated,
            ListSaf.Instance,
            RetrySaf.Instance,
            new List<SafEntryInfo> { new("demo-1", authorize.TransactionKey, authorize.DecideBy, 2, "timeout") },
            3,
        ];
    }

    /// <summary>The messages of <see cref="OneOfEach"/> that hold an ISO 8583 message.</summary>
    public static IReadOnlyList<object> WithCardData(Dialect dialect) =>
        OneOfEach(dialect).Where(m => m is Authorize or AnswerNow or BankRequest or BankAnswer).ToList();
}
