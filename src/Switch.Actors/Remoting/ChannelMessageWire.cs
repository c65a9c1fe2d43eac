using Google.Protobuf;
using Switch.Actors.Channels;

namespace Switch.Actors.Remoting;

/// <summary>The bank channel messages (<see cref="Channels"/>) in their protobuf form and back.</summary>
internal static class ChannelMessageWire
{
    public static Wire.BankRequest ToWire(BankRequest message, CardDataCodec codec) =>
        new() { TransactionKey = message.TransactionKey, Request = codec.ToWire(message.Request) };

    public static BankRequest FromWire(Wire.BankRequest wire, CardDataCodec codec) =>
        new(wire.TransactionKey, codec.FromWire(wire.Request, "the bank request"));

    public static Wire.BankAnswer ToWire(BankAnswer message, CardDataCodec codec) => new()
    {
        TransactionKey = message.TransactionKey,
        Channel = message.Channel,
        Outcome = WireValues.ToWire(message.Outcome),
        Response = message.Response is null ? null : codec.ToWire(message.Response),
        ResponseCode = message.ResponseCode,
        Reason = message.Reason,
    };

    public static BankAnswer FromWire(Wire.BankAnswer wire, CardDataCodec codec) => new(
        wire.TransactionKey,
        wire.Channel,
        WireValues.FromWire(wire.Outcome),
        wire.Response is null ? null : codec.FromWire(wire.Response, "the bank's response"),
        wire.ResponseCode,
        wire.Reason);

    public static Wire.ReverseTransaction ToWire(ReverseTransaction message) => new()
    {
        TransactionKey = message.TransactionKey,
        SealedAdvice = UnsafeByteOperations.UnsafeWrap(message.SealedAdvice),
        Reason = message.Reason,
    };

    public static ReverseTransaction FromWire(Wire.ReverseTransaction wire) =>
        new(wire.TransactionKey, wire.SealedAdvice.ToByteArray(), wire.Reason);

    public static Wire.SafEntries ToWire(List<SafEntryInfo> entries)
    {
        var wire = new Wire.SafEntries();
        foreach (var entry in entries)
            wire.Entries.Add(new Wire.SafEntry
            {
                Channel = entry.Channel,
                TransactionKey = entry.TransactionKey,
                Queued = WireValues.ToWire(entry.Queued),
                Attempts = entry.Attempts,
                Reason = entry.Reason,
            });
        return wire;
    }

    public static List<SafEntryInfo> FromWire(Wire.SafEntries wire) =>
        wire.Entries.Select(e => new SafEntryInfo(e.Channel, e.TransactionKey, WireValues.FromWire(e.Queued, "the time an advice was queued"), e.Attempts, e.Reason))
            .ToList();
}
