using System.Text;

namespace Switch.Protocol.Iso8583;

/// <summary>
/// Byte-level conversions between a field's canonical value (characters as ASCII/Latin-1 bytes, or raw bytes
/// for b fields) and its wire encoding. Nothing here allocates.
/// </summary>
internal static class Wire
{
    internal static ReadOnlySpan<byte> HexDigits => "0123456789ABCDEF"u8;
    private static readonly byte[][] ToEbcdic = new byte[3][];
    private static readonly byte[][] FromEbcdic = new byte[3][];

    static Wire()
    {
        int[] pages = [37, 500, 1047];
        Span<byte> all = stackalloc byte[256];
        for (var i = 0; i < 256; i++) all[i] = (byte)i;
        for (var p = 0; p < pages.Length; p++)
        {
            // Each of these code pages is a permutation of Latin-1, so one table each way is exact.
            var page = CodePagesEncodingProvider.Instance.GetEncoding(pages[p])
                ?? throw new InvalidOperationException($"EBCDIC code page {pages[p]} is not available");
            var chars = page.GetString(all);
            ToEbcdic[p] = new byte[256];
            FromEbcdic[p] = new byte[256];
            for (var e = 0; e < 256; e++)
            {
                FromEbcdic[p][e] = (byte)chars[e];
                ToEbcdic[p][chars[e]] = (byte)e;
            }
        }
    }

    public static bool IsBcd(FieldEncoding e) => e is FieldEncoding.Bcd or FieldEncoding.BcdRightPadded or FieldEncoding.BcdRightPaddedF;

    public static bool IsCharacter(FieldEncoding e) => e is FieldEncoding.Ascii or FieldEncoding.Ebcdic037 or FieldEncoding.Ebcdic500 or FieldEncoding.Ebcdic1047;

    /// <summary>Wire bytes taken by <paramref name="units"/> characters, digits or bytes.</summary>
    public static int WireLength(FieldEncoding e, int units) => e switch
    {
        FieldEncoding.Bcd or FieldEncoding.BcdRightPadded or FieldEncoding.BcdRightPaddedF => (units + 1) >> 1,
        FieldEncoding.HexAscii => units * 2,
        _ => units,
    };

    /// <summary>Writes a canonical value; the caller has checked its characters. Returns bytes written.</summary>
    public static int Write(FieldEncoding e, ReadOnlySpan<byte> value, Span<byte> dest)
    {
        switch (e)
        {
            case FieldEncoding.Ascii:
            case FieldEncoding.Binary:
                value.CopyTo(dest);
                return value.Length;
            case FieldEncoding.Ebcdic037:
            case FieldEncoding.Ebcdic500:
            case FieldEncoding.Ebcdic1047:
            {
                var table = ToEbcdic[e - FieldEncoding.Ebcdic037];
                for (var i = 0; i < value.Length; i++) dest[i] = table[value[i]];
                return value.Length;
            }
            case FieldEncoding.HexAscii:
                for (var i = 0; i < value.Length; i++)
                {
                    dest[2 * i] = HexDigits[value[i] >> 4];
                    dest[2 * i + 1] = HexDigits[value[i] & 0xF];
                }
                return value.Length * 2;
            default:
                return WriteBcd(e, value, dest);
        }
    }

    private static int WriteBcd(FieldEncoding e, ReadOnlySpan<byte> digits, Span<byte> dest)
    {
        var odd = (digits.Length & 1) == 1;
        var bytes = (digits.Length + 1) >> 1;
        var leftPad = e == FieldEncoding.Bcd && odd;
        var pad = e == FieldEncoding.BcdRightPaddedF ? 0xF : 0x0;
        var d = 0;
        for (var i = 0; i < bytes; i++)
        {
            int hi, lo;
            if (leftPad)
            {
                hi = i == 0 ? 0 : Nibble(digits[d++]);
                lo = Nibble(digits[d++]);
            }
            else
            {
                hi = Nibble(digits[d++]);
                lo = d < digits.Length ? Nibble(digits[d++]) : pad;
            }
            dest[i] = (byte)((hi << 4) | lo);
        }
        return bytes;
    }

