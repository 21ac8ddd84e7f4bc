namespace InotifyGen.Nats;

/// <summary>Where <see cref="JetStreamWorker"/> reads, and which events it hands to its handler.</summary>
public sealed class JetStreamWorkerOptions
{
    /// <summary>The NATS server, e.g. <c>nats://127.0.0.1:4222</c>.</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>The stream the watchers publish to; created as the publishers create it when missing.</summary>
    public string Stream { get; set; } = JetStreamStream.DefaultName;

    /// <summary>The subjects of a stream created here.</summary>
    public string StreamSubjects { get; set; } = JetStreamStream.DefaultSubjects;

    /// <summary>The durable consumer: every worker with this name shares one queue, each message going to one of them.</summary>
    public string Consumer { get; set; } = "inotifygen-workers";

    /// <summary>
    /// The events handed to the handler: by default a file that was written and closed, or moved in. The others are
    /// acknowledged and skipped (a lost-events marker is always handed over: it tells the handler to rescan).
    /// </summary>
    public EventMask Events { get; set; } = EventMask.CloseWrite | EventMask.MovedTo;

    /// <summary>How long a handler may take before JetStream delivers the message again (to any worker).</summary>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a failed message waits before it is delivered again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The problems of these options, each naming the setting and the fix; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(Url.Split(',')[0].Trim(), UriKind.Absolute, out _))
            problems.Add($"Url: '{Url}' is not a NATS server address; use nats://HOST:PORT");
        if (!JetStreamStream.IsValidName(Stream))
            problems.Add($"Stream: '{Stream}' is not a stream name; use letters, digits, '-' and '_'");
        if (!JetStreamStream.IsValidName(Consumer))
            problems.Add($"Consumer: '{Consumer}' is not a consumer name; use letters, digits, '-' and '_'");
        if (AckWait <= TimeSpan.Zero)
            problems.Add($"AckWait: {AckWait}; use a positive time");
        if (RetryDelay < TimeSpan.Zero)
            problems.Add($"RetryDelay: {RetryDelay}; use zero or a positive time");
        return problems;
    }
}
