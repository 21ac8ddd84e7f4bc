namespace InotifyGen.Hosting;

/// <summary>
/// What the inotify background service watches and how. Filled in code (<see cref="InotifyBuilder"/>) and from
/// configuration (<see cref="InotifyBuilder.BindConfiguration(string)"/>); both add to the same lists.
/// </summary>
public sealed class InotifyOptions
{
    /// <summary>The configuration section read by default: <c>"Inotify"</c>.</summary>
    public const string DefaultSection = "Inotify";

    /// <summary>The watches to add at start.</summary>
    public IList<InotifyWatchOptions> Watches { get; } = new List<InotifyWatchOptions>();

    /// <summary>
    /// The name of the registered handler for watches that name none. When null, events of such watches are logged
    /// at Information level by <see cref="LoggingHandler"/>.
    /// </summary>
    public string? DefaultHandler { get; set; }

    /// <summary>What happens when a handler throws. Default <see cref="HandlerExceptionPolicy.LogAndContinue"/>:
    /// a daemon logs the failure and keeps watching (Propagate would stop the host).</summary>
    public HandlerExceptionPolicy ExceptionPolicy { get; set; } = HandlerExceptionPolicy.LogAndContinue;

    /// <summary>Regular expressions of paths never to watch, for every watch.</summary>
    public IList<string> Exclude { get; } = new List<string>();

    /// <summary>Handler factories by name (registered with <see cref="InotifyBuilder.AddHandler{THandler}(string?)"/>).</summary>
    internal Dictionary<string, Func<IServiceProvider, ProcessEvent>> Handlers { get; } = new(StringComparer.Ordinal);

    /// <summary>What configuration binding found wrong, each naming the key and the fix; reported by <see cref="InotifyOptionsValidator"/>.</summary>
    internal List<string> Problems { get; } = new();
}

/// <summary>One watch: paths and what to watch them for (an element of <c>Inotify:Watches</c> in configuration).</summary>
public sealed class InotifyWatchOptions
{
    /// <summary>The files or directories (configuration: <c>Path</c> and/or <c>Paths</c>).</summary>
    public IList<string> Paths { get; } = new List<string>();

    /// <summary>The events (configuration: IN_* names, as <c>"IN_CLOSE_WRITE|IN_MOVED_TO"</c> or a list).
    /// <see cref="EventMask.None"/> means the events the handler handles.</summary>
    public EventMask Mask { get; set; }

    /// <summary>Also watch every directory below.</summary>
    public bool Recursive { get; set; }

    /// <summary>Watch directories created (or moved) inside later on.</summary>
    public bool AutoAdd { get; set; }

    /// <summary>The registered handler's name, or null for the default handler.</summary>
    public string? Handler { get; set; }

    /// <summary>Regular expressions of paths not to watch under this watch.</summary>
    public IList<string> Exclude { get; } = new List<string>();

    /// <summary>Where the watch was set, for error messages: its configuration key, or null when set in code.</summary>
    internal string? Source { get; init; }
}
