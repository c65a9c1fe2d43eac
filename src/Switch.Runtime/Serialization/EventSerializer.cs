using System.Runtime.Serialization;
using Google.Protobuf;

namespace Switch.Runtime.Serialization;

/// <summary>
/// Maps event and snapshot types to versioned manifests (e.g. <c>"account.debited.v2"</c>) and binary serializers.
/// Writing looks the serializer up by the value's exact runtime type; reading looks the reader up by the stored
/// manifest, so an old manifest keeps deserializing after its type evolved: register it with
/// <see cref="RegisterUpcaster{T}"/> and a reader that produces today's type. No reflection on the hot path.
/// Register everything before the serializer is attached to an actor system (it is frozen then).
/// </summary>
public sealed class EventSerializer
{
    private readonly Dictionary<Type, Writer> _writers = [];
    private readonly Dictionary<string, Func<ReadOnlyMemory<byte>, object>> _readers = new(StringComparer.Ordinal);
    private volatile bool _frozen;

    /// <summary>
    /// Registers <typeparamref name="T"/> under <paramref name="manifest"/>: values of exactly this type are written
    /// with <paramref name="serialize"/> and that manifest; the manifest is read back with <paramref name="deserialize"/>.
    /// </summary>
    /// <param name="manifest">The current manifest of the type: its name and version.</param>
    /// <param name="serialize">Turns a value into bytes.</param>
    /// <param name="deserialize">Turns bytes written under <paramref name="manifest"/> back into a value.</param>
    /// <returns>This serializer, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The type or the manifest is registered already, or the serializer is frozen.</exception>
    public EventSerializer Register<T>(string manifest, Func<T, byte[]> serialize, Func<ReadOnlyMemory<byte>, T> deserialize)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(serialize);
        CheckOpen();
        if (_writers.ContainsKey(typeof(T)))
            throw new InvalidOperationException($"{typeof(T).FullName} is registered already (manifest '{_writers[typeof(T)].Manifest}').");
        AddReader(manifest, deserialize);
        _writers[typeof(T)] = new Writer(manifest, value => serialize((T)value));
        return this;
    }

    /// <summary>
    /// The upcaster path: registers a manifest that is no longer written (e.g. <c>"account.debited.v1"</c>) with a
    /// reader that turns its old bytes into the type as it is today.
    /// </summary>
    /// <param name="oldManifest">The manifest found in old journal rows or snapshots.</param>
    /// <param name="read">Reads the old bytes and produces the current type.</param>
    /// <returns>This serializer, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The manifest is registered already, or the serializer is frozen.</exception>
    public EventSerializer RegisterUpcaster<T>(string oldManifest, Func<ReadOnlyMemory<byte>, T> read) where T : notnull
    {
        CheckOpen();
        AddReader(oldManifest, read);
        return this;
    }

    /// <summary>Registers a protobuf message type under <paramref name="manifest"/> (its bytes are the protobuf encoding).</summary>
    /// <param name="manifest">The manifest: the message's name and version.</param>
    /// <returns>This serializer, for chaining.</returns>
    public EventSerializer RegisterProtobuf<T>(string manifest) where T : IMessage<T>, new()
    {
        var parser = new MessageParser<T>(static () => new T());
        return Register<T>(manifest, static message => message.ToByteArray(), payload => parser.ParseFrom(payload.Span));
    }

    /// <summary>Serializes <paramref name="value"/> with the serializer registered for its exact type.</summary>
    /// <param name="value">An event or snapshot.</param>
    /// <returns>The manifest and the bytes.</returns>
    /// <exception cref="SerializationException">No serializer is registered for the value's type.</exception>
    public (string Manifest, byte[] Payload) Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_writers.TryGetValue(value.GetType(), out var writer))
            throw new SerializationException($"No serializer is registered for {value.GetType().FullName}: register it on the EventSerializer with a manifest.");
        return (writer.Manifest, writer.Serialize(value));
    }

    /// <summary>Deserializes bytes stored under <paramref name="manifest"/>.</summary>
    /// <param name="manifest">The stored manifest.</param>
    /// <param name="payload">The stored bytes.</param>
    /// <returns>The value (for an old manifest: upcast to the current type).</returns>
    /// <exception cref="SerializationException">The manifest is unknown (the message names it), or its reader failed.</exception>
    public object Deserialize(string manifest, ReadOnlyMemory<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!_readers.TryGetValue(manifest, out var read))
            throw new SerializationException($"Unknown manifest '{manifest}': no serializer or upcaster is registered for it.");
        try
        {
            return read(payload);
        }
        catch (Exception error) when (error is not SerializationException)
        {
            throw new SerializationException($"Reading a payload of manifest '{manifest}' ({payload.Length} bytes) failed: {error.Message}", error);
        }
    }

    /// <summary>Refuses further registrations (called when the serializer is attached to an actor system).</summary>
    internal void Freeze() => _frozen = true;

    private void AddReader<T>(string manifest, Func<ReadOnlyMemory<byte>, T> read) where T : notnull
    {
        ArgumentException.ThrowIfNullOrEmpty(manifest);
        ArgumentNullException.ThrowIfNull(read);
        if (_readers.ContainsKey(manifest))
            throw new InvalidOperationException($"The manifest '{manifest}' is registered already.");
        _readers[manifest] = payload => read(payload);
    }

    private void CheckOpen()
    {
        if (_frozen)
            throw new InvalidOperationException("The serializer is in use by an actor system; register every type before attaching it.");
    }

    private sealed record Writer(string Manifest, Func<object, byte[]> Serialize);
}
