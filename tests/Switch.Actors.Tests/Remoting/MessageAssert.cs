using Switch.Actors.Accounts;
using Switch.Actors.Channels;
using Switch.Protocol.Iso8583;

namespace Switch.Actors.Tests.Remoting;

/// <summary>Equality of switch messages as the receiving node must see them: ISO 8583 messages field by field, instants with their offsets.</summary>
internal static class MessageAssert
{
    public static void SameIso(IsoMessage expected, IsoMessage actual)
    {
        Assert.Same(expected.Dialect, actual.Dialect);
        Assert.Equal(expected.Mti, actual.Mti);
        Assert.Equal(expected.FieldNumbers, actual.FieldNumbers);
        foreach (var n in expected.FieldNumbers)
            Assert.Equal(expected.GetString(n), actual.GetString(n));
        Assert.Equal(expected.Encode(), actual.Encode());
    }

    public static void SameInstant(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.True(expected.EqualsExact(actual), $"expected {expected:O}, got {actual:O}");

    public static void Equivalent(object expected, object actual)
    {
        Assert.IsType(expected.GetType(), actual);
        switch (expected)
        {
            case Authorize authorize:
                SameAuthorize(authorize, (Authorize)actual);
                break;
            case AnswerNow answerNow:
                Assert.Equal(answerNow.AccountKey, ((AnswerNow)actual).AccountKey);
                SameAuthorize(answerNow.Request, ((AnswerNow)actual).Request);
                break;
            case BankRequest request:
                Assert.Equal(request.TransactionKey, ((BankRequest)actual).TransactionKey);
                SameIso(request.Request, ((BankRequest)actual).Request);
                break;
            case BankAnswer answer:
                var actualAnswer = (BankAnswer)actual;
                Assert.Equal(answer with { Response = null }, actualAnswer with { Response = null });
                if (answer.Response is null)
                    Assert.Null(actualAnswer.Response);
                else
                    SameIso(answer.Response, Assert.IsType<IsoMessage>(actualAnswer.Response));
                break;
            case ReverseTransaction reverse:
                var actualReverse = (ReverseTransaction)actual;
                Assert.Equal(reverse.SealedAdvice, actualReverse.SealedAdvice);
                Assert.Equal(reverse with { SealedAdvice = [] }, actualReverse with { SealedAdvice = [] });
                break;
            case List<SafEntryInfo> entries:
                var actualEntries = (List<SafEntryInfo>)actual;
                Assert.Equal(entries, actualEntries);
                for (var i = 0; i < entries.Count; i++)
                    SameInstant(entries[i].Queued, actualEntries[i].Queued);
                break;
            case ListSaf or RetrySaf:
                Assert.Same(expected, actual);
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }

    private static void SameAuthorize(Authorize expected, Authorize actual)
    {
        Assert.Equal(expected, actual with { Request = expected.Request });
        SameInstant(expected.DecideBy, actual.DecideBy);
        SameIso(expected.Request, actual.Request);
    }
}
