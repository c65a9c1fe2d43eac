using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Switch.Actors.Accounts;
using Switch.Actors.Channels;

namespace Switch.Node.Admin;

/// <summary>
/// The admin endpoint's JSON, generated at build time (no reflection): snake_case names; a request missing a
/// required field or giving null for one is refused.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(HealthView))]
[JsonSerializable(typeof(NodeView))]
[JsonSerializable(typeof(ChannelView))]
[JsonSerializable(typeof(List<ChannelView>))]
[JsonSerializable(typeof(BreakerView))]
[JsonSerializable(typeof(SafRetryView))]
[JsonSerializable(typeof(List<SafEntryInfo>))]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlView))]
[JsonSerializable(typeof(ControlsView))]
[JsonSerializable(typeof(MaintenanceRequest))]
[JsonSerializable(typeof(MaintenanceView))]
[JsonSerializable(typeof(List<MaintenanceView>))]
[JsonSerializable(typeof(RouteRequest))]
[JsonSerializable(typeof(RouteView))]
[JsonSerializable(typeof(AccountRequest))]
[JsonSerializable(typeof(AccountView))]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(LeaveView))]
[JsonSerializable(typeof(DownView))]
[JsonSerializable(typeof(DownUnreachableView))]
[JsonSerializable(typeof(DataCenterView))]
[JsonSerializable(typeof(PartitionRequest))]
[JsonSerializable(typeof(PartitionView))]
[JsonSerializable(typeof(RegionView))]
[JsonSerializable(typeof(List<RegionView>))]
[JsonSerializable(typeof(List<ShardView>))]
[JsonSerializable(typeof(ShardEntitiesView))]
[JsonSerializable(typeof(List<ActorView>))]
[JsonSerializable(typeof(LogView))]
[JsonSerializable(typeof(List<TransactionView>))]
[JsonSerializable(typeof(DashboardView))]
internal sealed partial class AdminJson : JsonSerializerContext
{
    /// <summary>What the endpoint writes with: answers are read by swctl, scripts and people, never embedded in HTML, so '+' stays '+'.</summary>
    public static AdminJson Readable => field ??= new(new JsonSerializerOptions(Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
