using FsCheck;
using FsCheck.Fluent;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583.Properties;

/// <summary>
/// What the message API lets a caller build must survive the wire: when Set accepts a composite value (or a
/// subfield path), the encoding decodes again and the subfield reads back. Otherwise the switch emits messages
/// that its own decoder, and the peer's, reject.
/// </summary>
public class CompositeSetProperties
{
    public static TheoryData<string> TlvDialects() => new("iso87binary", "iso93ascii");

    /// <summary>
    /// A path such as "55.9F26" names a BER-TLV tag in hex. Set writes the tag's bytes as given, so a tag that is
    /// not a well-formed BER tag (e.g. "9F" alone, whose low five bits announce a second byte, or "5A5A", a
    /// one-byte tag followed by a stray byte) yields DE 55 bytes that Decode rejects.
    /// </summary>
    [Theory]
    [MemberData(nameof(TlvDialects))]
    public void A_tlv_data_object_set_by_path_reads_back_after_a_round_trip(string dialectName)
    {
        var dialect = Dialects.Get(dialectName);
        var gen =
            from tagLength in Gen.Choose(1, 4)
            from tag in IsoGen.Bytes(tagLength)
            from value in IsoGen.Bytes(0, 8)
            select new FieldValue("55." + Convert.ToHexString(tag), Convert.ToHexString(value));
        PropertyCheck.ForAll(gen, 300, assignment =>
        {
            var message = dialect.CreateMessage(new Mti(200));
            try
            {
                message.Set(assignment.Path, assignment.Value);
            }
            catch (IsoFormatException)
            {
                return; // refusing a path that is not a BER tag is fine
            }
            var bytes = message.Encode();
            var decoded = dialect.Decode(bytes);
            Assert.Equal(assignment.Value, decoded.Get(assignment.Path));
        });
    }

    public static TheoryData<string, int> Composites() => new()
    {
        { "iso87binary", 55 },
        { "iso93ascii", 55 },
        { "postilion", 127 },
    };

    /// <summary>
    /// Set(int, ...) checks a composite field's length and content class but not its structure (BER-TLV for DE 55,
    /// the nested bitmap of Postilion DE 127), while Decode checks the structure: bytes set whole can encode to a
    /// message that does not decode.
    /// </summary>
    [Theory]
    [MemberData(nameof(Composites))]
    public void A_composite_field_set_whole_decodes_after_encoding_or_is_refused(string dialectName, int field)
    {
        var dialect = Dialects.Get(dialectName);
        PropertyCheck.ForAll(IsoGen.Bytes(0, 12).Select(b => new HexBytes(b)), 300, value =>
        {
            var message = dialect.CreateMessage(new Mti(200));
            try
            {
                message.Set(field, value.Bytes);
            }
            catch (IsoFormatException)
            {
                return; // refusing a malformed composite is fine
            }
            var decoded = dialect.Decode(message.Encode());
            Assert.True(decoded.TryGet(field, out var got) && got.SequenceEqual(value.Bytes));
        });
    }
}
