using Switch.Protocol.Iso8583;

namespace Switch.Actors.Transactions;

/// <summary>What an acquirer's request asks for, from its MTI and processing code (DE 3).</summary>
public enum TransactionKind
{
    /// <summary>0200, processing code 00.</summary>
    Purchase = 1,
    /// <summary>0100: places a hold.</summary>
    PreAuthorization = 2,
    /// <summary>0220: completes a pre-authorization and releases its hold.</summary>
    Completion = 3,
    /// <summary>0200, processing code 20.</summary>
    Refund = 4,
    /// <summary>0200 (or 0100), processing code 31.</summary>
    BalanceInquiry = 5,
    /// <summary>0400/0401/0420/0421 from the acquirer.</summary>
    Reversal = 6,
}

/// <summary>Reads a request's <see cref="TransactionKind"/>.</summary>
public static class TransactionKinds
{
    /// <summary>The kind of <paramref name="request"/>, or null when the switch does not handle it (answered RC 12).</summary>
    public static TransactionKind? Of(IsoMessage request)
    {
        var type = request.ProcessingCode is { Length: >= 2 } pc ? pc[..2] : "00";
        return (request.Mti.Class, request.Mti.Function) switch
        {
            (4, 0) or (4, 2) => TransactionKind.Reversal,
            (2, 2) => TransactionKind.Completion,
            (1, 0) => type switch { "00" => TransactionKind.PreAuthorization, "31" => TransactionKind.BalanceInquiry, _ => null },
            (2, 0) => type switch { "00" => TransactionKind.Purchase, "20" => TransactionKind.Refund, "31" => TransactionKind.BalanceInquiry, _ => null },
            _ => null,
        };
    }

    /// <summary>The name operators use for a kind in configuration and commands (purchase, refund, ...).</summary>
    public static string Name(this TransactionKind kind) => kind switch
    {
        TransactionKind.Purchase => "purchase",
        TransactionKind.PreAuthorization => "pre-authorization",
        TransactionKind.Completion => "completion",
        TransactionKind.Refund => "refund",
        TransactionKind.BalanceInquiry => "balance-inquiry",
        TransactionKind.Reversal => "reversal",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The kind named <paramref name="name"/>.</summary>
    public static TransactionKind Parse(string name) =>
        Enum.GetValues<TransactionKind>().FirstOrDefault(k => k.Name() == name) is var kind && kind != 0
            ? kind
            : throw new ArgumentException($"unknown transaction type '{name}' (purchase, pre-authorization, completion, refund, balance-inquiry, reversal)");
}
