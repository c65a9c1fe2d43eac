namespace Switch.Protocol.Iso8583;

/// <summary>BER-TLV (EMV) data objects: tags of one or more bytes, definite lengths in short or long form.</summary>
internal static class Tlv
{
    /// <summary>Reads one data object at <paramref name="pos"/>; false with <paramref name="error"/> set when malformed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, ref int pos, out uint tag, out int valueStart, out int valueLength, out string? error)
    {
        tag = 0;
        valueStart = valueLength = 0;
        var first = data[pos++];
        tag = first;
        if ((first & 0x1F) == 0x1F)
        {
            byte b;
            var count = 0;
            do
            {
                if (pos >= data.Length) { error = "tag runs past the end"; return false; }
                if (++count > 3) { error = "tag longer than 4 bytes"; return false; }
                b = data[pos++];
                tag = (tag << 8) | b;
            }
            while ((b & 0x80) != 0);
        }
        if (pos >= data.Length) { error = "length missing"; return false; }
        int len = data[pos++];
        if (len > 0x80)
        {
            var n = len & 0x7F;
            if (n > 3) { error = "length longer than 3 bytes"; return false; }
            if (data.Length - pos < n) { error = "length runs past the end"; return false; }
            len = 0;
            for (var i = 0; i < n; i++) len = (len << 8) | data[pos++];
        }
        else if (len == 0x80)
        {
            error = "indefinite length is not allowed";
            return false;
        }
        if (data.Length - pos < len) { error = "value runs past the end"; return false; }
        valueStart = pos;
        valueLength = len;
        pos += len;
        error = null;
        return true;
    }

    /// <summary>
    /// True when <paramref name="tag"/>, written in <paramref name="bytes"/> bytes, is a BER tag: a first byte whose
    /// low five bits are all set announces more bytes, and every following byte but the last has its top bit set.
    /// </summary>
    public static bool IsWellFormedTag(uint tag, int bytes)
    {
        var first = (byte)(tag >> (8 * (bytes - 1)));
        if (bytes == 1) return (first & 0x1F) != 0x1F;
        if ((first & 0x1F) != 0x1F) return false;
        for (var i = bytes - 2; i >= 0; i--)
        {
            var b = (byte)(tag >> (8 * i));
            if (((b & 0x80) != 0) != (i > 0)) return false;
        }
        return true;
    }

    /// <summary>
    /// How an EMV data object may be shown: the application PAN (5A) is masked; track equivalents (56, 57, 9F6B),
    /// discretionary track data (9F1F, 9F20), transaction PIN data (99) and the cardholder name (5F20) are never shown.
    /// </summary>
    public static Sensitivity SensitivityOf(uint tag) => tag switch
    {
        0x5A => Sensitivity.Pan,
        0x56 or 0x57 or 0x99 or 0x9F6B or 0x9F1F or 0x9F20 or 0x5F20 => Sensitivity.Secret,
        _ => Sensitivity.Clear,
    };

    /// <summary>The offset of the first malformed data object, or -1; <paramref name="error"/> says what is wrong.</summary>
    public static int Validate(ReadOnlySpan<byte> data, out string? error)
    {
        var pos = 0;
        while (pos < data.Length)
        {
            var start = pos;
            if (!TryRead(data, ref pos, out _, out _, out _, out error)) return start;
        }
        error = null;
        return -1;
    }

    /// <summary>Finds a top-level tag; false when absent.</summary>
    public static bool TryFind(ReadOnlySpan<byte> data, uint tag, out ReadOnlySpan<byte> value)
    {
        var pos = 0;
        while (pos < data.Length)
        {
            if (!TryRead(data, ref pos, out var t, out var start, out var len, out _)) break;
            if (t == tag)
            {
                value = data.Slice(start, len);
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>The data objects with <paramref name="tag"/> set to <paramref name="value"/> (replaced in place, or
    /// appended), or removed when <paramref name="value"/> is null.</summary>
    public static byte[] With(ReadOnlySpan<byte> data, uint tag, byte[]? value, string path)
    {
        var output = new List<byte>(data.Length + (value?.Length ?? 0) + 8);
        var replaced = false;
        var pos = 0;
        while (pos < data.Length)
        {
            var start = pos;
            if (!TryRead(data, ref pos, out var t, out _, out _, out var error))
                throw new IsoFormatException(path, -1, "BER-TLV: " + error);
            if (t == tag)
            {
                if (value is not null) Append(output, tag, value);
                replaced = true;
            }
            else
            {
                output.AddRange(data[start..pos]);
            }
        }
        if (!replaced && value is not null) Append(output, tag, value);
        return output.ToArray();
    }

    private static void Append(List<byte> output, uint tag, ReadOnlySpan<byte> value)
    {
        var started = false;
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            var b = (byte)(tag >> shift);
            if (!started && b == 0 && shift != 0) continue;
            output.Add(b);
            started = true;
        }
        if (value.Length < 0x80)
        {
            output.Add((byte)value.Length);
        }
        else
        {
            var n = value.Length <= 0xFF ? 1 : value.Length <= 0xFFFF ? 2 : 3;
            output.Add((byte)(0x80 | n));
            for (var i = n - 1; i >= 0; i--) output.Add((byte)(value.Length >> (8 * i)));
        }
        output.AddRange(value);
    }
}
