namespace Switch.Protocol.Iso8583;

/// <summary>The message type indicator: version, class, function and origin digits (e.g. 0200, 1420).</summary>
public readonly record struct Mti
{
    /// <summary>Creates an MTI from its four-digit value (0200 is 200).</summary>
    public Mti(int value)
    {
        if ((uint)value > 9999) throw new ArgumentOutOfRangeException(nameof(value), value, "an MTI has four digits");
        Value = value;
    }

    /// <summary>The four digits as a number.</summary>
    public int Value { get; }

    /// <summary>ISO 8583 version digit: 0 = 1987, 1 = 1993, 2 = 2003.</summary>
    public int Version => Value / 1000;

    /// <summary>Class digit: 1 authorization, 2 financial, 4 reversal, 8 network management...</summary>
    public int Class => Value / 100 % 10;

    /// <summary>Function digit: 0 request, 1 request response, 2 advice, 3 advice response...</summary>
    public int Function => Value / 10 % 10;

    /// <summary>Origin digit: 0 acquirer, 1 acquirer repeat, 2 issuer...</summary>
    public int Origin => Value % 10;

    /// <summary>True for responses (odd function digit).</summary>
    public bool IsResponse => (Function & 1) == 1;

    /// <summary>The response MTI to this request or advice (0200 → 0210, 0421 → 0430).</summary>
    public Mti Response => IsResponse
        ? throw new InvalidOperationException($"{this} is already a response")
        : new Mti(Value - Origin + 10);

    /// <summary>The same request marked as a repeat (0420 → 0421).</summary>
    public Mti Repeat => new(Value - Origin + 1);

    /// <summary>Version, class and function pair digit shared by a request and its response (0200 and 0210 → 020).</summary>
    internal int PairClass => Value / 100 * 10 + (Function & ~1);

    /// <summary>Parses four decimal digits.</summary>
    public static Mti Parse(ReadOnlySpan<char> text)
    {
        if (text.Length != 4 || !int.TryParse(text, System.Globalization.NumberStyles.None, null, out var v))
            throw new FormatException("an MTI is four decimal digits");
        return new Mti(v);
    }

    /// <summary>The four digits, e.g. "0200".</summary>
    public override string ToString() => Value.ToString("D4");
}
