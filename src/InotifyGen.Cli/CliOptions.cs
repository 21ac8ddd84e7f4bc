namespace InotifyGen.Cli;

/// <summary>How each event is written.</summary>
internal enum OutputKind
{
    /// <summary>pyinotify's line, <c>&lt;Event dir=False mask=0x100 ... &gt;</c>.</summary>
    Raw,
    /// <summary>One JSON object a line.</summary>
    Json,
    /// <summary>inotifywait's <c>--csv</c>: <c>%w,%e,%f</c> with CSV quoting.</summary>
    Csv,
    /// <summary>inotifywait's <c>--format</c> template.</summary>
    Template,
}

/// <summary>Everything the command line asked for, after parsing and validation.</summary>
internal sealed record CliOptions
{
    public required IReadOnlyList<string> Paths { get; init; }
    public IReadOnlyList<string> FromFileExcludes { get; init; } = [];
    public bool Verbose { get; init; }
    public bool Recursive { get; init; }
    public bool AutoAdd { get; init; }
    public bool Glob { get; init; }
    public EventMask Mask { get; init; } = EventMask.AllEvents;
    public bool Stats { get; init; }
    public bool RawFormat { get; init; }
    public string? Command { get; init; }
    public OutputKind Output { get; init; } = OutputKind.Raw;
    /// <summary>True when --json, --csv or --format was given explicitly (with -s the events are then printed too).</summary>
    public bool OutputChosen { get; init; }
    public string? Format { get; init; }
    public string TimeFormat { get; init; } = "%H:%M";
    /// <summary>-0: each event ends with NUL instead of a newline.</summary>
    public bool Print0 { get; init; }
    /// <summary>--rescan-on-overflow: <see cref="Notifier.RescanOnOverflow"/>.</summary>
    public bool RescanOnOverflow { get; init; }
    /// <summary>Not --pyinotify-stream: <see cref="Notifier.CompleteFiles"/>.</summary>
    public bool CompleteFiles { get; init; } = true;
    /// <summary>--backend: the <see cref="WatchManager"/>'s <see cref="WatchBackend"/> (before any fallback).</summary>
    public WatchBackend Backend { get; init; }
    public bool Once { get; init; }
    public double? TimeoutSeconds { get; init; }
    public IReadOnlyList<string> Excludes { get; init; } = [];
    public IReadOnlyList<string> ExcludesIgnoreCase { get; init; } = [];
    public IReadOnlyList<string> Includes { get; init; } = [];
    public IReadOnlyList<string> IncludesIgnoreCase { get; init; } = [];
    public string? OutFile { get; init; }
    public bool Quiet { get; init; }
    public bool Daemon { get; init; }
    public string? PidFile { get; init; }
    public bool ForceKill { get; init; }
    public string? StdoutFile { get; init; }
    public string? StderrFile { get; init; }
    /// <summary>--publish and its options: where events go instead of being printed (unless an output is chosen too).</summary>
    public Nats.JetStreamPublisherOptions? Publish { get; init; }
}

/// <summary>A mistake on the command line: reported in one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A failure while running (a missing path, the watch limit): reported in one line, exit code 1.</summary>
internal sealed class RuntimeFailureException(string message) : Exception(message);
