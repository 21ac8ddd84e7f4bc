using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InotifyGen.Hosting;

/// <summary>
/// The hosted service <see cref="InotifyServiceCollectionExtensions.AddInotify"/> registers. At host start it
/// creates the <see cref="WatchManager"/>, resolves the handlers and watches the top of every configured path (one
/// that cannot be watched fails the start, with the reason). Walking the trees of recursive watches happens in the
/// background, while events are already dispatched: a large tree neither holds up the host's start nor ignores its
/// stop; <see cref="WatchesReady"/> completes when the walk is done. An <see cref="AsyncNotifier"/> dispatches on
/// its own thread until the host stops, which closes the inotify instance. When the configuration changes, the
/// watches follow it: a watch added there is added, a removed one removed, without a restart.
/// </summary>
public sealed partial class InotifyService : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<InotifyOptions> _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly object _gate = new(); // one change of the watch set at a time: the first walk, then each reload
    private readonly Dictionary<string, ProcessEvent> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WatchSpec> _applied = new(StringComparer.Ordinal); // by normalized path
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AsyncNotifier? _notifier;
    private InotifyFileProvider? _shared; // the host's InotifyFileProvider, whose inotify instance this service borrows
    private OverflowRecorder? _overflows;
    private IDisposable? _reloads;
    private InotifyOptions? _started;
    private volatile Exception? _fault;
    private volatile bool _stopping;

    /// <summary>Created by DI.</summary>
    public InotifyService(IServiceProvider services, IOptionsMonitor<InotifyOptions> options, ILoggerFactory? loggerFactory = null)
    {
        _services = services;
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("InotifyGen");
    }

    /// <summary>The watch manager, once the host has started: add or remove watches at run time through it.</summary>
    public WatchManager? WatchManager => _notifier?.WatchManager;

    /// <summary>
    /// Completes when every configured tree has been walked and watched (then the "Watching:" line is logged);
    /// cancelled when the host stopped first. Until then, events in directories the walk has not reached are missed.
    /// </summary>
    public Task WatchesReady => _ready.Task;

    /// <summary>What ended the notifier, if an exception did (for the health check).</summary>
    internal Exception? Fault => _fault;

    /// <summary>Whether the notifier is running: started and neither stopped nor faulted.</summary>
    internal bool IsRunning => _notifier is { Completion.IsCompleted: false };

    /// <summary>Test seam: awaited before each configured path is walked, to hold the walk while a test looks on.</summary>
    internal Func<string, CancellationToken, Task>? WalkGate { get; set; }

    /// <summary>The kernel's queue overflows seen so far, with their times.</summary>
    internal OverflowRecorder? Overflows => _overflows;

    /// <summary>Watches the top of every configured path, then starts dispatching and the background walk.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = _options.CurrentValue;
        ProcessEvent defaultHandler;
        AsyncNotifier notifier;
        lock (_gate)
        {
            defaultHandler = options.DefaultHandler is { } name ? Resolve(options, name) : _services.GetRequiredService<LoggingHandler>();
            _overflows = new OverflowRecorder(defaultHandler);
            _shared = _services.GetService<InotifyFileProvider>();
            WatchManager wm;
            if (_shared is not null)
            {
                // One inotify instance for the whole host: the provider's notifier dispatches these watches too.
                wm = _shared.WatchManager;
                notifier = _shared.Notifier;
                _shared.OverflowListener = _overflows;
            }
            else
            {
                wm = new WatchManager(options.Exclude.Count > 0 ? new ExcludeFilter(options.Exclude) : null, _logger);
                notifier = new AsyncNotifier(wm, _overflows, logger: _logger) { ExceptionPolicy = options.ExceptionPolicy };
            }
            try
            {
                foreach (var (path, spec) in Specs(options))
                {
                    try
                    {
                        // The top only: the walk below it runs in ExecuteAsync.
                        wm.AddWatch(path, WatchOptions(options, spec, recursive: false, quiet: false));
                    }
                    catch (WatchManagerException e)
                    {
                        throw new InvalidOperationException(spec.Source is null ? e.Message : $"{spec.Source}: {e.Message}", e);
                    }
                }
            }
            catch
            {
                if (_shared is null)
                    notifier.Dispose();
                else
                    RemoveWatches(wm);
                throw;
            }
            _notifier = notifier;
            _started = options;
        }
        _reloads = _options.OnChange(Reload);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Walks the trees in the background while the notifier dispatches, until the host stops.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var notifier = _notifier!;
        // The reader thread starts here (a shared one runs already); events flow during the walk.
        var run = _shared is null ? notifier.RunAsync(stoppingToken) : notifier.Completion.WaitAsync(stoppingToken);
        try
        {
            await Task.Run(() => WalkAsync(stoppingToken), stoppingToken).ConfigureAwait(false);
            _ready.TrySetResult();
        }
        catch (Exception e) when ((_stopping || stoppingToken.IsCancellationRequested) && e is OperationCanceledException or ObjectDisposedException)
        {
            _ready.TrySetCanceled(stoppingToken); // stopped during the walk: it ends at the next directory
        }
        catch (Exception e)
        {
            _fault = e;
            _ready.TrySetException(e);
            throw;
        }
        try
        {
            await run.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the host is stopping: a normal end
        }
        catch (Exception e)
        {
            _fault = e;
            throw;
        }
    }

    /// <summary>Stops dispatching and closes the inotify instance.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _reloads?.Dispose();
        if (_shared is null)
            _notifier?.Stop(); // ends a walk in progress at once: its next AddWatch finds the instance closed
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_shared is not null)
            RemoveWatches(_shared.WatchManager); // the instance stays, for the configuration's reload
        else if (_notifier is { } n)
            await n.DisposeAsync().ConfigureAwait(false);
        _ready.TrySetCanceled(CancellationToken.None);
        LogStopped(_logger);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _reloads?.Dispose();
        if (_shared is null)
            _notifier?.Dispose();
        base.Dispose();
    }

    /// <summary>Removes this service's watches from a shared instance.</summary>
    private void RemoveWatches(WatchManager wm)
    {
        lock (_gate)
        {
            try
            {
                foreach (var (path, spec) in Specs(_started ?? _options.CurrentValue))
                    if (wm.GetWd(path) is { } wd)
                        wm.RmWatch(wd, recursive: spec.Recursive);
            }
            catch (ObjectDisposedException)
            {
                // the provider was disposed first
            }
            _applied.Clear();
        }
    }

    private async Task WalkAsync(CancellationToken stoppingToken)
    {
        var options = _started!;
        foreach (var (path, spec) in Specs(options))
        {
            if (WalkGate is { } gate)
                await gate(path, stoppingToken).ConfigureAwait(false);
            lock (_gate)
            {
                stoppingToken.ThrowIfCancellationRequested();
                if (spec.Recursive)
                    WatchManager!.AddWatch(path, WatchOptions(options, spec, recursive: true, quiet: true));
                _applied[path] = spec;
            }
        }
        LogStarted(_logger, options.Watches.Count, WatchManager!.Watches.Count);
    }

    /// <summary>
    /// The configuration changed (and passed validation): remove the watches no longer asked for, or asked for
    /// differently, and add the new ones. Runs on the configuration's reload thread.
    /// </summary>
    private void Reload(InotifyOptions options, string? name)
    {
        lock (_gate)
        {
            var wm = WatchManager;
            if (wm is null || wm.IsClosed || !_ready.Task.IsCompletedSuccessfully)
                return; // not started, stopped, or the first walk was cut short
            if (_shared is null)
                _notifier!.ExceptionPolicy = options.ExceptionPolicy; // a shared notifier stays LogAndContinue, for the configuration's sake
            if (options.DefaultHandler != _started!.DefaultHandler)
                LogDefaultHandlerNotReloaded(_logger);
            var desired = Specs(options).ToDictionary(x => x.Path, x => x.Spec, StringComparer.Ordinal);
            int removed = 0, added = 0;
            try
            {
                foreach (var (path, old) in _applied.ToList())
                {
                    if (desired.TryGetValue(path, out var now) && now == old)
                        continue;
                    if (wm.GetWd(path) is { } wd)
                        wm.RmWatch(wd, recursive: old.Recursive);
                    _applied.Remove(path);
                    removed++;
                }
                foreach (var (path, spec) in desired)
                {
                    if (_applied.ContainsKey(path))
                        continue;
                    var result = wm.AddWatch(path, WatchOptions(options, spec, spec.Recursive, quiet: true));
                    if (result.Any(r => r.Succeeded))
                        _applied[path] = spec;
                    added++;
                }
                _started = options;
                LogReloaded(_logger, added, removed, wm.Watches.Count);
            }
            catch (ObjectDisposedException)
            {
                // the host stopped meanwhile
            }
        }
    }

    /// <summary>One entry per watched path (a later watch of the same path replaces an earlier one, as AddWatch does).</summary>
    private static IEnumerable<(string Path, WatchSpec Spec)> Specs(InotifyOptions options)
    {
        var seen = new Dictionary<string, WatchSpec>(StringComparer.Ordinal);
        foreach (var w in options.Watches)
        {
            var exclude = w.Exclude.Concat(options.Exclude).ToArray();
            var spec = new WatchSpec(w.Mask, w.Recursive, w.AutoAdd, w.Handler, string.Join('\n', exclude), w.Source)
            {
                Filter = exclude.Length > 0 ? new ExcludeFilter(exclude) : null,
            };
            foreach (var p in w.Paths)
                seen[Normalize(p)] = spec;
        }
        return seen.Select(x => (x.Key, x.Value));
    }

    private static string Normalize(string path)
    {
        var full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    /// <summary>
    /// How the library watches a configured path. A directory that autoAdd (or a rescan) cannot watch later is
    /// logged as a warning that names the configuration entry.
    /// </summary>
    private WatchOptions WatchOptions(InotifyOptions options, WatchSpec spec, bool recursive, bool quiet) => new()
    {
        Mask = spec.Mask,
        Handler = Handler(options, spec),
        Recursive = recursive,
        AutoAdd = spec.AutoAdd,
        Quiet = quiet,
        ExcludeFilter = spec.Filter,
        WatchFailed = failed => LogNotWatched(_logger, spec.Source ?? "Inotify:Watches", failed.Error!.Message),
    };

    /// <summary>The watch's handler; on a shared instance, whose default handler is the provider's, the service's default.</summary>
    private ProcessEvent? Handler(InotifyOptions options, WatchSpec spec) =>
        spec.Handler is { } h ? Resolve(options, h) : _shared is null ? null : _overflows;

    private ProcessEvent Resolve(InotifyOptions options, string name)
    {
        if (_handlers.TryGetValue(name, out var h))
            return h;
        if (!options.Handlers.TryGetValue(name, out var factory))
            throw new InvalidOperationException(
                $"no inotify handler is registered as '{name}'; register it with AddInotify(i => i.AddHandler<{name}>()) " +
                $"(registered: {(options.Handlers.Count == 0 ? "none" : string.Join(", ", options.Handlers.Keys))})");
        h = factory(_services);
        if (ReferenceEquals(h.Logger, NullLogger.Instance))
            h.Logger = _loggerFactory.CreateLogger(h.GetType().FullName ?? name);
        _handlers[name] = h;
        return h;
    }

    /// <summary>What a path is watched for; equal specs mean a reload leaves the watch alone.</summary>
    private sealed record WatchSpec(EventMask Mask, bool Recursive, bool AutoAdd, string? Handler, string Exclude, string? Source)
    {
        public ExcludeFilter? Filter { get; init; }

        public bool Equals(WatchSpec? other) =>
            other is not null && (Mask, Recursive, AutoAdd, Handler, Exclude) == (other.Mask, other.Recursive, other.AutoAdd, other.Handler, other.Exclude);

        public override int GetHashCode() => HashCode.Combine(Mask, Recursive, AutoAdd, Handler, Exclude);
    }

    [LoggerMessage(210, LogLevel.Information, "Watching: {Watches} configured watches, {Directories} inotify watches added.")]
    private static partial void LogStarted(ILogger logger, int watches, int directories);

    [LoggerMessage(211, LogLevel.Information, "Stopped watching.")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(212, LogLevel.Information, "Configuration reloaded: {Added} watches added, {Removed} removed; {Directories} inotify watches now.")]
    private static partial void LogReloaded(ILogger logger, int added, int removed, int directories);

    [LoggerMessage(214, LogLevel.Warning, "{Source}: a directory of this watch is not watched: {Message}")]
    private static partial void LogNotWatched(ILogger logger, string source, string message);

    [LoggerMessage(213, LogLevel.Warning, "Inotify:DefaultHandler changed in configuration; the new default handler takes effect at the next start.")]
    private static partial void LogDefaultHandlerNotReloaded(ILogger logger);
}

/// <summary>
/// Wraps the default handler to remember when the kernel's queue overflowed (its IN_Q_OVERFLOW always goes to the
/// default handler), for the health check. Every event still reaches the wrapped handler.
/// </summary>
internal sealed class OverflowRecorder(ProcessEvent inner) : ProcessEvent
{
    private readonly Queue<DateTime> _times = new();
    private const int Kept = 64;

    protected override EventMask HandledEvents => inner.HandledMask;

    /// <summary>How many overflows happened since <paramref name="since"/> (of the last 64).</summary>
    public int CountSince(DateTime since)
    {
        lock (_times)
            return _times.Count(t => t >= since);
    }

    protected override bool DispatchEvent(in InotifyEvent e)
    {
        if (e.EventType == EventMask.QueueOverflow && !e.IsSynthetic)
        {
            lock (_times)
            {
                _times.Enqueue(DateTime.UtcNow);
                if (_times.Count > Kept)
                    _times.Dequeue();
            }
        }
        return inner.Invoke(in e);
    }
}
