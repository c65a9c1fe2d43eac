namespace Switch.Protocol.Iso8583;

/// <summary>
/// How a field announces its length: fixed (no prefix), or L to LLLLLL digits written in ASCII, EBCDIC or BCD,
/// as hex-ASCII digits, or as a big-endian binary number. The length counts the value's characters, digits
/// or bytes, not its wire bytes.
/// </summary>
public readonly record struct LengthPrefix
{
    /// <summary>Creates a variable-length prefix of <paramref name="digits"/> digits (1 to 6).</summary>
    public LengthPrefix(int digits, FieldEncoding encoding)
    {
        if (digits is < 1 or > 6) throw new ArgumentOutOfRangeException(nameof(digits), digits, "a length prefix has 1 to 6 digits");
        if (encoding == FieldEncoding.BcdRightPadded || encoding == FieldEncoding.BcdRightPaddedF)
            encoding = FieldEncoding.Bcd;
        Digits = (byte)digits;
        Encoding = encoding;
    }

    /// <summary>No prefix: the field always has its maximum length.</summary>
    public static LengthPrefix Fixed => default;

    /// <summary>Number of length digits (the L count); 0 for a fixed-length field.</summary>
    public int Digits { get; }

    /// <summary>How the length digits are written.</summary>
    public FieldEncoding Encoding { get; }

    /// <summary>True when the field has no length prefix.</summary>
    public bool IsFixed => Digits == 0;

    /// <summary>Bytes the prefix takes on the wire.</summary>
    public int Size => Encoding switch
    {
        _ when Digits == 0 => 0,
        FieldEncoding.Bcd or FieldEncoding.Binary => (Digits + 1) >> 1,
        _ => Digits,
    };

    /// <summary>The largest length the prefix can express.</summary>
    public int MaxValue => Encoding switch
    {
        _ when Digits == 0 => int.MaxValue,
        FieldEncoding.Binary => Size >= 3 ? 0xFFFFFF : (1 << (8 * Size)) - 1,
        FieldEncoding.HexAscii => (1 << (4 * Digits)) - 1,
        _ => Pow10(Digits) - 1,
    };

    private static int Pow10(int n)
    {
        var v = 1;
        while (n-- > 0) v *= 10;
        return v;
    }

    /// <summary>Reads the length; -1 when the prefix bytes are not a valid number.</summary>
    internal int Read(ReadOnlySpan<byte> src)
    {
        var size = Size;
        switch (Encoding)
        {
            case FieldEncoding.Binary:
            {
                var v = 0;
                for (var i = 0; i < size; i++) v = (v << 8) | src[i];
                return v;
            }
            case FieldEncoding.Bcd:
            {
                var v = 0;
                for (var i = 0; i < size; i++)
                {
                    int hi = src[i] >> 4, lo = src[i] & 0xF;
                    if (hi > 9 || lo > 9) return -1;
                    v = v * 100 + hi * 10 + lo;
                }
                return v;
            }
            case FieldEncoding.HexAscii:
            {
                var v = 0;
                for (var i = 0; i < size; i++)
                {
                    var d = Wire.HexValue(src[i]);
                    if (d < 0) return -1;
                    v = (v << 4) | d;
                }
                return v;
            }
            case FieldEncoding.Ascii:
                return Wire.ParseDecimal(src[..size]);
            default:
            {
                Span<byte> ascii = stackalloc byte[6];
                Wire.Read(Encoding, ContentType.N, src, size, ascii);
                return Wire.ParseDecimal(ascii[..size]);
            }
        }
    }

    /// <summary>Writes <paramref name="length"/>, which the caller has checked against <see cref="MaxValue"/>.</summary>
    internal void Write(int length, Span<byte> dest)
    {
        var size = Size;
        switch (Encoding)
        {
            case FieldEncoding.Binary:
                for (var i = size - 1; i >= 0; i--, length >>= 8) dest[i] = (byte)length;
                return;
            case FieldEncoding.Bcd:
                for (var i = size - 1; i >= 0; i--, length /= 100)
                    dest[i] = (byte)(((length / 10 % 10) << 4) | (length % 10));
                return;
            case FieldEncoding.HexAscii:
                for (var i = size - 1; i >= 0; i--, length >>= 4)
                    dest[i] = Wire.HexDigits[length & 0xF];
                return;
            case FieldEncoding.Ascii:
                Wire.WriteDecimal(length, dest[..size]);
                return;
            default:
            {
                Span<byte> ascii = stackalloc byte[6];
                Wire.WriteDecimal(length, ascii[..size]);
                Wire.Write(Encoding, ascii[..size], dest);
                return;
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => IsFixed ? "fixed" : $"{Encoding}.{new string('L', Digits)}";
}
