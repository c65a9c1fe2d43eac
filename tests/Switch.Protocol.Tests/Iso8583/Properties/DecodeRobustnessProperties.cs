using FsCheck;
using FsCheck.Fluent;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583.Properties;

/// <summary>
/// Whatever arrives on the wire, every dialect's Decode either returns a message or raises <see cref="IsoFormatException"/>
/// (nothing else, and in bounded time), and a message that decodes can be read, printed and re-encoded.
/// </summary>
public class DecodeRobustnessProperties
{
    private const int TimeoutMs = 60_000;

    [Fact(Timeout = TimeoutMs)]
    public async Task Random_bytes_raise_nothing_but_the_format_exception() =>
        await Task.Run(() => PropertyCheck.ForAll(Hex(NoisyBytes), 1000, bytes =>
        {
            foreach (var dialect in Dialects.All) PropertyCheck.Probe(dialect, bytes.Bytes);
        }));

    public static TheoryData<string> DialectNames() => PropertyCheck.DialectNames();

    [Theory(Timeout = TimeoutMs)]
    [MemberData(nameof(DialectNames))]
    public async Task Mutated_valid_encodings_raise_nothing_but_the_format_exception(string dialectName)
    {
        var dialect = Dialects.Get(dialectName);
        await Task.Run(() => PropertyCheck.ForAll(MutatedMessage(dialect), Shrink, 600, mutated =>
        {
            foreach (var d in Dialects.All) PropertyCheck.Probe(d, mutated.Bytes);
        }));
    }

    /// <summary>Fewer edits, or the same edits on a message with fewer fields.</summary>
    private static IEnumerable<MutatedMessage> Shrink(MutatedMessage mutated) =>
        Enumerable.Range(0, mutated.Edits.Length).Where(_ => mutated.Edits.Length > 1)
            .Select(i => new MutatedMessage(mutated.Case, mutated.Edits.Where((_, j) => j != i).ToArray()))
            .Concat(PropertyCheck.Shrink(mutated.Case).Select(smaller => new MutatedMessage(smaller, mutated.Edits)));

    /// <summary>Random bytes, often behind something that looks like an MTI and a bitmap, with digit-heavy tails so that
    /// length prefixes parse now and then.</summary>
    private static Gen<byte[]> NoisyBytes { get; } =
        from prefix in Gen.Frequency(
            (2, Gen.Constant(Array.Empty<byte>())),
            (2, IsoGen.Digits(4).Select(Ascii)),
            (2, IsoGen.Digits(4).Select(d => Convert.FromHexString(d))),
            (2, from mti in IsoGen.Digits(4)
                from bitmap in IsoGen.Content(ContentType.B, 8)
                select Ascii(mti + bitmap)),
            (1, from mti in IsoGen.Digits(4)
                from bitmap in IsoGen.Content(ContentType.B, 16)
                select Ascii(mti + bitmap)))
        from tail in Gen.Choose(0, 300).SelectMany(n => Gen.ArrayOf(Gen.Frequency(
            (3, IsoGen.Byte),
            (2, Gen.Choose('0', '9').Select(c => (byte)c))), n))
        select prefix.Concat(tail).ToArray();

    private static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    private static Gen<HexBytes> Hex(Gen<byte[]> bytes) => bytes.Select(b => new HexBytes(b));

    /// <summary>A valid small message's encoding with one to four random edits.</summary>
    private static Gen<MutatedMessage> MutatedMessage(Dialect dialect) =>
        from @case in IsoGen.Message(dialect, Profile.Small)
        from edits in Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Edit, n))
        select new MutatedMessage(@case, edits);

    private static Gen<Edit> Edit { get; } =
        from kind in Gen.Elements(Enum.GetValues<EditKind>())
        from position in Gen.Choose(0, int.MaxValue)
        from value in Gen.Frequency((3, IsoGen.Byte), (1, Gen.Choose('0', '9').Select(c => (byte)c)), (1, Gen.Elements<byte>(0x00, 0xFF, 0x80, 0x7F)))
        from count in Gen.Choose(1, 4)
        select new Edit(kind, position, value, count);
}

/// <summary>Bytes printed as hex in counterexamples.</summary>
public sealed record HexBytes(byte[] Bytes)
{
    public override string ToString() => Convert.ToHexString(Bytes);
}

public enum EditKind
{
    FlipBits,
    Replace,
    Insert,
    Delete,
    Truncate,
}

/// <summary>One edit of an encoding; <see cref="Position"/> is taken modulo the length it applies to.</summary>
public sealed record Edit(EditKind Kind, int Position, byte Value, int Count)
{
    public byte[] Apply(byte[] bytes)
    {
        var list = bytes.ToList();
        switch (Kind)
        {
            case EditKind.FlipBits when list.Count > 0:
                list[Position % list.Count] ^= Value == 0 ? (byte)1 : Value;
                break;
            case EditKind.Replace when list.Count > 0:
                list[Position % list.Count] = Value;
                break;
            case EditKind.Insert:
                list.InsertRange(Position % (list.Count + 1), Enumerable.Repeat(Value, Count));
                break;
            case EditKind.Delete when list.Count > 0:
                var at = Position % list.Count;
                list.RemoveRange(at, Math.Min(Count, list.Count - at));
                break;
            case EditKind.Truncate:
                list.RemoveRange(Position % (list.Count + 1), list.Count - Position % (list.Count + 1));
                break;
        }
        return list.ToArray();
    }
}

/// <summary>A valid message and the edits made to its encoding; printed with the original and the edited bytes.</summary>
public sealed class MutatedMessage
{
    public MutatedMessage(MessageCase @case, Edit[] edits)
    {
        Case = @case;
        Edits = edits;
        Original = @case.Build().Encode();
        Bytes = edits.Aggregate(Original, (bytes, edit) => edit.Apply(bytes));
    }

    public MessageCase Case { get; }

    public Edit[] Edits { get; }

    public byte[] Original { get; }

    public byte[] Bytes { get; }

    public override string ToString() =>
        $"{Case}{Environment.NewLine}  original {Convert.ToHexString(Original)}{Environment.NewLine}" +
        $"  edits {string.Join(", ", Edits.AsEnumerable())}{Environment.NewLine}  mutated  {Convert.ToHexString(Bytes)}";
}
