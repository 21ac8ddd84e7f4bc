using InotifyGen.Nats.State;

namespace InotifyGen.Nats;

/// <summary>What an acknowledged message changes in the persisted tree state.</summary>
internal enum StateUpdate
{
    None,
    /// <summary>The path is there with <see cref="PendingMessage.Stamp"/>.</summary>
    Set,
    /// <summary>The path (and, for a directory, its sub-tree) is gone.</summary>
    Remove,
    /// <summary>A directory appeared: record it and what is below it.</summary>
    SetTree,
}

/// <summary>One event ready to send: subject, body (the CLI's JSON), message id, and its effect on the state once acknowledged.</summary>
internal sealed class PendingMessage
{
    public required string Subject { get; init; }
    public required byte[] Body { get; init; }
    public required string Id { get; init; }
    public StateUpdate Update { get; init; }
    public string? Path { get; init; }
    public FileStamp Stamp { get; init; }
}
