using System.Buffers;
using System.Globalization;
using System.Text;

namespace Switch.Protocol.Iso8583;

/// <summary>
/// One ISO 8583 message of a <see cref="Dialect"/>: its MTI and fields, with typed accessors for the fields a
/// switch works with (ISO 8583:1987 numbering). <see cref="ToString"/> masks the PAN and leaves secrets out.
/// </summary>
public sealed class IsoMessage : FieldSet
{
    private static readonly int[] ReversalFields = [2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 18, 22, 23, 32, 33, 37, 41, 42, 43, 49, 50, 51];

    internal IsoMessage(Dialect dialect, Mti mti) : base(dialect.Fields)
    {
        Dialect = dialect;
        Mti = mti;
    }

    /// <summary>The dialect the message is written in.</summary>
    public Dialect Dialect { get; }

    /// <summary>Message type indicator.</summary>
    public Mti Mti { get; set; }

    /// <summary>DE 2, primary account number. Mask it (<see cref="PanMask"/>) before showing it anywhere.</summary>
    public string? Pan { get => GetString(2); set => Set(2, value); }

    /// <summary>DE 3, processing code: transaction type (00 purchase, 20 refund, 31 balance inquiry) and accounts.</summary>
    public string? ProcessingCode { get => GetString(3); set => Set(3, value); }

