using System.Globalization;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>
/// Builds the requests one terminal sends, well-formed for an ISO 8583:1987 dialect: each with its own STAN (DE 11,
/// 000001 to 999999 then round again) and retrieval reference number (DE 37, YDDDhh + STAN), the transmission time
/// (DE 7, UTC), the local time and date (DE 12, 13), and the acquirer, terminal and merchant of
/// <see cref="Terminal"/>. Card requests are keyed in (DE 22 = 012: manual PAN entry, no PIN capability). Thread-safe;
/// use one factory per terminal, since STANs are unique per factory.
/// </summary>
public sealed class TransactionFactory
{
    private const string KeyedEntryNoPin = "012";
    private const string NormalPresentment = "00";
    private const string PreAuthorizationRequest = "06";

    private readonly TimeProvider _clock;
    private long _stan;

    /// <summary>Creates a factory for a terminal.</summary>
    /// <param name="dialect">The dialect of the requests (ISO 8583:1987 numbering, e.g. iso87ascii, iso87binary, postilion).</param>
    /// <param name="terminal">The acquirer, merchant and terminal; defaults when null.</param>
    /// <param name="clock">The clock for DE 7, 12 and 13; the system clock when null.</param>
    /// <exception cref="ArgumentException">The dialect does not follow ISO 8583:1987 numbering.</exception>
    public TransactionFactory(Dialect dialect, AcquirerTerminal? terminal = null, TimeProvider? clock = null)
    {
        Iso87.Require(dialect, nameof(dialect));
        Dialect = dialect;
        Terminal = terminal ?? new AcquirerTerminal();
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The dialect of the requests.</summary>
    public Dialect Dialect { get; }

    /// <summary>The acquirer, merchant and terminal the requests come from.</summary>
    public AcquirerTerminal Terminal { get; }

    /// <summary>A purchase: 0200, processing code 000000.</summary>
    public IsoMessage Purchase(Card card, long amount) => CardRequest(new Mti(200), "000000", card, amount, NormalPresentment);

    /// <summary>A pre-authorization: 0100, processing code 000000, POS condition 06.</summary>
    public IsoMessage PreAuthorization(Card card, long amount) => CardRequest(new Mti(100), "000000", card, amount, PreAuthorizationRequest);

    /// <summary>A refund: 0200, processing code 200000.</summary>
    public IsoMessage Refund(Card card, long amount) => CardRequest(new Mti(200), "200000", card, amount, NormalPresentment);

    /// <summary>A balance inquiry: 0200, processing code 310000, amount zero.</summary>
    public IsoMessage BalanceInquiry(Card card) => CardRequest(new Mti(200), "310000", card, 0, NormalPresentment);

    /// <summary>
    /// The completion of a pre-authorization: a 0220 advice for the final <paramref name="amount"/>, with the
    /// pre-authorization's card and entry mode, its original data elements in DE 90 and, when given, its approval
    /// code in DE 38.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="preAuthorization"/> is not an authorization request of this dialect.</exception>
    public IsoMessage Completion(IsoMessage preAuthorization, long amount, string? approvalCode = null)
    {
        ArgumentNullException.ThrowIfNull(preAuthorization);
        if (preAuthorization.Dialect != Dialect || preAuthorization.Mti.Class != 1 || preAuthorization.Mti.IsResponse)
            throw new ArgumentException("a completion follows an authorization request (0100) of the same dialect", nameof(preAuthorization));
        var pan = preAuthorization.Pan ?? throw new ArgumentException("the pre-authorization has no PAN", nameof(preAuthorization));
        var completion = CardRequest(
            new Mti(220), preAuthorization.ProcessingCode ?? "000000", pan, preAuthorization.GetString(14), amount, NormalPresentment);
        completion.Set(22, preAuthorization.GetString(22));
        completion.ApprovalCode = approvalCode;
        completion.OriginalDataElements = string.Concat(
            preAuthorization.Mti.ToString(),
            preAuthorization.Stan ?? "000000",
            preAuthorization.TransmissionDateTime ?? "0000000000",
            (preAuthorization.AcquirerId ?? "").PadLeft(11, '0'),
            (preAuthorization.GetString(33) ?? "").PadLeft(11, '0'));
        return completion;
    }

    /// <summary>A reversal (0400) of an earlier request: its own STAN and DE 7, the original's RRN and fields, DE 90 from the original.</summary>
    public IsoMessage Reversal(IsoMessage original) => ReversalOf(original, advice: false);

    /// <summary>A reversal advice (0420) of an earlier request, which the issuer must accept; see <see cref="Reversal"/>.</summary>
    public IsoMessage ReversalAdvice(IsoMessage original) => ReversalOf(original, advice: true);

    /// <summary>A sign-on: 0800, DE 70 = 001.</summary>
    public IsoMessage SignOn() => NetworkManagement("001");

    /// <summary>A sign-off: 0800, DE 70 = 002.</summary>
    public IsoMessage SignOff() => NetworkManagement("002");

    /// <summary>An echo test: 0800, DE 70 = 301.</summary>
    public IsoMessage Echo() => NetworkManagement("301");

    private IsoMessage CardRequest(Mti mti, string processingCode, Card card, long amount, string posCondition) =>
        CardRequest(mti, processingCode, card.Pan, card.ExpiryDate, amount, posCondition);

    private IsoMessage CardRequest(Mti mti, string processingCode, string pan, string? expiryDate, long amount, string posCondition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        var now = _clock.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, _clock.LocalTimeZone);
        var stan = NextStan();
        var message = Dialect.CreateMessage(mti);
        message.Pan = pan;
        message.ProcessingCode = processingCode;
        message.Amount = amount;
        message.TransmissionDateTime = TransmissionDateTime(now);
        message.Stan = stan;
        message.LocalTime = local.ToString("HHmmss", CultureInfo.InvariantCulture);
        message.LocalDate = local.ToString("MMdd", CultureInfo.InvariantCulture);
        message.Set(14, expiryDate);
        message.Set(18, Terminal.MerchantType);
        message.Set(22, KeyedEntryNoPin);
        message.Set(25, posCondition);
        message.AcquirerId = Terminal.AcquirerId;
        message.Rrn = string.Create(CultureInfo.InvariantCulture, $"{local.Year % 10}{local.DayOfYear:D3}{local.Hour:D2}{stan}");
        message.TerminalId = Terminal.TerminalId;
        message.MerchantId = Terminal.MerchantId;
        message.Set(43, Terminal.NameAndLocation);
        message.Currency = Terminal.Currency;
        return message;
    }

    private IsoMessage ReversalOf(IsoMessage original, bool advice)
    {
        ArgumentNullException.ThrowIfNull(original);
        if (original.Dialect != Dialect || original.Mti.IsResponse)
            throw new ArgumentException("a reversal reverses a request of the same dialect", nameof(original));
        return original.CreateReversal(advice, NextStan(), TransmissionDateTime(_clock.GetUtcNow()));
    }

    private IsoMessage NetworkManagement(string code)
    {
        var message = Dialect.CreateMessage(new Mti(800));
        message.TransmissionDateTime = TransmissionDateTime(_clock.GetUtcNow());
        message.Stan = NextStan();
        message.Set(70, code);
        return message;
    }

    private string NextStan() =>
        ((Interlocked.Increment(ref _stan) - 1) % 999_999 + 1).ToString("D6", CultureInfo.InvariantCulture);

    private static string TransmissionDateTime(DateTimeOffset utc) =>
        utc.UtcDateTime.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
}
