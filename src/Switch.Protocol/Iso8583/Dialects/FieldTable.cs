using System.Globalization;

namespace Switch.Protocol.Iso8583;

/// <summary>
/// Reads a field table written as text, one field a line: number, content type (n, a, an, ans, b, z; x+n is ans),
/// length ("6" fixed, "..19" variable with as many prefix digits as the maximum has), then the name. b lengths
/// are in bytes. The wire encodings come from an <see cref="EncodingScheme"/>, so one table serves several dialects.
/// </summary>
internal static class FieldTable
{
    public static List<FieldSpec> Parse(string table, EncodingScheme scheme, bool topLevel = true)
    {
        var specs = new List<FieldSpec>();
        foreach (var raw in table.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
            var number = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var type = parts[1] switch
            {
                "n" => ContentType.N,
                "a" => ContentType.A,
                "an" => ContentType.An,
                "ans" or "x+n" => ContentType.Ans,
                "b" => ContentType.B,
                "z" => ContentType.Z,
                _ => throw new FormatException($"field table line '{line}': unknown type {parts[1]}"),
            };
            var variable = parts[2].StartsWith("..", StringComparison.Ordinal);
            var length = int.Parse(variable ? parts[2][2..] : parts[2], CultureInfo.InvariantCulture);
            var encoding = type switch
            {
                ContentType.N or ContentType.Z => variable ? scheme.VariableNumeric : scheme.Numeric,
                ContentType.B => scheme.Binary,
                _ => scheme.Text,
            };
            var prefix = variable ? new LengthPrefix(length.ToString(CultureInfo.InvariantCulture).Length, scheme.Prefix) : LengthPrefix.Fixed;
            specs.Add(new FieldSpec(number, parts[3], type, encoding, prefix, length, sensitivity: IsoSensitivity.Of(number, parts[3], topLevel)));
        }
        return specs;
    }

}

/// <summary>
/// The wire encodings a dialect gives to fixed and variable numeric (and track) fields, text and binary fields,
/// and length prefixes. Packed dialects left-pad fixed numbers and right-pad variable ones, so that a PAN or a
/// track starts on the first nibble.
/// </summary>
internal readonly record struct EncodingScheme(FieldEncoding Numeric, FieldEncoding VariableNumeric, FieldEncoding Text, FieldEncoding Binary, FieldEncoding Prefix)
{
    public static EncodingScheme Ascii(FieldEncoding binary) => new(FieldEncoding.Ascii, FieldEncoding.Ascii, FieldEncoding.Ascii, binary, FieldEncoding.Ascii);
}
