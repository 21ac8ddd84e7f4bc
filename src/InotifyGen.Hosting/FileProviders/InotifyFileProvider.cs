using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;

namespace InotifyGen.Hosting;

/// <summary>
/// An <see cref="IFileProvider"/> over a directory whose change tokens fire from inotify: for
/// <c>AddJsonFile(provider, "appsettings.json", optional: false, reloadOnChange: true)</c> and every other
/// <see cref="IChangeToken"/> user. Files and listings come from a <see cref="PhysicalFileProvider"/>.
/// </summary>
/// <remarks>
/// <para>All tokens of one provider share one inotify instance (one <see cref="WatchManager"/> and one notifier
/// thread), with one kernel watch per directory however many tokens need it (reference-counted; removed when the
/// last token of the directory has fired).</para>
/// <para>A token for a file fires when any link of the file's path changes, not only the file's own directory
/// entry: a Kubernetes ConfigMap update swaps the <c>..data</c> symbolic link that <c>appsettings.json</c> points
/// through, and that swap fires the token (FileSystemWatcher-based reload misses it, dotnet/runtime#36091).</para>
/// <para>Filters: a file (<c>appsettings.json</c>, <c>conf/app.json</c>), a directory (<c>conf/</c>: any change in
/// it), or a glob (<c>conf/*.json</c>, <c>**/*.json</c>; Microsoft.Extensions.FileSystemGlobbing syntax).</para>
/// </remarks>
public sealed partial class InotifyFileProvider : IFileProvider, IDisposable
{
    private const EventMask DirectoryEvents = EventMask.Create | EventMask.Delete | EventMask.Modify | EventMask.CloseWrite
        | EventMask.MovedFrom | EventMask.MovedTo | EventMask.Attrib | EventMask.DeleteSelf | EventMask.MoveSelf;

    private readonly PhysicalFileProvider _files;
    private readonly AsyncNotifier _notifier;
    private readonly Dispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<string, WatchedDirectory> _directories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Pending> _byFilter = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Serves <paramref name="root"/> (an absolute directory) and watches it with one inotify instance.</summary>
    /// <exception cref="InotifyException">No inotify instance could be created (fs.inotify.max_user_instances).</exception>
    public InotifyFileProvider(string root, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _files = new PhysicalFileProvider(Root + "/");
        _logger = logger ?? NullLogger.Instance;
        _dispatcher = new Dispatcher(this);
        _notifier = new AsyncNotifier(new WatchManager(logger: _logger), _dispatcher, logger: _logger)
        {
            ExceptionPolicy = HandlerExceptionPolicy.LogAndContinue,
        };
        _ = _notifier.RunAsync();
    }

    /// <summary>The directory served.</summary>
    public string Root { get; }

    /// <summary>The inotify instance the tokens share. The host's inotify service adds its watches to it when the provider is registered (see <see cref="InotifyConfigurationExtensions.UseInotifyFileProvider"/>).</summary>
    internal WatchManager WatchManager => _notifier.WatchManager;

    /// <summary>The notifier reading <see cref="WatchManager"/>.</summary>
    internal AsyncNotifier Notifier => _notifier;

    /// <summary>Receives the kernel's IN_Q_OVERFLOW too (it goes to the default handler, which is this provider's).</summary>
    internal ProcessEvent? OverflowListener { get; set; }

    /// <summary>Kernel watches this provider holds now (one per directory its pending tokens need).</summary>
    public int WatchedDirectories
    {
        get { lock (_gate) return _directories.Count; }
    }

    /// <inheritdoc/>
    public IFileInfo GetFileInfo(string subpath) => _files.GetFileInfo(subpath);

    /// <inheritdoc/>
    public IDirectoryContents GetDirectoryContents(string subpath) => _files.GetDirectoryContents(subpath);

    /// <summary>
    /// A token that fires once when what <paramref name="filter"/> names changes: a file or any symbolic link on
    /// its way, a directory's entries (a filter ending in <c>/</c>), or any file a glob matches. Tokens for the same
    /// filter are shared until they fire. The filter is relative to <see cref="Root"/> (a leading <c>/</c> is
    /// ignored, as <see cref="PhysicalFileProvider"/> does); one that climbs out with <c>..</c> gives a token that never fires.
    /// </summary>
    public IChangeToken Watch(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var relative = filter.Replace('\\', '/').TrimStart('/');
        // As PhysicalFileProvider: a leading '/' is trimmed (the filter stays relative to the root); ".." is refused.
        if (Volatile.Read(ref _disposed) != 0 || relative.Split('/').Contains(".."))
            return NullChangeToken.Singleton;
        lock (_gate)
        {
            if (_byFilter.TryGetValue(relative, out var existing))
                return existing.Token;
            var pending = Plan(relative);
            var acquired = 0;
            try
            {
                foreach (var (dir, recursive) in pending.Directories)
                {
                    Acquire(dir, recursive);
                    acquired++;
                }
            }
            catch (Exception e) when (e is InotifyException or WatchManagerException or ObjectDisposedException)
            {
                foreach (var (dir, _) in pending.Directories.Take(acquired))
                    Release(dir);
                Log.WatchFailed(_logger, filter, e.Message);
                return NullChangeToken.Singleton;
            }
            _byFilter[relative] = pending;
            foreach (var (dir, _) in pending.Directories)
                _directories[dir].Tokens.Add(pending);
            return pending.Token;
        }
    }

