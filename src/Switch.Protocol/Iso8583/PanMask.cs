namespace Switch.Protocol.Iso8583;

/// <summary>Masks primary account numbers for logs and output: first 6 and last 4 digits kept.</summary>
public static class PanMask
{
    /// <summary>The PAN with every digit but the first 6 and last 4 replaced by '*'; values too short to
    /// keep 10 digits and still hide some are masked whole.</summary>
    public static string Mask(ReadOnlySpan<char> pan)
    {
        if (pan.Length < 13) return new string('*', pan.Length);
        return string.Create(pan.Length, pan.ToString(), static (span, source) =>
        {
            source.AsSpan().CopyTo(span);
            span[6..^4].Fill('*');
        });
    }
}
