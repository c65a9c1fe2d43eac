using System.Text.Json;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583;

public class MoovVectorTests
{
    private static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Vectors.Moov, name));

    [Fact]
    public void Reversal_decodes_to_exactly_the_published_fields_and_reencodes_byte_for_byte() =>
        AssertDecodesReversalVector(Dialects.Iso87Ascii);

    /// <summary>
    /// <c>iso_reversal_message.dat</c> decodes with <paramref name="dialect"/> to exactly the MTI, bitmaps and
    /// fields of <c>iso_reversal_message.json</c> (field 1 there is the secondary bitmap in bits) and re-encodes
    /// to the same bytes.
    /// </summary>
    internal static void AssertDecodesReversalVector(Dialect dialect)
    {
        var bytes = Read("iso_reversal_message.dat");
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Vectors.Moov, "iso_reversal_message.json")));

        var message = dialect.Decode(bytes);

        Assert.Equal(expected.RootElement.GetProperty("mti").GetString(), message.Mti.ToString());
        var elements = expected.RootElement.GetProperty("elements").EnumerateObject().ToDictionary(e => int.Parse(e.Name), e => e.Value.GetString());
        var secondary = string.Concat(Enumerable.Range(65, 64).Select(n => message.Has(n) ? '1' : '0'));
        Assert.Equal(elements[1], secondary);
        var primary = string.Concat(Enumerable.Range(1, 64).Select(n => n == 1 ? (secondary.Contains('1') ? '1' : '0') : message.Has(n) ? '1' : '0'));
        Assert.Equal(expected.RootElement.GetProperty("bitmap").GetString(), primary);

        Assert.Equal(elements.Keys.Where(k => k != 1).Order(), message.FieldNumbers);
        foreach (var (number, value) in elements.Where(e => e.Key != 1))
            Assert.Equal(value, message.GetString(number));
        Assert.Equal(bytes, message.Encode());
    }

    public static TheoryData<string> OtherMessages() =>
        new(Directory.GetFiles(Vectors.Moov, "*.dat").Select(Path.GetFileName).Where(f => f != "iso_reversal_message.dat")!);

    [Theory]
    [MemberData(nameof(OtherMessages))]
    public void Every_other_vector_decodes_with_some_dialect_or_fails_with_the_format_exception(string file)
    {
        var bytes = Read(file);
        var decodedBy = new List<string>();
        foreach (var dialect in Dialects.All)
        {
            try
            {
                var message = dialect.Decode(bytes);
                Assert.Equal(bytes, message.Encode());
                Assert.StartsWith(message.Mti.ToString(), message.ToString());
                decodedBy.Add(dialect.Name);
            }
            catch (IsoFormatException e)
            {
                Assert.InRange(e.Offset, 0, bytes.Length);
            }
        }
        // The ASCII vectors of the 1987 family decode with iso87ascii; none decodes with a dialect of another family.
        if (decodedBy.Count > 0) Assert.Contains("iso87ascii", decodedBy);
    }
}