    /// <summary>Fires nothing more; closes the inotify instance.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _notifier.Dispose();
        lock (_gate)
        {
            _directories.Clear();
            _byFilter.Clear();
        }
        _files.Dispose();
    }

    /// <summary>Which directories a filter needs watched, and what in them fires it.</summary>
    private Pending Plan(string relative)
    {
        var pending = new Pending(relative);
        var wildcard = relative.IndexOfAny(['*', '?', '[', '{']);
        if (wildcard >= 0)
        {
            var slash = relative.LastIndexOf('/', wildcard);
            var baseDir = slash < 0 ? Root : Path.Combine(Root, relative[..slash]);
            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(slash < 0 ? relative : relative[(slash + 1)..]);
            pending.Glob = (baseDir, matcher);
            pending.Directories.Add((NearestExisting(baseDir, pending), relative.Contains("**", StringComparison.Ordinal) || relative.IndexOf('/', wildcard) >= 0));
            return pending;
        }
        var full = relative.Length == 0 ? Root : Path.Combine(Root, relative);
        if (relative.Length == 0 || relative.EndsWith('/'))
        {
            var dir = Path.TrimEndingDirectorySeparator(full);
            pending.AnyIn.Add(dir);
            pending.Directories.Add((NearestExisting(dir, pending), false));
            return pending;
        }
        foreach (var (dir, name) in PathLinks(full))
        {
            pending.Names.Add((dir, name));
            if (!pending.Directories.Contains((dir, false)))
                pending.Directories.Add((dir, false));
        }
        return pending;
    }

    /// <summary>
    /// The directory entries a path goes through that can change what it resolves to: its own entry, every
    /// symbolic link met on the way (and, recursively, the entries of each link's target), and the entry of the
    /// first missing component (with the nearest existing directory) when the path does not exist yet.
    /// </summary>
    private static List<(string Dir, string Name)> PathLinks(string path)
    {
        var links = new List<(string, string)>();
        Resolve(path, links, depth: 0);
        return links;

        static void Resolve(string path, List<(string, string)> links, int depth)
        {
            if (depth > 40) // the kernel's own limit on links in one resolution
                return;
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var current = "/";
            for (var i = 0; i < parts.Length; i++)
            {
                var next = Path.Combine(current, parts[i]);
                var last = i == parts.Length - 1;
                FileSystemInfo info = new FileInfo(next);
                if (!info.Exists && !Directory.Exists(next) && info.LinkTarget is null)
                {
                    links.Add((current, parts[i])); // created later: it appears here
                    return;
                }
                if (info.LinkTarget is { } target)
                {
                    links.Add((current, parts[i]));
                    var rest = string.Join('/', parts.Skip(i + 1));
                    var resolved = Path.GetFullPath(target, current);
                    Resolve(rest.Length == 0 ? resolved : Path.Combine(resolved, rest), links, depth + 1);
                    return;
                }
                if (last)
                    links.Add((current, parts[i]));
                current = next;
            }
        }
    }

    /// <summary>The nearest existing directory at or above <paramref name="dir"/>; the entry below it is added to what fires the token.</summary>
    private static string NearestExisting(string dir, Pending pending)
    {
        var current = dir;
        while (!Directory.Exists(current) && Path.GetDirectoryName(current) is { } parent)
        {
            pending.Names.Add((parent, Path.GetFileName(current)));
            current = parent;
        }
        return current;
    }

    private void Acquire(string dir, bool recursive)
    {
        if (_directories.TryGetValue(dir, out var watched) && (watched.Recursive || !recursive))
        {
            watched.References++;
            return;
        }
        var wm = _notifier.WatchManager;
        var result = wm.AddWatch(dir, DirectoryEvents, _dispatcher, recursive, autoAdd: recursive, quiet: false);
        if (watched is null)
            _directories[dir] = new WatchedDirectory(result[dir], recursive) { References = 1 };
        else
        {
            watched.Recursive = true;
            watched.References++;
        }
    }

    private void Release(string dir)
    {
        if (!_directories.TryGetValue(dir, out var watched) || --watched.References > 0)
            return;
        _directories.Remove(dir);
        try
        {
            if (_notifier.WatchManager.GetWd(dir) == watched.Wd)
                _notifier.WatchManager.RmWatch(watched.Wd, recursive: watched.Recursive);
        }
        catch (ObjectDisposedException)
        {
            // disposed meanwhile
        }
    }

    /// <summary>On the notifier thread: fires the tokens the event concerns.</summary>
    private void OnEvent(in InotifyEvent e)
    {
        List<Pending>? fired = null;
        var dir = e.Path;
        var name = e.Name;
        var overflow = e.EventType == EventMask.QueueOverflow;
        lock (_gate)
        {
            // About a watched directory itself; an IN_IGNORED of a watch this provider removed is about none.
            var self = (e.Mask & (EventMask.DeleteSelf | EventMask.MoveSelf | EventMask.Ignored | EventMask.Unmount)) != 0
                && _directories.TryGetValue(dir, out var current) && current.Wd == e.Wd;
            if (overflow)
                fired = _byFilter.Values.ToList(); // anything may have changed unseen
            else
            {
                var path = e.PathName;
                foreach (var p in Candidates(dir))
                    if (p.Matches(dir, name, path, self))
                        (fired ??= new()).Add(p);
            }
            if (fired is null)
                return;
            foreach (var p in fired)
            {
                _byFilter.Remove(p.Filter);
                foreach (var (d, _) in p.Directories)
                {
                    if (_directories.TryGetValue(d, out var w))
                        w.Tokens.Remove(p);
                    Release(d);
                }
            }
        }
        foreach (var p in fired)
            p.Fire(_logger);
    }

    /// <summary>The pending tokens registered on <paramref name="dir"/> or on a recursively watched directory above it.</summary>
    private IEnumerable<Pending> Candidates(string dir)
    {
        var seen = new HashSet<Pending>();
        for (var d = dir; d is not null; d = Path.GetDirectoryName(d))
            if (_directories.TryGetValue(d, out var w) && (d == dir || w.Recursive))
                foreach (var p in w.Tokens)
                    if (seen.Add(p))
                        yield return p;
    }

    private sealed class WatchedDirectory(int wd, bool recursive)
    {
        public int Wd { get; } = wd;
        public bool Recursive { get; set; } = recursive;
        public int References { get; set; }
        public List<Pending> Tokens { get; } = new();
    }

    /// <summary>One filter's token, until it fires.</summary>
    private sealed class Pending
    {
        private readonly CancellationTokenSource _source = new();

        public Pending(string filter)
        {
            Filter = filter;
            Token = new CancellationChangeToken(_source.Token);
        }

        public string Filter { get; }
        public IChangeToken Token { get; }
        public List<(string Dir, bool Recursive)> Directories { get; } = new();
        public HashSet<(string Dir, string Name)> Names { get; } = new();
        public List<string> AnyIn { get; } = new();
        public (string Base, Matcher Matcher)? Glob { get; set; }

        public bool Matches(string dir, string name, string path, bool self)
        {
            if (self && Directories.Exists(d => d.Dir == dir))
                return true; // a watched directory itself went: its entries are no longer seen
            if (Names.Contains((dir, name)) || AnyIn.Contains(dir))
                return true;
            if (Glob is { } g && path.StartsWith(g.Base + "/", StringComparison.Ordinal))
                return g.Matcher.Match(g.Base, path).HasMatches;
            return false;
        }

        /// <summary>Runs the token's callbacks on the thread pool, never on the notifier thread, and logs what they throw.</summary>
        public void Fire(ILogger logger) =>
            ThreadPool.UnsafeQueueUserWorkItem(static s =>
            {
                try { s.Pending._source.Cancel(); }
                catch (AggregateException e) { Log.CallbackFailed(s.Logger, e, s.Pending.Filter); }
            }, (Pending: this, Logger: logger), preferLocal: false);
    }

    /// <summary>The handler of the provider's watches, and the notifier's default handler.</summary>
    private sealed class Dispatcher(InotifyFileProvider owner) : ProcessEvent
    {
        protected override EventMask HandledEvents => DirectoryEvents;

        protected override bool DispatchEvent(in InotifyEvent e)
        {
            if (e.EventType == EventMask.QueueOverflow && owner.OverflowListener is { } listener)
                listener.Invoke(in e);
            owner.OnEvent(in e);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(220, LogLevel.Warning, "Cannot watch '{Filter}' for changes: {Message}. Its change token will not fire.")]
        public static partial void WatchFailed(ILogger logger, string filter, string message);

        [LoggerMessage(221, LogLevel.Error, "A change-token callback for '{Filter}' threw.")]
        public static partial void CallbackFailed(ILogger logger, Exception exception, string filter);
    }
}
