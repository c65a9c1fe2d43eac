using FsCheck;
using FsCheck.Fluent;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583.Properties;

/// <summary>ToString is what reaches logs: the PAN only masked (first 6, last 4), track data and PIN blocks never.</summary>
public class MaskingProperties
{
    public static TheoryData<string> DialectNames() => PropertyCheck.DialectNames();

    [Theory]
    [MemberData(nameof(DialectNames))]
    public void ToString_masks_the_pan_and_never_shows_the_track_or_the_pin_block(string dialectName)
    {
        var dialect = Dialects.Get(dialectName);
        PropertyCheck.ForAll(CardCase(dialect), 300, card =>
        {
            var message = card.Message.Build();
            message.Set(2, card.Pan);
            message.Set(35, card.Track2);
            message.Set(52, card.PinBlock);
            if (dialect == Dialects.Postilion) message.Set("127.10", card.Cvv2);

            foreach (var shown in new[] { message, dialect.Decode(message.Encode()) })
            {
                var text = shown.ToString();
                Assert.DoesNotContain(card.Pan, text);
                Assert.DoesNotContain(card.Track2, text);
                Assert.DoesNotContain(card.Track2.Replace('=', 'D'), text);
                Assert.DoesNotContain(card.PinBlock, text, StringComparison.OrdinalIgnoreCase);
                Assert.Contains(" 2=" + card.MaskedPan + " ", text);
                Assert.Contains(" 35=[secret] ", text);
                Assert.Contains(" 52=[secret] ", text);
                if (dialect == Dialects.Postilion) Assert.Contains(" 127.10=[secret] ", text);
            }
        });
    }

    public static TheoryData<string> ChipDialects() => new("iso87binary", "iso93ascii");

    /// <summary>
    /// DE 55 carries the card's PAN again in EMV tag 5A (application PAN) and the whole track 2 in tag 57 (track 2
    /// equivalent data), both packed BCD, so their hex is the PAN's digits: showing DE 55 as plain hex leaks them.
    /// The data objects may sit at the top level or inside a constructed template (70, 77: READ RECORD and
    /// response templates), which is BER-TLV too.
    /// </summary>
    [Theory]
    [MemberData(nameof(ChipDialects))]
    public void ToString_does_not_show_the_pan_held_in_emv_chip_data(string dialectName)
    {
        var dialect = Dialects.Get(dialectName);
        var gen = CardCase(dialect).SelectMany(card => Gen.Elements("", "70.", "77.").Select(template => new ChipCard(card, template)));
        PropertyCheck.ForAll(gen, 100, chip =>
        {
            var card = chip.Card;
            var message = card.Message.Build();
            message.Remove(55); // the random message's own chip data could leave no room for the two data objects
            message.Set(2, card.Pan);
            message.Set("55." + chip.Template + "5A", Packed(card.Pan));
            message.Set("55." + chip.Template + "57", Packed(card.Track2.Replace('=', 'D')));

            foreach (var shown in new[] { message, dialect.Decode(message.Encode()) })
                Assert.DoesNotContain(card.Pan, shown.ToString());
        });
    }

    /// <summary>A card whose chip data objects go under <see cref="Template"/> ("" for the top level, else e.g. "70.").</summary>
    public sealed record ChipCard(Card Card, string Template);

    /// <summary>Digits (and 'D') as packed BCD hex, padded with an F nibble to whole bytes, as EMV writes them.</summary>
    private static string Packed(string digits) => digits.Length % 2 == 0 ? digits : digits + "F";

    /// <summary>A card (PAN, track 2, PIN block, CVV2) and a random message to put it in, without its own 2, 35 and 52.</summary>
    private static Gen<Card> CardCase(Dialect dialect) =>
        from message in IsoGen.Message(dialect, Profile.Small)
        from panLength in Gen.Choose(16, 19)
        from pan in IsoGen.Digits(panLength)
        from expiry in IsoGen.Digits(4)
        from serviceCode in IsoGen.Digits(3)
        from discretionary in Gen.Choose(0, 37 - panLength - 8).SelectMany(IsoGen.Digits)
        from pinBlock in IsoGen.Content(ContentType.B, 8)
        from cvv2 in IsoGen.Digits(3)
        select new Card(
            new MessageCase(message.Dialect, message.Mti, message.Fields.Where(f => f.Path is not ("2" or "35" or "52")).ToArray()),
            pan, $"{pan}={expiry}{serviceCode}{discretionary}", pinBlock, cvv2);

    public sealed record Card(MessageCase Message, string Pan, string Track2, string PinBlock, string Cvv2)
    {
        public string MaskedPan => Pan[..6] + new string('*', Pan.Length - 10) + Pan[^4..];
    }
}
