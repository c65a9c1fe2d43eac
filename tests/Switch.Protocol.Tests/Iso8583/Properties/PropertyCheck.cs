using FsCheck;
using FsCheck.Fluent;
using Switch.Protocol.Iso8583;

namespace Switch.Protocol.Tests.Iso8583.Properties;

/// <summary>Runs FsCheck properties inside ordinary xunit facts and holds the checks the properties share.</summary>
internal static class PropertyCheck
{
    public static TheoryData<string> DialectNames() => new(Dialects.All.Select(d => d.Name));

    /// <summary>Checks that <paramref name="body"/> returns without throwing for <paramref name="cases"/> generated values;
    /// a failure throws with the counterexample and the seed to replay it.</summary>
    public static void ForAll<T>(Gen<T> gen, int cases, Action<T> body) => ForAll(gen, _ => [], cases, body);

    /// <summary>As <see cref="ForAll{T}(Gen{T}, int, Action{T})"/>, shrinking a counterexample with <paramref name="shrink"/>.</summary>
    public static void ForAll<T>(Gen<T> gen, Func<T, IEnumerable<T>> shrink, int cases, Action<T> body) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true), Prop.ForAll(Arb.From(gen, shrink), body));

    /// <summary>The case with one assignment fewer, each way: every assignment is valid on its own, so these stay valid.</summary>
    public static IEnumerable<MessageCase> Shrink(MessageCase @case) =>
        Enumerable.Range(0, @case.Fields.Count).Select(i =>
            new MessageCase(@case.Dialect, @case.Mti, @case.Fields.Where((_, j) => j != i).ToArray()));

    /// <summary>
    /// Decodes <paramref name="bytes"/> and, when they decode, uses the message the ways a switch would. Only
    /// <see cref="IsoFormatException"/> may come out of the codec: anything else escapes and fails the property.
    /// Returns the message, or null when the bytes were rejected.
    /// </summary>
    public static IsoMessage? Probe(Dialect dialect, byte[] bytes)
    {
        IsoMessage message;
        try
        {
            message = dialect.Decode(bytes);
        }
        catch (IsoFormatException e)
        {
            Assert.InRange(e.Offset, -1, bytes.Length);
            return null;
        }

        Tolerate(() => message.Get("127.25.2"));
        Tolerate(() => message.Get("127.2"));
        Tolerate(() => message.Get("55.9F26"));
        Tolerate(() => message.Get("90.2"));
        // Subfield paths may not exist in this dialect (IsoFormatException then); printing and reading fields always work.
        _ = message.ToString();
        foreach (var n in message.FieldNumbers) _ = message.GetString(n);
        _ = message.MatchKey;

        // A decoded message re-encodes to a canonical form that decodes to the same fields and is a fixed point.
        var canonical = message.Encode();
        Assert.Equal(message.EncodedLength, canonical.Length);
        var again = dialect.Decode(canonical);
        AssertSameFields(message, again);
        Assert.Equal(canonical, again.Encode());
        return message;
    }

    private static void Tolerate(Func<object?> action)
    {
        try
        {
            _ = action();
        }
        catch (IsoFormatException)
        {
        }
    }

    /// <summary>Same MTI, same field numbers and the same canonical bytes in every field.</summary>
    public static void AssertSameFields(IsoMessage expected, IsoMessage actual)
    {
        Assert.Equal(expected.Mti, actual.Mti);
        Assert.Equal(expected.FieldNumbers, actual.FieldNumbers);
        foreach (var n in expected.FieldNumbers)
        {
            Assert.True(expected.TryGet(n, out var want));
            Assert.True(actual.TryGet(n, out var got));
            Assert.True(want.SequenceEqual(got), $"field {n}: expected {Convert.ToHexString(want)}, got {Convert.ToHexString(got)}");
        }
    }
}
