using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;
using Switch.Runtime.Serialization;
using Switch.Runtime.Tests.PersistentActors.Proto;

namespace Switch.Runtime.Tests.PersistentActors;

// Commands and replies of the test ledger.
internal sealed record Credit(long Amount);
internal sealed record CreditMany(long[] Amounts);
internal sealed record Debit(long Amount, string Reference);
internal sealed record GetBalance;
internal sealed record TakeSnapshot;
internal sealed record Balance(long SequenceNumber, long Amount);
internal sealed record LedgerStatus(long SequenceNumber, long Amount, long SnapshotSequenceNumber, int RecoveredEvents, int RecoveryCompletedCalls);
internal sealed record SnapshotSaved(long SequenceNumber);
internal sealed record PersistFailed(string PersistenceId, Exception Cause);
internal sealed record RecoveryFailed(string PersistenceId, Exception Cause);

// Events (hand-written binary serializers; Debited is protobuf) and the snapshot.
internal sealed record Credited(long Amount);
internal sealed record LedgerState(long Amount);

/// <summary>A small ledger: credits and debits are events, the balance is the state.</summary>
internal sealed class Ledger(string persistenceId, ActorRef? monitor = null) : PersistentActor
{
    private long _balance;
    private long _snapshotSequenceNumber;
    private int _recovered;
    private int _recoveryCompleted;
    private ActorRef? _snapshotRequester;

    public override string PersistenceId { get; } = persistenceId;

    public static Switch.Runtime.Actors.Props Props(string persistenceId, ActorRef? monitor = null) => Switch.Runtime.Actors.Props.Create(() => new Ledger(persistenceId, monitor));

    protected override void OnRecover(object @event)
    {
        switch (@event)
        {
            case SnapshotOffer { Snapshot: LedgerState state } offer:
                _balance = state.Amount;
                _snapshotSequenceNumber = offer.Metadata.SequenceNumber;
                break;
            default:
                Apply(@event);
                _recovered++;
                break;
        }
    }

    protected override void OnRecoveryCompleted() => _recoveryCompleted++;

    protected override void OnCommand(object command)
    {
        switch (command)
        {
            case Credit credit:
                Persist(new Credited(credit.Amount), e =>
                {
                    Apply(e);
                    Sender.Tell(new Balance(LastSequenceNumber, _balance), Self);
                });
                break;
            case CreditMany many:
                var handled = 0;
                PersistAll(many.Amounts.Select(a => new Credited(a)), e =>
                {
                    Apply(e);
                    if (++handled == many.Amounts.Length) Sender.Tell(new Balance(LastSequenceNumber, _balance), Self);
                });
                break;
            case Debit debit:
                Persist(new Debited { Amount = debit.Amount, Reference = debit.Reference }, e =>
                {
                    Apply(e);
                    Sender.Tell(new Balance(LastSequenceNumber, _balance), Self);
                });
                break;
            case GetBalance:
                Sender.Tell(new LedgerStatus(LastSequenceNumber, _balance, _snapshotSequenceNumber, _recovered, _recoveryCompleted), Self);
                break;
            case TakeSnapshot:
                _snapshotRequester = Sender;
                SaveSnapshot(new LedgerState(_balance));
                break;
            case SaveSnapshotSuccess success:
                _snapshotRequester?.Tell(new SnapshotSaved(success.Metadata.SequenceNumber), Self);
                break;
            default:
                Unhandled(command);
                break;
        }
    }

    protected override void OnPersistFailure(Exception cause) => monitor?.Tell(new PersistFailed(PersistenceId, cause), Self);

    protected override void OnRecoveryFailure(Exception cause) => monitor?.Tell(new RecoveryFailed(PersistenceId, cause), Self);

    private void Apply(object @event)
    {
        switch (@event)
        {
            case Credited credited:
                _balance += credited.Amount;
                break;
            case Debited debited:
                _balance -= debited.Amount;
                break;
        }
    }

    /// <summary>The serializer of the ledger's types: Credited v2 is 8 bytes little-endian; v1 was the amount as decimal text.</summary>
    public static EventSerializer Serializer() => new EventSerializer()
        .Register<Credited>("ledger.credited.v2", e => Int64(e.Amount), p => new Credited(BinaryPrimitives.ReadInt64LittleEndian(p.Span)))
        .RegisterUpcaster("ledger.credited.v1", p => new Credited(long.Parse(Encoding.UTF8.GetString(p.Span), CultureInfo.InvariantCulture)))
        .RegisterProtobuf<Debited>("ledger.debited.v1")
        .Register<LedgerState>("ledger.state.v1", s => Int64(s.Amount), p => new LedgerState(BinaryPrimitives.ReadInt64LittleEndian(p.Span)));

    private static byte[] Int64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }
}