    /// <summary>DE 4, transaction amount in minor units of <see cref="Currency"/>.</summary>
    /// <exception cref="IsoFormatException">DE 4 is not 1 to 18 digits (e.g. a signed x+n amount).</exception>
    public long? Amount
    {
        get => TryGet(4, out var digits) ? ParseAmount(digits) : null;
        set => Set(4, value?.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>DE 7, transmission date and time, MMDDhhmmss (UTC).</summary>
    public string? TransmissionDateTime { get => GetString(7); set => Set(7, value); }

    /// <summary>DE 11, systems trace audit number.</summary>
    public string? Stan { get => GetString(11); set => Set(11, value); }

    /// <summary>DE 12, local transaction time hhmmss (in ISO 8583:1993, date and time YYMMDDhhmmss).</summary>
    public string? LocalTime { get => GetString(12); set => Set(12, value); }

    /// <summary>DE 13, local transaction date MMDD (in ISO 8583:1993, the effective date YYMM).</summary>
    public string? LocalDate { get => GetString(13); set => Set(13, value); }

    /// <summary>DE 32, acquiring institution identification code.</summary>
    public string? AcquirerId { get => GetString(32); set => Set(32, value); }

    /// <summary>DE 37, retrieval reference number.</summary>
    public string? Rrn { get => GetString(37); set => Set(37, value); }

    /// <summary>DE 38, authorization (approval) code.</summary>
    public string? ApprovalCode { get => GetString(38); set => Set(38, value); }

    /// <summary>DE 39, response code (in ISO 8583:1993, the action code).</summary>
    public string? ResponseCode { get => GetString(39); set => Set(39, value); }

    /// <summary>DE 41, card acceptor terminal identification.</summary>
    public string? TerminalId { get => GetString(41); set => Set(41, value); }

    /// <summary>DE 42, card acceptor (merchant) identification code.</summary>
    public string? MerchantId { get => GetString(42); set => Set(42, value); }

    /// <summary>DE 49, transaction currency code (ISO 4217 numeric).</summary>
    public string? Currency { get => GetString(49); set => Set(49, value); }

    /// <summary>Original data elements of a reversal or advice (DE 90, or DE 56 in ISO 8583:1993).</summary>
    public string? OriginalDataElements
    {
        get => GetString(Dialect.OriginalDataField);
        set => Set(Dialect.OriginalDataField, value);
    }

    /// <summary>The key that pairs this message with its response or request (see <see cref="Iso8583.MatchKey"/>).</summary>
    public MatchKey MatchKey
    {
        get
        {
            var key = new StringBuilder(32).Append(Mti.PairClass.ToString("D3", CultureInfo.InvariantCulture));
            foreach (var f in Dialect.MatchKeyFields)
            {
                key.Append('|');
                if (TryGet(f, out var value)) key.Append(ToText(Spec[f]!, value));
            }
            return new MatchKey(key.ToString());
        }
    }

    /// <summary>Bytes the encoded message takes (without framing).</summary>
    public int EncodedLength => Dialect.MtiSize + EncodedFieldsSize();

    /// <summary>Encodes the message into <paramref name="destination"/>; returns the bytes written.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="EncodedLength"/>.</exception>
    public int Encode(Span<byte> destination)
    {
        var mtiSize = Dialect.MtiSize;
        var length = mtiSize + EncodedFieldsSize();
        if (destination.Length < length) throw new ArgumentException($"the message needs {length} bytes", nameof(destination));
        Dialect.WriteMti(Mti, destination);
        return mtiSize + EncodeFields(destination[mtiSize..]);
    }

    /// <summary>Encodes the message into a new array.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        Encode(bytes);
        return bytes;
    }

    /// <summary>Encodes the message into a buffer writer such as a <c>PipeWriter</c>.</summary>
    public void Encode(IBufferWriter<byte> writer)
    {
        var length = EncodedLength;
        Encode(writer.GetSpan(length));
        writer.Advance(length);
    }

    /// <summary>
    /// A response to this request or advice: MTI + 10, the dialect's echo fields copied, DE 39 set.
    /// </summary>
    /// <exception cref="InvalidOperationException">This message is itself a response.</exception>
    public IsoMessage CreateResponse(string responseCode)
    {
        var response = new IsoMessage(Dialect, Mti.Response);
        foreach (var f in Dialect.EchoNumbers)
            if (TryGet(f, out var value)) response.Set(f, value);
        foreach (var path in Dialect.EchoSubfields)
            if (Get(path) is { } value) response.Set(path, value);
        response.ResponseCode = responseCode;
        return response;
    }

    /// <summary>
    /// A reversal of this request: 0400 (or 0420 as an advice) with the transaction's fields copied and the original
    /// data elements filled (DE 90: original MTI, STAN, transmission time, acquirer and forwarder ids).
    /// </summary>
    /// <param name="advice">True for a reversal advice (0420), which the issuer must accept; false for 0400.</param>
    /// <param name="stan">The reversal's own STAN; null keeps the original's.</param>
    /// <param name="transmissionDateTime">The reversal's DE 7; null keeps the original's.</param>
    public IsoMessage CreateReversal(bool advice = false, string? stan = null, string? transmissionDateTime = null)
    {
        var reversal = new IsoMessage(Dialect, new Mti(Mti.Version * 1000 + 400 + (advice ? 20 : 0)));
        foreach (var f in ReversalFields)
            if (Spec[f] is not null && TryGet(f, out var value)) reversal.Set(f, value);
        if (stan is not null) reversal.Stan = stan;
        if (transmissionDateTime is not null) reversal.TransmissionDateTime = transmissionDateTime;
        if (Spec[Dialect.OriginalDataField] is not null) reversal.OriginalDataElements = BuildOriginalData();
        return reversal;
    }

    private string BuildOriginalData()
    {
        var mti = Mti.ToString();
        var stan = (Stan ?? "").PadLeft(6, '0');
        var acquirer = AcquirerId ?? "";
        if (Dialect.OriginalDataField == 56)
            return $"{mti}{stan}{(LocalTime ?? "").PadLeft(12, '0')}{acquirer.Length:D2}{acquirer}";
        return $"{mti}{stan}{(TransmissionDateTime ?? "").PadLeft(10, '0')}{acquirer.PadLeft(11, '0')}{(GetString(33) ?? "").PadLeft(11, '0')}";
    }

    /// <summary>The same message in another dialect (for routing between acquirer and issuer dialects).</summary>
    /// <exception cref="IsoFormatException">A field does not fit or is not defined in <paramref name="target"/>.</exception>
    public IsoMessage ConvertTo(Dialect target)
    {
        var converted = new IsoMessage(target, Mti);
        for (var n = Next(0); n != 0; n = Next(n))
        {
            TryGet(n, out var value);
            converted.Set(n, value);
        }
        return converted;
    }

    /// <summary>The MTI and fields, PAN masked, PIN block, track data, CVV and keys left out.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(256).Append(Mti).Append(" {");
        foreach (var field in MaskedFields()) text.Append(' ').Append(field.Path).Append('=').Append(field.Value);
        return text.Append(" }").ToString();
    }

    private static long ParseAmount(ReadOnlySpan<byte> digits)
    {
        if (digits.Length is 0 or > 18 || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
            throw new IsoFormatException("4", -1, "is not an amount of 1 to 18 digits");
        long value = 0;
        foreach (var d in digits) value = value * 10 + (d - '0');
        return value;
    }
}
