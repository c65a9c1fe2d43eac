using Switch.Actors.Accounts;

namespace Switch.Actors.Remoting;

/// <summary>The account messages (<see cref="Accounts"/>) in their protobuf form and back.</summary>
internal static class AccountMessageWire
{
    public static Wire.Authorize ToWire(Authorize message, CardDataCodec codec)
    {
        var wire = new Wire.Authorize
        {
            AccountKey = message.AccountKey,
            TransactionKey = message.TransactionKey,
            Kind = WireValues.ToWire(message.Kind),
            Request = codec.ToWire(message.Request),
            DecideBy = WireValues.ToWire(message.DecideBy),
        };
        if (message.OriginalKey is not null)
            wire.OriginalKey = message.OriginalKey;
        return wire;
    }

    public static Authorize FromWire(Wire.Authorize wire, CardDataCodec codec) => new(
        wire.AccountKey,
        wire.TransactionKey,
        wire.HasOriginalKey ? wire.OriginalKey : null,
        WireValues.FromWire(wire.Kind),
        codec.FromWire(wire.Request, "the request"),
        WireValues.FromWire(wire.DecideBy, "decide-by"));

    public static Wire.AnswerNow ToWire(AnswerNow message, CardDataCodec codec) =>
        new() { AccountKey = message.AccountKey, Request = ToWire(message.Request, codec) };

    public static AnswerNow FromWire(Wire.AnswerNow wire, CardDataCodec codec) => new(
        wire.AccountKey,
        FromWire(wire.Request ?? throw new InvalidDataException("the authorization to answer is missing"), codec));

    public static Wire.AuthorizationResult ToWire(AuthorizationResult message)
    {
        var wire = new Wire.AuthorizationResult { TransactionKey = message.TransactionKey, ResponseCode = message.ResponseCode, Reason = message.Reason };
        if (message.ApprovalCode is not null)
            wire.ApprovalCode = message.ApprovalCode;
        if (message.AdditionalAmounts is not null)
            wire.AdditionalAmounts = message.AdditionalAmounts;
        return wire;
    }

    public static AuthorizationResult FromWire(Wire.AuthorizationResult wire) => new(
        wire.TransactionKey,
        wire.ResponseCode,
        wire.HasApprovalCode ? wire.ApprovalCode : null,
        wire.HasAdditionalAmounts ? wire.AdditionalAmounts : null,
        wire.Reason);

    public static Wire.AccountView ToWire(AccountView view)
    {
        var wire = new Wire.AccountView
        {
            AccountKey = view.AccountKey, OnUs = view.OnUs, Balance = view.Balance, Held = view.Held, Available = view.Available,
            DayAmount = view.DayAmount, DayCount = view.DayCount, MonthAmount = view.MonthAmount, MonthCount = view.MonthCount,
            Holds = view.Holds, Transactions = view.Transactions, InFlight = view.InFlight,
        };
        if (view.MaskedPan is not null)
            wire.MaskedPan = view.MaskedPan;
        return wire;
    }

    public static AccountView FromWire(Wire.AccountView wire) => new(
        wire.AccountKey, wire.HasMaskedPan ? wire.MaskedPan : null, wire.OnUs, wire.Balance, wire.Held, wire.Available,
        wire.DayAmount, wire.DayCount, wire.MonthAmount, wire.MonthCount, wire.Holds, wire.Transactions, wire.InFlight);
}
