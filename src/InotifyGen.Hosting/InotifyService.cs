using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InotifyGen.Hosting;

/// <summary>
/// The hosted service <see cref="InotifyServiceCollectionExtensions.AddInotify"/> registers. At host start it
/// creates the <see cref="WatchManager"/>, resolves the handlers and adds every configured watch (a watch that
/// cannot be added fails the start, with the reason); then an <see cref="AsyncNotifier"/> dispatches events on its
/// own thread until the host stops, which closes the inotify instance.
/// </summary>
public sealed partial class InotifyService : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly IOptions<InotifyOptions> _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private AsyncNotifier? _notifier;

    /// <summary>Created by DI.</summary>
    public InotifyService(IServiceProvider services, IOptions<InotifyOptions> options, ILoggerFactory? loggerFactory = null)
    {
        _services = services;
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("InotifyGen");
    }

    /// <summary>The watch manager, once the host has started: add or remove watches at run time through it.</summary>
    public WatchManager? WatchManager => _notifier?.WatchManager;

    /// <summary>Adds the watches, then starts dispatching.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var handlers = new Dictionary<string, ProcessEvent>(StringComparer.Ordinal);
        var defaultHandler = options.DefaultHandler is { } name ? Resolve(options, handlers, name) : _services.GetRequiredService<LoggingHandler>();
        var wm = new WatchManager(options.Exclude.Count > 0 ? new ExcludeFilter(options.Exclude) : null, _logger);
        var notifier = new AsyncNotifier(wm, defaultHandler, logger: _logger) { ExceptionPolicy = options.ExceptionPolicy };
        try
        {
            var count = 0;
            foreach (var w in options.Watches)
            {
                var handler = w.Handler is { } h ? Resolve(options, handlers, h) : null;
                var exclude = w.Exclude.Count > 0 ? new ExcludeFilter(w.Exclude.Concat(options.Exclude)) : null;
                try
                {
                    var added = wm.AddWatch(w.Paths, w.Mask, handler, w.Recursive, w.AutoAdd, quiet: false, excludeFilter: exclude);
                    count += added.Values.Count(wd => wd > 0);
                }
                catch (WatchManagerException e)
                {
                    throw new InvalidOperationException(e.Message, e); // the message names the path and the fix
                }
            }
            LogStarted(_logger, options.Watches.Count, count);
        }
        catch
        {
            notifier.Dispose();
            throw;
        }
        _notifier = notifier;
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the notifier until the host stops.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _notifier!.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the host is stopping: a normal end
        }
    }

    /// <summary>Stops dispatching and closes the inotify instance.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_notifier is { } n)
            await n.DisposeAsync().ConfigureAwait(false);
        LogStopped(_logger);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _notifier?.Dispose();
        base.Dispose();
    }

    private ProcessEvent Resolve(InotifyOptions options, Dictionary<string, ProcessEvent> resolved, string name)
    {
        if (resolved.TryGetValue(name, out var h))
            return h;
        if (!options.Handlers.TryGetValue(name, out var factory))
            throw new InvalidOperationException(
                $"no inotify handler is registered as '{name}'; register it with AddInotify(i => i.AddHandler<{name}>()) " +
                $"(registered: {(options.Handlers.Count == 0 ? "none" : string.Join(", ", options.Handlers.Keys))})");
        h = factory(_services);
        if (ReferenceEquals(h.Logger, NullLogger.Instance))
            h.Logger = _loggerFactory.CreateLogger(h.GetType().FullName ?? name);
        resolved[name] = h;
        return h;
    }

    [LoggerMessage(210, LogLevel.Information, "Watching: {Watches} configured watches, {Directories} inotify watches added.")]
    private static partial void LogStarted(ILogger logger, int watches, int directories);

    [LoggerMessage(211, LogLevel.Information, "Stopped watching.")]
    private static partial void LogStopped(ILogger logger);
}
