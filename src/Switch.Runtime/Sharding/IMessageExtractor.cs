namespace Switch.Runtime.Sharding;

/// <summary>
/// Tells a shard region which entity a message is for and what the entity receives. Both methods must be pure and
/// give the same answer for the same message every time (the region and the shard each ask). The shard is not the
/// extractor's to choose: it is always <see cref="ShardHash.ShardOf"/> of the entity id.
/// </summary>
public interface IMessageExtractor
{
    /// <summary>The id of the entity <paramref name="message"/> is for, or null when it is for none (it is then refused).</summary>
    string? EntityId(object message);

    /// <summary>What the entity receives for <paramref name="message"/>: the message itself, or what an envelope carries.</summary>
    object EntityMessage(object message);
}

/// <summary>A message for one entity, for regions that use <see cref="ShardingEnvelopeExtractor"/>.</summary>
/// <param name="EntityId">The entity's id.</param>
/// <param name="Message">What the entity receives.</param>
public sealed record ShardingEnvelope(string EntityId, object Message);

/// <summary>The extractor for <see cref="ShardingEnvelope"/>: the entity gets the envelope's message.</summary>
public sealed class ShardingEnvelopeExtractor : IMessageExtractor
{
    /// <summary>The single instance.</summary>
    public static ShardingEnvelopeExtractor Instance { get; } = new();

    private ShardingEnvelopeExtractor() { }

    /// <inheritdoc />
    public string? EntityId(object message) => (message as ShardingEnvelope)?.EntityId;

    /// <inheritdoc />
    public object EntityMessage(object message) => message is ShardingEnvelope e ? e.Message : message;
}
