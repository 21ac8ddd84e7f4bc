namespace InotifyGen.Nats;

/// <summary>Where and how <see cref="JetStreamPublisher"/> publishes; <see cref="Validate"/> names each mistake and its fix.</summary>
public sealed class JetStreamPublisherOptions
{
    /// <summary>The configuration section <c>InotifyBuilder.PublishToJetStream()</c> binds by default.</summary>
    public const string DefaultSection = "JetStream";

    /// <summary>The NATS server, e.g. <c>nats://127.0.0.1:4222</c> (several separated by commas).</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// The subject of each message. <c>{host}</c> is <see cref="Host"/> and <c>{watch}</c> the watched path the event is
    /// under, each turned into subject tokens (<c>/srv/up.loads</c> gives <c>srv.up_loads</c>).
    /// </summary>
    public string Subject { get; set; } = "inotify.{host}.{watch}";

    /// <summary>The stream; created (work-queue retention, file storage) when it does not exist.</summary>
    public string Stream { get; set; } = JetStreamStream.DefaultName;

    /// <summary>The subjects of a stream created here: what <see cref="Subject"/> gives must fall under them.</summary>
    public string StreamSubjects { get; set; } = JetStreamStream.DefaultSubjects;

    /// <summary>The host name put in each message (the <c>InotifyGen-Host</c> header) and in <c>{host}</c>.</summary>
    public string Host { get; set; } = Environment.MachineName;

    /// <summary>How many messages may wait for an acknowledgement; beyond it events are counted lost.</summary>
    public int BufferCapacity { get; set; } = 100_000;

    /// <summary>How many publishes may wait for their acknowledgement at once.</summary>
    public int InFlight { get; set; } = 256;

    /// <summary>How long to wait for one acknowledgement before sending again (same id).</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A file for the tree state at the last acknowledged publish; with it, a watcher that starts again publishes what
    /// changed while it was down (<see cref="JetStreamPublisher.CatchUp(IEnumerable{string}, bool, EventMask, WatchManager?)"/>). Null: no state, no catch-up.
    /// </summary>
    public string? StatePath { get; set; }

    /// <summary>The problems of these options, each naming the setting and the fix; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate(string prefix = "")
    {
        var problems = new List<string>();
        foreach (var url in Url.Split(',', StringSplitOptions.TrimEntries))
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != "nats" && u.Scheme != "tls" && u.Scheme != "ws" && u.Scheme != "wss"))
                problems.Add($"{prefix}Url: '{url}' is not a NATS server address; use nats://HOST:PORT");
        if (!SubjectTemplate.TryParse(Subject, out var error))
            problems.Add($"{prefix}Subject: {error}");
        if (!JetStreamStream.IsValidName(Stream))
            problems.Add($"{prefix}Stream: '{Stream}' is not a stream name; use letters, digits, '-' and '_'");
        if (string.IsNullOrWhiteSpace(StreamSubjects))
            problems.Add($"{prefix}StreamSubjects: empty; use a subject filter such as inotify.>");
        if (string.IsNullOrWhiteSpace(Host))
            problems.Add($"{prefix}Host: empty; leave it unset for the machine's name");
        if (BufferCapacity < 1)
            problems.Add($"{prefix}BufferCapacity: {BufferCapacity}; use 1 or more (messages held while the server is away)");
        if (InFlight < 1)
            problems.Add($"{prefix}InFlight: {InFlight}; use 1 or more");
        if (AckTimeout <= TimeSpan.Zero)
            problems.Add($"{prefix}AckTimeout: {AckTimeout}; use a positive time such as 00:00:02");
        if (StatePath is { Length: > 0 } state && Path.GetDirectoryName(Path.GetFullPath(state)) is { } dir && !Directory.Exists(dir))
            problems.Add($"{prefix}StatePath: the directory '{dir}' does not exist; create it or choose another file");
        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with every problem of <see cref="Validate"/>.</summary>
    internal void ThrowIfInvalid()
    {
        if (Validate() is { Count: > 0 } problems)
            throw new ArgumentException("Invalid JetStream publisher options: " + string.Join("; ", problems));
    }
}