    private static int Nibble(byte c) => c is (byte)'=' or (byte)'D' or (byte)'d' ? 0xD : c - '0';

    /// <summary>
    /// Reads <paramref name="units"/> canonical units from <paramref name="wire"/> into <paramref name="dest"/>.
    /// Returns the index of the first bad wire byte, or -1 when all is well.
    /// </summary>
    public static int Read(FieldEncoding e, ContentType type, ReadOnlySpan<byte> wire, int units, Span<byte> dest)
    {
        switch (e)
        {
            case FieldEncoding.Ascii:
                wire[..units].CopyTo(dest);
                return Check(type, dest[..units]);
            case FieldEncoding.Binary:
                wire[..units].CopyTo(dest);
                return -1;
            case FieldEncoding.Ebcdic037:
            case FieldEncoding.Ebcdic500:
            case FieldEncoding.Ebcdic1047:
            {
                var table = FromEbcdic[e - FieldEncoding.Ebcdic037];
                for (var i = 0; i < units; i++) dest[i] = table[wire[i]];
                return Check(type, dest[..units]);
            }
            case FieldEncoding.HexAscii:
                for (var i = 0; i < units; i++)
                {
                    int hi = HexValue(wire[2 * i]), lo = HexValue(wire[2 * i + 1]);
                    if (hi < 0) return 2 * i;
                    if (lo < 0) return 2 * i + 1;
                    dest[i] = (byte)((hi << 4) | lo);
                }
                return -1;
            default:
                return ReadBcd(e, type == ContentType.Z, wire, units, dest);
        }
    }

    private static int ReadBcd(FieldEncoding e, bool track, ReadOnlySpan<byte> wire, int digits, Span<byte> dest)
    {
        // The pad nibble of an odd digit count must be the one this encoding writes, so a decode is byte-exact.
        var odd = (digits & 1) == 1;
        if (odd && e == FieldEncoding.Bcd && wire[0] >> 4 != 0) return 0;
        var leftPad = odd && e == FieldEncoding.Bcd;
        var n = 0;
        for (var i = 0; n < digits; i++)
        {
            var b = wire[i];
            if (!(leftPad && i == 0))
            {
                if (!TryDigit(b >> 4, track, out dest[n++])) return i;
                if (n == digits)
                {
                    var pad = e == FieldEncoding.BcdRightPaddedF ? 0xF : 0x0;
                    return (b & 0xF) == pad ? -1 : i;
                }
            }
            if (!TryDigit(b & 0xF, track, out dest[n++])) return i;
        }
        return -1;
    }

    private static bool TryDigit(int nibble, bool track, out byte c)
    {
        if (nibble <= 9) { c = (byte)('0' + nibble); return true; }
        if (track && nibble == 0xD) { c = (byte)'='; return true; }
        c = 0;
        return false;
    }

    /// <summary>The value of a hex digit (either case), or -1.</summary>
    internal static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };

    /// <summary>Index of the first character not allowed by <paramref name="type"/>, or -1.</summary>
    public static int Check(ContentType type, ReadOnlySpan<byte> value)
    {
        switch (type)
        {
            case ContentType.N:
                return value.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
            case ContentType.Z:
                for (var i = 0; i < value.Length; i++)
                    if (value[i] is not ((>= (byte)'0' and <= (byte)'9') or (byte)'=' or (byte)'D')) return i;
                return -1;
            default:
                return -1;
        }
    }

    /// <summary>Parses an unsigned decimal of ASCII digits; -1 when a byte is not a digit.</summary>
    public static int ParseDecimal(ReadOnlySpan<byte> digits)
    {
        var v = 0;
        foreach (var c in digits)
        {
            var d = c - '0';
            if ((uint)d > 9) return -1;
            v = v * 10 + d;
        }
        return v;
    }

    /// <summary>Writes <paramref name="value"/> as exactly <paramref name="dest"/>.Length ASCII digits.</summary>
    public static void WriteDecimal(int value, Span<byte> dest)
    {
        for (var i = dest.Length - 1; i >= 0; i--)
        {
            dest[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
