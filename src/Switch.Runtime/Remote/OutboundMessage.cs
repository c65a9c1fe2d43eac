using Switch.Runtime.Actors;

namespace Switch.Runtime.Remote;

/// <summary>A message serialized and addressed, waiting in a peer's send queue (the original is kept for dead letters).</summary>
internal readonly struct OutboundMessage(
    FrameKind kind, RemoteActorRef recipient, object message, ActorRef? sender, string? senderPath, bool internSender, string? manifest, byte[] payload)
{
    public FrameKind Kind { get; } = kind;

    public RemoteActorRef Recipient { get; } = recipient;

    public object Message { get; } = message;

    public ActorRef? Sender { get; } = sender;

    /// <summary>The sender as it travels (<c>switch://node/path</c>, with <c>#uid</c> for references outside the hierarchy).</summary>
    public string? SenderPath { get; } = senderPath;

    public bool InternSender { get; } = internSender;

    /// <summary>The manifest of a user message, the exception type of a failure, null for a poison pill.</summary>
    public string? Manifest { get; } = manifest;

    public byte[] Payload { get; } = payload;
}
