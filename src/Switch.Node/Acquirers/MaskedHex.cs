namespace Switch.Node.Acquirers;

/// <summary>
/// Unreadable bytes as hex for the log, at most 256 bytes, with anything that could hold a PAN masked: a run of 12
/// or more ASCII digits keeps only its first 6 and last 4, and a run of 6 or more packed-BCD bytes (12+ digits)
/// keeps only its first 3 and last 2 bytes. A PAN inside a longer run of digits is masked with it.
/// </summary>
internal static class MaskedHex
{
    private const int MaxBytes = 256;

    public static string Of(ReadOnlySpan<byte> bytes)
    {
        var shown = bytes[..Math.Min(bytes.Length, MaxBytes)].ToArray();
        Mask(shown, static b => b is >= (byte)'0' and <= (byte)'9', minRun: 12, keepHead: 6, keepTail: 4, fill: (byte)'*');
        Mask(shown, static b => (b >> 4) <= 9 && (b & 0xF) <= 9, minRun: 6, keepHead: 3, keepTail: 2, fill: 0xFF);
        var hex = Convert.ToHexString(shown);
        return bytes.Length > MaxBytes ? $"{hex}... ({bytes.Length} bytes)" : hex;
    }

    private static void Mask(byte[] bytes, Func<byte, bool> isDigit, int minRun, int keepHead, int keepTail, byte fill)
    {
        for (var start = 0; start < bytes.Length;)
        {
            var end = start;
            while (end < bytes.Length && isDigit(bytes[end]))
                end++;
            if (end - start >= minRun)
                bytes.AsSpan(start + keepHead, end - start - keepHead - keepTail).Fill(fill);
            start = end == start ? start + 1 : end;
        }
    }
}
