using Microsoft.Extensions.Logging;
using Switch.Actors.Routing.Events;
using Switch.Actors.Transactions;
using Switch.Runtime.Actors;
using Switch.Runtime.Persistence;

namespace Switch.Actors.Routing;

/// <summary>
/// Keeps operators' routing controls (enablement at bank, channel and transaction-type level; maintenance
/// windows), journaled so they survive restarts, and publishes each new value to the <see cref="Router"/>.
/// </summary>
internal sealed class RoutingControlActor(Router router, IReadOnlySet<string> banks, string? clusterNodeId = null) : PersistentActor
{
    private RoutingControls _controls = RoutingControls.None;
    private ILogger _log = null!;

    public override string PersistenceId { get; } = clusterNodeId is null ? "routing-controls" : "routing-controls@" + clusterNodeId;

    protected override void OnRecover(object @event)
    {
        if (@event is RoutingControlChanged changed)
            _controls = Apply(_controls, changed);
    }

    protected override void OnRecoveryCompleted()
    {
        _log = Context.System.LoggerFactory.CreateLogger("Switch.Routing");
        router.Controls = _controls;
    }

    protected override void OnCommand(object command)
    {
        switch (command)
        {
            case GetRoutingControls:
                Sender.Tell(_controls);
                return;
            case SetEnabled set:
                if (Invalid(set) is { } problem)
                {
                    Sender.Tell(new ControlResult(false, problem, _controls));
                    return;
                }
                var level = set.Level switch { ControlLevel.Bank => "bank", ControlLevel.Channel => "channel", _ => "txn-type" };
                Change(set.Operator, new RoutingControlChanged { Enablement = new EnablementChanged { Level = level, Target = set.Target, Enabled = set.Enabled } },
                    $"{level} {set.Target} {(set.Enabled ? "enabled" : "disabled")}");
                return;
            case AddMaintenance add:
                if (!banks.Contains(add.Bank) || add.Until <= add.From)
                {
                    Sender.Tell(new ControlResult(false, !banks.Contains(add.Bank) ? $"unknown bank '{add.Bank}'" : "the window must end after it starts", _controls));
                    return;
                }
                var id = "mw-" + Guid.NewGuid().ToString("N")[..8];
                Change(add.Operator, new RoutingControlChanged
                {
                    MaintenanceAdded = new MaintenanceAdded
                    {
                        Id = id, Bank = add.Bank, FromUnixMs = add.From.ToUnixTimeMilliseconds(), UntilUnixMs = add.Until.ToUnixTimeMilliseconds(), Reason = add.Reason,
                    },
                }, $"maintenance window {id} for bank {add.Bank} from {add.From:u} until {add.Until:u}");
                return;
            case RemoveMaintenance remove:
                if (_controls.MaintenanceWindows.All(w => w.Id != remove.Id))
                {
                    Sender.Tell(new ControlResult(false, $"no maintenance window '{remove.Id}'", _controls));
                    return;
                }
                Change(remove.Operator, new RoutingControlChanged { MaintenanceRemoved = remove.Id }, $"maintenance window {remove.Id} removed");
                return;
            default:
                Unhandled(command);
                return;
        }
    }

    protected override void OnPersistFailure(Exception cause) =>
        Sender.Tell(new ControlResult(false, "journal unavailable: " + cause.Message, _controls));

    private string? Invalid(SetEnabled set)
    {
        var channels = router.Channels;
        switch (set.Level)
        {
            case ControlLevel.Bank when !banks.Contains(set.Target):
                return $"unknown bank '{set.Target}'";
            case ControlLevel.Channel when !channels.ContainsKey(set.Target):
                return $"unknown channel '{set.Target}'";
            case ControlLevel.TransactionType:
                var slash = set.Target.IndexOf('/');
                if (slash < 0 || !channels.ContainsKey(set.Target[..slash]))
                    return $"'{set.Target}' is not channel/transaction-type with a known channel";
                try
                {
                    TransactionKinds.Parse(set.Target[(slash + 1)..]);
                }
                catch (ArgumentException error)
                {
                    return error.Message;
                }
                return null;
            default:
                return null;
        }
    }

    private void Change(string who, RoutingControlChanged change, string what)
    {
        change.Operator = who;
        change.AtUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Persist(change, e =>
        {
            _controls = Apply(_controls, e);
            router.Controls = _controls;
            _log.LogWarning("routing: {What} by {Operator}", what, who);
            Sender.Tell(new ControlResult(true, what, _controls));
        });
    }

    private static RoutingControls Apply(RoutingControls controls, RoutingControlChanged e)
    {
        switch (e.ChangeCase)
        {
            case RoutingControlChanged.ChangeOneofCase.Enablement:
                var x = e.Enablement;
                return x.Level switch
                {
                    "bank" => controls with { DisabledBanks = x.Enabled ? controls.DisabledBanks.Remove(x.Target) : controls.DisabledBanks.Add(x.Target) },
                    "channel" => controls with { DisabledChannels = x.Enabled ? controls.DisabledChannels.Remove(x.Target) : controls.DisabledChannels.Add(x.Target) },
                    _ => controls with { DisabledTransactionTypes = x.Enabled ? controls.DisabledTransactionTypes.Remove(Normalize(x.Target)) : controls.DisabledTransactionTypes.Add(Normalize(x.Target)) },
                };
            case RoutingControlChanged.ChangeOneofCase.MaintenanceAdded:
                var m = e.MaintenanceAdded;
                return controls with
                {
                    MaintenanceWindows = controls.MaintenanceWindows.Add(new MaintenanceWindow(m.Id, m.Bank,
                        DateTimeOffset.FromUnixTimeMilliseconds(m.FromUnixMs), DateTimeOffset.FromUnixTimeMilliseconds(m.UntilUnixMs), m.Reason)),
                };
            case RoutingControlChanged.ChangeOneofCase.MaintenanceRemoved:
                return controls with { MaintenanceWindows = controls.MaintenanceWindows.RemoveAll(w => w.Id == e.MaintenanceRemoved) };
            default:
                return controls;
        }
    }

    private static string Normalize(string target)
    {
        var slash = target.IndexOf('/');
        return RoutingControls.TransactionTypeKey(target[..slash], TransactionKinds.Parse(target[(slash + 1)..]));
    }
}
