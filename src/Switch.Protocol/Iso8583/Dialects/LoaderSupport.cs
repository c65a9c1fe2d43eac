namespace Switch.Protocol.Iso8583;

/// <summary>
/// What <see cref="MoovSpecLoader"/> and <see cref="JposPackagerLoader"/> share: one error shape (a
/// <see cref="FormatException"/> naming the definition format, the field path and the fault), building specs with
/// the model's own checks turned into that error, and the dialect-wide defaults a definition file does not carry
/// (match key, original data field).
/// </summary>
internal static class LoaderSupport
{
    /// <summary>The one exception a definition problem raises.</summary>
    public static FormatException Error(string format, string? path, string problem) =>
        new(path is null ? $"{format}: {problem}" : $"{format}: field {path}: {problem}");

    /// <summary>DE 35 (track 2) holds the '=' separator: numeric track 2 is z content.</summary>
    public static ContentType IsoContent(int number, ContentType type) =>
        number == 35 && type == ContentType.N ? ContentType.Z : type;

    /// <summary>Builds a field spec; the model's own objections become a definition error on <paramref name="path"/>.</summary>
    public static FieldSpec NewField(string format, string path, int number, string name, ContentType type, FieldEncoding encoding,
        LengthPrefix prefix, int maxLength, Padding? padding, Sensitivity sensitivity, Composite? composite)
    {
        try
        {
            return new FieldSpec(number, name, type, encoding, prefix, maxLength, padding, sensitivity, composite);
        }
        catch (ArgumentException e)
        {
            throw Error(format, path, Strip(e, number));
        }
    }

    /// <summary>Builds a field set; the model's own objections become a definition error on <paramref name="path"/>.</summary>
    public static FieldSetSpec NewFieldSet(string format, string? path, FieldEncoding bitmapEncoding, int maxBitmaps, IEnumerable<FieldSpec> fields)
    {
        try
        {
            return new FieldSetSpec(bitmapEncoding, maxBitmaps, fields);
        }
        catch (ArgumentException e)
        {
            var problem = e is ArgumentOutOfRangeException ? $"{maxBitmaps} bitmaps are not supported (1 to 3)" : e.Message;
            throw path is null ? Error(format, null, problem) : Error(format, path, "subfields: " + problem);
        }
    }

    /// <summary>
    /// The dialect, with the defaults a definition does not carry: responses pair with requests on DE 41 and 11 (those
    /// defined), and reversals record the original data in DE 90 when it is the 1987 n 42, else in DE 56 when defined.
    /// </summary>
    public static Dialect BuildDialect(string format, string name, string description, FieldEncoding mtiEncoding, FieldSetSpec fields)
    {
        int[] matchKey = [.. new[] { 41, 11 }.Where(f => fields[f] is { Sensitivity: Sensitivity.Clear })];
        var originalData = fields[90] is { Prefix.IsFixed: true, MaxLength: 42 } ? 90 : fields[56] is not null ? 56 : 90;
        try
        {
            return new Dialect(name, description, mtiEncoding, fields, matchKey, originalDataField: originalData);
        }
        catch (ArgumentException e)
        {
            throw Error(format, null, e.Message);
        }
    }

    /// <summary>The MTI encoding a fixed four-digit field gives, or null when the MTI cannot be written that way.</summary>
    public static FieldEncoding? MtiEncoding(FieldEncoding encoding) => encoding switch
    {
        FieldEncoding.Ascii or FieldEncoding.Ebcdic037 or FieldEncoding.Ebcdic500 or FieldEncoding.Ebcdic1047 => encoding,
        FieldEncoding.Bcd or FieldEncoding.BcdRightPadded or FieldEncoding.BcdRightPaddedF => FieldEncoding.Bcd,
        _ => null,
    };

    private static string Strip(ArgumentException e, int number)
    {
        var message = e.Message;
        var own = $"field {number}: ";
        if (message.StartsWith(own, StringComparison.Ordinal)) message = message[own.Length..];
        if (e.ParamName is not null)
        {
            var suffix = $" (Parameter '{e.ParamName}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal)) message = message[..^suffix.Length];
        }
        return message;
    }
}
