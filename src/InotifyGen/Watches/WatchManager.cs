using InotifyGen.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InotifyGen;

/// <summary>
/// One inotify instance and its watches, pyinotify's <c>WatchManager</c>. Thread-safe: watches may be added and
/// removed while a notifier is processing events on another thread.
/// </summary>
public sealed class WatchManager : IDisposable
{
    /// <summary>The wd pyinotify returns for a path whose watch failed.</summary>
    public const int WatchFailed = -1;
    /// <summary>The wd pyinotify returns for a path the exclude filter rejected.</summary>
    public const int WatchExcluded = -2;

    private readonly object _gate = new();
    private readonly WatchTable _table = new();
    private readonly IKernelWatches _kernel;

    /// <summary>Creates an inotify instance. <paramref name="excludeFilter"/> applies to every AddWatch that gives none.</summary>
    /// <exception cref="InotifyException">The instance limit (fs.inotify.max_user_instances) was reached.</exception>
    public WatchManager(ExcludeFilter? excludeFilter = null, ILogger? logger = null)
        : this(new InotifyInstance(), LinuxFileSystem.Instance, TimeProvider.System, excludeFilter, logger)
    {
    }

    /// <summary>
    /// Creates a watch manager on <paramref name="backend"/>. With <see cref="WatchBackend.Fanotify"/>, fanotify is
    /// tried on each of <paramref name="paths"/> (or on "/" when none is given): where it is refused, the manager
    /// uses inotify instead, logs a warning and tells why in <see cref="FallbackReason"/>.
    /// </summary>
    /// <param name="backend">The kernel interface to watch through.</param>
    /// <param name="paths">The paths that will be watched, to check fanotify on before choosing it.</param>
    /// <param name="excludeFilter">Applies to every AddWatch that gives none.</param>
    /// <param name="logger">Where watch errors and the fallback are logged.</param>
    public WatchManager(WatchBackend backend, IEnumerable<string>? paths = null, ExcludeFilter? excludeFilter = null, ILogger? logger = null)
        : this(OpenBackend(backend, paths, logger, out var reason), LinuxFileSystem.Instance, TimeProvider.System, excludeFilter, logger) =>
        FallbackReason = reason;

    private static IKernelWatches OpenBackend(WatchBackend backend, IEnumerable<string>? paths, ILogger? logger, out string? reason)
    {
        reason = null;
        if (backend == WatchBackend.Inotify)
            return new InotifyInstance();
        if (!Enum.IsDefined(backend))
            throw new ArgumentOutOfRangeException(nameof(backend), backend, "choose WatchBackend.Inotify or WatchBackend.Fanotify");
        var probed = paths?.Select(NormalizePath).ToList() is { Count: > 0 } given ? given : ["/"];
        if (FanotifyInstance.TryOpen(probed, out var fanotify, out reason))
            return fanotify;
        Log.FanotifyFallback(logger ?? NullLogger.Instance, reason);
        return new InotifyInstance();
    }

    /// <summary>The kernel interface this manager watches through (inotify after a fallback).</summary>
    public WatchBackend Backend => _kernel is FanotifyInstance ? WatchBackend.Fanotify : WatchBackend.Inotify;

    /// <summary>Why fanotify was asked for and inotify is used instead; null when there was no fallback.</summary>
    public string? FallbackReason { get; }

    /// <summary>A watch manager over any kernel, file system and clock: the tests' simulated ones, or the real ones.</summary>
    internal WatchManager(IKernelWatches kernel, IFileSystem fileSystem, TimeProvider time, ExcludeFilter? excludeFilter = null, ILogger? logger = null)
    {
        _kernel = kernel;
        FileSystem = fileSystem;
        Time = time;
        ExcludeFilter = excludeFilter;
        Logger = logger ?? NullLogger.Instance;
        Diagnostics.InotifyMetrics.Opened(this); // metrics: inotifygen.watches
    }

    /// <summary>How many watches are live now (for the <c>inotifygen.watches</c> metric).</summary>
    internal int LiveWatchCount
    {
        get { lock (_gate) return _table.LiveCount; }
    }

    /// <summary>The exclude filter used when AddWatch is given none.</summary>
    public ExcludeFilter? ExcludeFilter { get; }

    /// <summary>Where watch errors are logged when <c>quiet</c> is true.</summary>
    public ILogger Logger { get; }

    /// <summary>The inotify file descriptor (pyinotify's <c>get_fd</c>), for registering with an event loop.</summary>
    public int Fd => _kernel.Fd;

    /// <summary>True once disposed (or once its notifier stopped).</summary>
    public bool IsClosed => _kernel.IsClosed;

    internal IKernelWatches Kernel => _kernel;

    /// <summary>Where the tree bookkeeping lists directories.</summary>
    internal IFileSystem FileSystem { get; }

    /// <summary>The clock the tree bookkeeping waits by.</summary>
    internal TimeProvider Time { get; }

    /// <summary>The handler of the notifier reading this manager: it decides the mask when AddWatch gets neither mask nor handler.</summary>
    internal ProcessEvent? DefaultHandler { get; set; }

    /// <summary>
    /// Watches <paramref name="path"/> (pyinotify's <c>add_watch</c>). Returns path to wd for every path watched:
    /// positive on success, <see cref="WatchFailed"/> (-1) when the kernel refused, <see cref="WatchExcluded"/> (-2)
    /// when excluded. Watching a path again keeps its wd and replaces its mask, handler, autoAdd and filter. A
    /// shorthand for <see cref="AddWatch(string, WatchOptions)"/>, which answers with typed results. The dictionary is
    /// built when first looked into (its <c>Count</c> alone does not build it for one path).
    /// </summary>
    /// <param name="path">A file or directory; a shell glob when <paramref name="doGlob"/> is true.</param>
    /// <param name="mask">The events; <see cref="EventMask.None"/> means the events <paramref name="handler"/> (or the notifier's default handler) handles.</param>
    /// <param name="handler">The handler for this watch's events, instead of the notifier's default.</param>
    /// <param name="recursive">Also watch every directory below (symbolic links inside are not followed; one given as the path is).</param>
    /// <param name="autoAdd">Watch directories created (or moved) inside later on.</param>
    /// <param name="doGlob">Expand <c>* ? [...]</c> in the path.</param>
    /// <param name="quiet">Log failures and return -1 (true), or throw a <see cref="WatchManagerException"/> (false).</param>
    /// <param name="excludeFilter">Paths not to watch; defaults to the manager's filter.</param>
    public IReadOnlyDictionary<string, int> AddWatch(string path, EventMask mask = EventMask.None, ProcessEvent? handler = null,
        bool recursive = false, bool autoAdd = false, bool doGlob = false, bool quiet = true, ExcludeFilter? excludeFilter = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return AddWatch([path], mask, handler, recursive, autoAdd, doGlob, quiet, excludeFilter);
    }

    /// <summary>Watches every path in <paramref name="paths"/>; see <see cref="AddWatch(string, EventMask, ProcessEvent?, bool, bool, bool, bool, ExcludeFilter?)"/>.</summary>
    public IReadOnlyDictionary<string, int> AddWatch(IEnumerable<string> paths, EventMask mask = EventMask.None, ProcessEvent? handler = null,
        bool recursive = false, bool autoAdd = false, bool doGlob = false, bool quiet = true, ExcludeFilter? excludeFilter = null) =>
        AddWatches(paths, new WatchOptions
        {
            Mask = mask, Handler = handler, Recursive = recursive, AutoAdd = autoAdd, DoGlob = doGlob, Quiet = quiet, ExcludeFilter = excludeFilter,
        }).Wds;

    /// <summary>
    /// Watches <paramref name="path"/> as <paramref name="options"/> say. Returns one <see cref="WatchResult"/> per
    /// path handled (the top, then every directory of the walk, parents first): its wd, or why it is not watched.
    /// Watching a path again keeps its wd and replaces its settings. The paths are those of when it returned; a
    /// watched one is kept as its watch and named when first read (or before the table moves a watch, if sooner), so
    /// a large tree's answer costs no string per directory unless it is read.
    /// </summary>
    /// <exception cref="WatchManagerException">With <see cref="WatchOptions.Quiet"/> false: a path could not be watched (<see cref="WatchManagerException.Results"/> holds the results so far).</exception>
    /// <exception cref="ArgumentException">No mask was given and the handler handles no event.</exception>
    public IReadOnlyList<WatchResult> AddWatch(string path, WatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        return AddWatch([path], options);
    }

    /// <summary>Watches every path in <paramref name="paths"/>; see <see cref="AddWatch(string, WatchOptions)"/>.</summary>
    public IReadOnlyList<WatchResult> AddWatch(IEnumerable<string> paths, WatchOptions options) => AddWatches(paths, options);

    private WatchResults AddWatches(IEnumerable<string> paths, WatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfClosed();
        var settings = SettingsOf(options);
        var filter = settings.ExcludeFilter;
        var tracked = options.Recursive || options.AutoAdd;
        var results = new WatchResults();
        // A recursive set-up watches each directory without the events its own listing causes, and widens the watch
        // once the directory and its sub-directories have been listed (TreeSetUp).
        var withheld = options.Recursive && _kernel is not FanotifyInstance ? SetUpReads(settings.Mask, settings.AutoAdd, tracked) : EventMask.None;
        var topKernelOnly = options.FollowSymlink ? EventMask.None : EventMask.DontFollow;
        var answer = new SetUpAnswer(this, results, filter, options.Quiet);
        var walk = options.Recursive && _kernel is not FanotifyInstance; // one fanotify mark already covers every directory below
        foreach (var given in paths)
        {
            var normal = NormalizePath(given);
            foreach (var top in options.DoGlob ? Glob.Expand(normal) : [normal])
            {
                results.BeginTop();
                Watch? watched = null;
                var isDir = FileSystem.IsDirectory(top, followLinks: options.FollowSymlink);
                if (filter is not null && filter.IsExcluded(top))
                    results.Add(WatchResult.Excluded(top));
                else
                {
                    try
                    {
                        watched = Add(top, settings, tracked, out _, topKernelOnly, isDir, isDir ? withheld : EventMask.None);
                        results.Add(watched);
                    }
                    catch (InotifyException e)
                    {
                        answer.Failed(top, e, gone: false);
                    }
                }
                // An excluded top, or one that failed, is walked below all the same (pyinotify's rule).
                if (walk && isDir)
                    new TreeSetUp(this, settings, tracked, withheld, answer).Run(top, watched, topKernelOnly);
            }
        }
        lock (_gate)
            _table.KeepPathsOf(results);
        return results;
    }

    /// <summary>AddWatch's answer, as a recursive set-up reports each directory below a top (and a top's failure).</summary>
    private sealed class SetUpAnswer(WatchManager manager, WatchResults results, ExcludeFilter? filter, bool quiet) : ITreeSetUpReport
    {
        public bool Excludes(WalkPath path)
        {
            if (filter is null)
                return false;
            var text = path.ToString();
            if (!filter.IsExcluded(text))
                return false;
            results.Add(WatchResult.Excluded(text));
            return true;
        }

        public void Added(Watch watch) => results.Add(watch);

        public bool Failed(string path, InotifyException error, bool gone)
        {
            if (gone)
            {
                results.Add(WatchResult.Gone(path, error)); // deleted or replaced since its listing: nothing to watch
                return true;
            }
            results.Add(WatchResult.Failed(path, error));
            if (!quiet)
                throw new WatchManagerException(error, results, null);
            Log.WatchFailed(manager.Logger, error.Message);
            return true;
        }
    }

    /// <summary>
    /// Changes existing watches (pyinotify's <c>update_watch</c>): a null argument leaves that setting as it is.
    /// Returns wd to success. With <paramref name="recursive"/>, every watch below each wd's path is changed too.
    /// </summary>
    public IReadOnlyDictionary<int, bool> UpdateWatch(int wd, EventMask? mask = null, ProcessEvent? handler = null,
        bool recursive = false, bool? autoAdd = null, bool quiet = true) =>
        UpdateWatch([wd], mask, handler, recursive, autoAdd, quiet);

    /// <summary>Changes every watch in <paramref name="wds"/>; see <see cref="UpdateWatch(int, EventMask?, ProcessEvent?, bool, bool?, bool)"/>.</summary>
    public IReadOnlyDictionary<int, bool> UpdateWatch(IEnumerable<int> wds, EventMask? mask = null, ProcessEvent? handler = null,
        bool recursive = false, bool? autoAdd = null, bool quiet = true)
    {
        ArgumentNullException.ThrowIfNull(wds);
        ThrowIfClosed();
        var result = new Dictionary<int, bool>();
        foreach (var wd in Expand(wds, recursive))
        {
            try
            {
                lock (_gate)
                {
                    var w = LiveWatch(wd);
                    var newMask = mask is { } m ? ResolveMask(m, handler ?? w.Handler) : w.Mask;
                    var newAutoAdd = autoAdd ?? w.AutoAdd;
                    var tracked = w.Tracked || newAutoAdd;
                    if (mask is not null || newAutoAdd != w.AutoAdd)
                    {
                        var got = _kernel.Add(w.Path, KernelMask(newMask, newAutoAdd, tracked) | w.TransientMask);
                        if (got < 0)
                            throw InotifyErrors.ForWatch(-got, w.Path);
                        if (got != wd)
                            throw new InotifyException(0, w.Path,
                                $"cannot update watch {wd}: '{w.Path}' is now a different file (it was replaced); watch it again with AddWatch");
                    }
                    // Copied, not changed in place: the other watches of its tree share the old settings.
                    w.Settings = w.Settings with { Mask = newMask, AutoAdd = newAutoAdd, Handler = handler ?? w.Handler };
                    w.Tracked = tracked;
                }
                result[wd] = true;
            }
            catch (InotifyException e)
            {
                result[wd] = false;
                if (!quiet)
                    throw new WatchManagerException(e, null, result);
                Log.WatchFailed(Logger, e.Message);
            }
        }
        return result;
    }

    /// <summary>
    /// Removes watches (pyinotify's <c>rm_watch</c>); with <paramref name="recursive"/>, every watch below too.
    /// Returns wd to success. The kernel's IN_IGNORED for each still reaches the handler, then the watch is forgotten.
    /// A watch the kernel has already dropped (its directory was deleted: its IN_IGNORED is queued, or, below a given
    /// wd, was processed meanwhile) counts as removed, not as a failure. On a directory that <see cref="WatchTransientFile"/> also watches, only
    /// AddWatch's part goes: the transient files are still followed on the same wd.
    /// </summary>
    public IReadOnlyDictionary<int, bool> RmWatch(int wd, bool recursive = false, bool quiet = true) => RmWatch([wd], recursive, quiet);

    /// <summary>Removes every watch in <paramref name="wds"/>; see <see cref="RmWatch(int, bool, bool)"/>.</summary>
    public IReadOnlyDictionary<int, bool> RmWatch(IEnumerable<int> wds, bool recursive = false, bool quiet = true)
    {
        ArgumentNullException.ThrowIfNull(wds);
        ThrowIfClosed();
        var result = new Dictionary<int, bool>();
        var given = recursive ? wds.ToHashSet() : null;
        foreach (var wd in Expand(given ?? wds, recursive))
        {
            try
            {
                lock (_gate)
                    Remove(wd, below: given?.Contains(wd) == false);
                result[wd] = true;
            }
            catch (InotifyException e)
            {
                result[wd] = false;
                if (!quiet)
                    throw new WatchManagerException(e, null, result);
                Log.WatchFailed(Logger, e.Message);
            }
        }
        return result;
    }

    /// <summary>
    /// RmWatch of one wd, under the lock. <paramref name="below"/>: found under a given wd, live then; if it is gone
    /// now, its IN_IGNORED came meanwhile (the kernel dropped it), which is no failure.
    /// </summary>
    private void Remove(int wd, bool below)
    {
        var w = below ? _table.Live(wd) : LiveWatch(wd);
        if (w is null)
            return;
        if (w.TransientFiles is not null && w.Mask != EventMask.None)
        {
            // The transient files stay: the kernel keeps only their events, and the directory's own part goes.
            _kernel.Add(w.Path, w.TransientMask);
            w.Settings = WatchSettings.None with { TransientFiles = w.TransientFiles };
            w.Tracked = false;
            return;
        }
        var rc = _kernel.Remove(wd);
        // EINVAL: the kernel dropped the watch itself (its directory is gone) and queued its IN_IGNORED, which still
        // reaches the handler: the watch ends as if removed here.
        if (rc < 0 && -rc != Libc.EINVAL)
            throw new InotifyException(-rc, w.Path, $"cannot remove watch {wd} on '{w.Path}': {Libc.Describe(-rc)}");
        _table.End(w, WatchState.Removed);
    }

    /// <summary>The wd watching <paramref name="path"/>, or null (pyinotify's <c>get_wd</c>, but one hash probe per name down the path tree, not a scan).</summary>
    public int? GetWd(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        lock (_gate)
            return _table.At(NormalizePath(path))?.Wd;
    }

    /// <summary>The path watched by <paramref name="wd"/>, or null.</summary>
    public string? GetPath(int wd) => GetWatch(wd)?.Path;

    /// <summary>The live watch with descriptor <paramref name="wd"/>, or null.</summary>
    public Watch? GetWatch(int wd)
    {
        lock (_gate)
            return _table.Live(wd);
    }

    /// <summary>A snapshot of the live watches, by wd.</summary>
    public IReadOnlyDictionary<int, Watch> Watches
    {
        get
        {
            lock (_gate)
                return _table.LiveWatches.ToDictionary(w => w.Wd);
        }
    }

    /// <summary>Closes the inotify instance; every watch goes with it. Idempotent and safe from any thread.</summary>
    public void Dispose()
    {
        lock (_gate)
            _table.Clear();
        Diagnostics.InotifyMetrics.Closed(this); // metrics
        _kernel.Dispose();
    }

    /// <summary>Absolute, without a trailing slash (but "/" stays "/").</summary>
    internal static string NormalizePath(string path) => PathText.Normalize(path);

    /// <summary>The watch for an event's wd, including one removed whose IN_IGNORED has not been processed yet.</summary>
    internal Watch? WatchForEvent(int wd)
    {
        // Once per event, on the notifier's thread; the index is written only under the lock. A hit read without it
        // is right (a slot holds a whole watch or null, and a wd's watch is the only one with that wd); a miss may be
        // a writer halfway through shifting slots, so it is asked again under the lock. The lock per event was 2% of
        // a streamed event's CPU.
        if (_table.ForEvent(wd) is { } found)
            return found;
        lock (_gate)
            return _table.ForEvent(wd);
    }

    /// <summary>Forgets a watch for good (after its IN_IGNORED).</summary>
    internal void Forget(Watch w)
    {
        lock (_gate)
            _table.Forget(w);
    }

    /// <summary>Whether <paramref name="wd"/> belonged to a watch forgotten recently (a late event for it is expected).</summary>
    internal bool IsRetired(int wd)
    {
        lock (_gate)
            return _table.IsRetired(wd);
    }

    /// <summary>
    /// Watches the directory of <paramref name="filename"/> for events on that one name (pyinotify's
    /// <c>watch_transient_file</c>), so a file that is created and deleted over and over, such as a pid file, is
    /// followed through every incarnation. IN_CREATE and IN_DELETE are always asked for. Returns the directory's wd.
    /// It composes with the directory's other watches: a tree that holds the directory keeps its events there, and
    /// several transient files of one directory share its wd, each with its own mask and handler. Watching the same
    /// file again replaces its mask and handler. A handler gets each event once, even when several of these watches
    /// want it.
    /// </summary>
    /// <param name="filename">The file; it need not exist yet, but its directory must.</param>
    /// <param name="mask">The events; <see cref="EventMask.None"/> means the events <paramref name="handler"/> handles.</param>
    /// <param name="handler">The handler for the file's events, instead of the notifier's default.</param>
    public IReadOnlyDictionary<string, int> WatchTransientFile(string filename, EventMask mask = EventMask.None, ProcessEvent? handler = null)
    {
        ArgumentNullException.ThrowIfNull(filename);
        ThrowIfClosed();
        var full = NormalizePath(filename);
        var dir = PathText.Parent(full);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (dir is null)
            return result;
        var file = new TransientFile(FileNames.Encode(full[(dir.Length == 1 ? 1 : dir.Length + 1)..]),
            ResolveMask(mask, handler) | EventMask.Create | EventMask.Delete, handler);
        try
        {
            lock (_gate)
            {
                ThrowIfClosed();
                // IN_MASK_ADD: the kernel has one watch per inode, and the directory's other watches keep their events.
                var wd = _kernel.Add(dir, file.Mask | EventMask.MaskAdd);
                if (wd < 0)
                    throw InotifyErrors.ForWatch(-wd, dir);
                var w = _table.Live(wd);
                if (w is null)
                {
                    w = new Watch(wd, WatchSettings.None, isDir: true);
                    if (_table.Add(w, dir) is { } stale)
                        RemoveFromKernel([stale]);
                    Log.WatchAdded(Logger, wd, dir);
                }
                w.Settings = w.Settings with { TransientFiles = [.. (w.TransientFiles ?? []).Where(f => !f.Name.AsSpan().SequenceEqual(file.Name)), file] };
                result[dir] = wd;
            }
        }
        catch (InotifyException e)
        {
            result[dir] = WatchFailed;
            Log.WatchFailed(Logger, e.Message);
        }
        return result;
    }

    /// <summary>
    /// Adds or refreshes one watch; throws <see cref="InotifyException"/> with a message that names the fix.
    /// <paramref name="withheld"/>: events not asked of the kernel yet (<see cref="Widen"/> asks for them later).
    /// </summary>
    internal Watch Add(string path, WatchSettings settings, bool tracked, out bool created, EventMask kernelOnly = EventMask.None, bool? isDir = null,
        EventMask withheld = EventMask.None) =>
        Add(path, settings, tracked, out created, out _, kernelOnly, isDir, deferMove: false, withheld);

    /// <summary>The events a directory's own listing causes on its watch and its parent's.</summary>
    internal const EventMask ListingEvents = EventMask.Open | EventMask.Access | EventMask.CloseNoWrite;

    /// <summary>
    /// What a recursive set-up withholds from each watch until its directory and sub-directories have been listed: the
    /// listing events, when the kernel would be asked for them at all (usually not: then there is nothing to widen).
    /// </summary>
    internal static EventMask SetUpReads(EventMask mask, bool autoAdd, bool tracked) => KernelMask(mask, autoAdd, tracked) & ListingEvents;

    /// <summary>
    /// Asks the kernel for everything <paramref name="w"/> wants, after a set-up watched it without
    /// <see cref="ListingEvents"/>, at the walk's <paramref name="path"/> while nothing above it moved since generation
    /// <paramref name="since"/>, or else where it is now. A watch that ended since is not widened.
    /// </summary>
    internal void Widen(Watch w, WalkPath path, EventMask kernelOnly, long since)
    {
        lock (_gate)
        {
            if (_kernel.IsClosed || w.State != WatchState.Live)
                return;
            var mask = KernelMask(w.Mask, w.AutoAdd, w.Tracked) | kernelOnly | w.TransientMask;
            var got = w.UnmovedSince(since) ? _kernel.Add(path.Terminated, mask) : _kernel.Add(w.Path, mask);
            // Another directory took the path since: that is not this watch, and not ours to watch.
            if (got > 0 && got != w.Wd && _table.Live(got) is null)
                _kernel.Remove(got);
        }
    }

    /// <summary>
    /// The settings AddWatch gives the watches of one call with <paramref name="options"/>: made once per set-up and
    /// shared by all its watches (and, through autoAdd, by the directories added later). Throws on a bad mask.
    /// </summary>
    internal WatchSettings SettingsOf(WatchOptions options) =>
        new(ResolveMask(options.Mask, options.Handler), options.Handler, options.AutoAdd, options.ExcludeFilter ?? ExcludeFilter, options.WatchFailed);

    /// <summary>
    /// Watches the sub-directory a set-up walk is at (<see cref="TreeSetUp"/>) with the set-up's <paramref name="settings"/>:
    /// no stat, IN_ONLYDIR, and <paramref name="withheld"/> left out until <see cref="Widen"/>. Found in the table by
    /// <paramref name="parent"/>, the watch of the directory the walk listed, while nothing above it moved since
    /// generation <paramref name="since"/> (the walk's start); by its path otherwise. Throws <see cref="InotifyException"/>.
    /// </summary>
    internal Watch AddWalked(Watch parent, WalkPath path, WatchSettings settings, bool tracked, EventMask withheld, long since) =>
        Add(new Place(parent, path, since), settings, tracked, out _, out _, EventMask.OnlyDir, isDir: true, deferMove: false, withheld);

    /// <summary><see cref="AddWalked(Watch, WalkPath, WatchSettings, bool, EventMask, long)"/> by path: below a directory the set-up did not watch.</summary>
    internal Watch AddWalked(string path, WatchSettings settings, bool tracked, EventMask withheld) =>
        Add(path, settings, tracked, out _, EventMask.OnlyDir, isDir: true, withheld);

    /// <summary>
    /// <see cref="Add(string, WatchSettings, bool, out bool, EventMask, bool?, EventMask)"/>, also telling
    /// where the watch was when the kernel gave back the wd of a watch known at another path: the directory moved
    /// without our seeing it yet, and its sub-watches moved with it. With <paramref name="deferMove"/> the table is
    /// left as it is: the caller moves it once the queued events of that past have been read against the old paths.
    /// </summary>
    private Watch Add(string path, WatchSettings settings, bool tracked, out bool created, out string? movedFrom, EventMask kernelOnly, bool? isDir,
        bool deferMove, EventMask withheld = EventMask.None) =>
        Add(new Place(path), settings, tracked, out created, out movedFrom, kernelOnly, isDir, deferMove, withheld);

    /// <summary>
    /// Where a watch goes: a path, or the directory a walk is at (<see cref="WalkPath"/>) below <see cref="Parent"/>,
    /// the watch of the directory it listed: found in the table by that watch and the name's bytes, added to the
    /// kernel with the path's bytes, so a set-up makes no path string per directory.
    /// </summary>
    private readonly ref struct Place
    {
        public Place(string path) => Path = path;

        public Place(Watch parent, WalkPath walked, long since)
        {
            Parent = parent;
            Walked = walked;
            Since = since;
        }

        public string? Path { get; }
        public Watch? Parent { get; }
        public WalkPath? Walked { get; }
        public long Since { get; }

        /// <summary>The walk's parent watch, while it still is the directory at the walk's path (live, and nothing above it moved).</summary>
        public Watch? ParentStill => Parent is { State: WatchState.Live } p && p.UnmovedSince(Since) ? p : null;

        /// <summary>The path as text: for messages, and the rare bookkeeping that needs it.</summary>
        public string Text => Path ?? Walked!.ToString();
    }

    private Watch Add(in Place place, WatchSettings settings, bool tracked, out bool created, out string? movedFrom, EventMask kernelOnly, bool? isDir,
        bool deferMove, EventMask withheld = EventMask.None)
    {
        movedFrom = null;
        lock (_gate)
        {
            ThrowIfClosed();
            // A tree stays tracked when one of its directories is watched again without recursive/autoAdd.
            var spot = place.ParentStill is { } parent ? _table.LocateChild(parent, place.Walked!.Name) : _table.Locate(place.Text);
            var holder = spot.Live;
            if (holder is { Tracked: true })
                tracked = true;
            var kernelMask = KernelMask(settings.Mask, settings.AutoAdd, tracked) | (holder?.TransientMask ?? EventMask.None);
            if (withheld != EventMask.None)
            {
                kernelMask &= ~withheld;
                // The kernel refuses a mask without events; the dispatcher never shows this one to a handler that did not ask.
                if ((kernelMask & EventMask.AllEvents) == 0)
                    kernelMask |= EventMask.DeleteSelf;
            }
            var wd = place.Walked is { } walked ? _kernel.Add(walked.Terminated, kernelMask | kernelOnly) : _kernel.Add(place.Path!, kernelMask | kernelOnly);
            if (wd < 0)
                throw InotifyErrors.ForWatch(-wd, place.Text);
            created = false;
            if (_table.Live(wd) is { } existing)
            {
                // Same inode watched again (pyinotify replaces the settings and keeps the wd). Another place
                // means the directory moved without our seeing it: its sub-watches moved with it.
                if (!ReferenceEquals(spot.Node, existing))
                {
                    movedFrom = existing.Path;
                    if (!deferMove)
                        RemoveFromKernel(_table.Move(existing.Path, place.Text));
                }
                existing.Settings = existing.TransientFiles is { } transient ? settings with { TransientFiles = transient } : settings;
                existing.Tracked = tracked;
                return existing;
            }
            var w = new Watch(wd, settings, isDir ?? FileSystem.IsDirectory(place.Path!, followLinks: true)) { Tracked = tracked };
            if (_table.Add(w, spot) is { } stale)
                RemoveFromKernel([stale]);
            created = true;
            if (Logger.IsEnabled(LogLevel.Debug))
                Log.WatchAdded(Logger, wd, place.Text);
            return w;
        }
    }

    /// <summary>
    /// Watches a directory found by the tree bookkeeping with the settings of <paramref name="like"/>. Returns null
    /// when it is already gone or is no longer a directory (it raced with a delete or a move); logs other failures
    /// and tells the tree's <see cref="WatchOptions.WatchFailed"/>.
    /// <paramref name="movedFrom"/> is where an existing watch of the same directory is (see Add); with
    /// <paramref name="deferMove"/> it stays there until the caller moves it.
    /// </summary>
    internal Watch? AddLike(string path, Watch like, out bool created, out string? movedFrom, bool deferMove = false)
    {
        created = false;
        movedFrom = null;
        try
        {
            return Add(path, like.Settings.ForChild, tracked: true, out created, out movedFrom, EventMask.OnlyDir, isDir: true, deferMove);
        }
        catch (InotifyException e) when (e.Errno is Libc.ENOENT or Libc.ENOTDIR)
        {
            return null;
        }
        catch (InotifyException e)
        {
            // The tree's own callback takes the failure to the user; without one, the log is all there is.
            if (like.WatchFailed is { } report)
            {
                Log.WatchFailedReported(Logger, e.Message);
                report(WatchResult.Failed(path, e));
            }
            else
                Log.WatchFailed(Logger, e.Message);
            return null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>The live watch on exactly <paramref name="path"/>, or null.</summary>
    internal Watch? WatchAt(string path)
    {
        lock (_gate)
            return _table.At(path);
    }

    /// <summary>Rewrites the path of the watch on <paramref name="oldPath"/> and of every watch below it.</summary>
    internal void RenameTree(string oldPath, string newPath)
    {
        lock (_gate)
            RemoveFromKernel(_table.Move(oldPath, newPath));
    }

    /// <summary>
    /// Removes a watch for the tree bookkeeping: the kernel watch goes, and its remaining events (IN_IGNORED
    /// included) are dropped, because its path is no longer true.
    /// </summary>
    internal void Detach(Watch w)
    {
        lock (_gate)
        {
            if (w.IsRemoved)
                return;
            _table.End(w, WatchState.Detached);
            RemoveFromKernel([w]);
        }
    }

    /// <summary>
    /// Detaches the watch on <paramref name="path"/> (when <paramref name="includeSelf"/>) and every watch below it,
    /// except the sub-trees whose top <paramref name="keep"/> says stay in the tree.
    /// </summary>
    internal void DetachTree(string path, bool includeSelf, Func<Watch, bool>? keep = null)
    {
        lock (_gate)
        {
            var top = _table.At(path);
            var doomed = _table.Under(path, keep);
            // Deepest first: a watch that ends with no watch below it just leaves the tree.
            for (var i = doomed.Count - 1; i >= 0; i--)
                if (includeSelf || !ReferenceEquals(doomed[i], top))
                    Detach(doomed[i]);
        }
    }

    /// <summary>The tops of the tracked trees: live tracked directory watches whose parent is not one.</summary>
    internal List<Watch> TrackedRoots()
    {
        lock (_gate)
            return _table.LiveWatches.FindAll(w => w.Tracked && w.IsDir && w.Parent is not { State: WatchState.Live, Tracked: true, IsDir: true });
    }

    /// <summary>
    /// Live watches at or below <paramref name="path"/>, parents before children, leaving out those for which
    /// <paramref name="prune"/> says true and everything below them.
    /// </summary>
    internal List<Watch> WatchesUnder(string path, Func<Watch, bool>? prune = null)
    {
        lock (_gate)
            return _table.Under(path, prune);
    }

    /// <summary>
    /// The kernel side of detaching: failure means the kernel dropped the watch already. Either way its IN_IGNORED
    /// is still queued, and the watch stays known (and silent) until then, so its last events are not "unknown".
    /// </summary>
    private void RemoveFromKernel(IEnumerable<Watch> detached)
    {
        if (_kernel.IsClosed)
            return;
        foreach (var w in detached)
            _kernel.Remove(w.Wd);
    }

    /// <summary>
    /// What a tracked tree needs from the kernel beyond the user's events: creations to watch new directories,
    /// deletions and moves to keep the set of synthesised names and every path right.
    /// </summary>
    internal const EventMask TreeEvents = EventMask.Create | EventMask.Delete | EventMask.MovedFrom | EventMask.MovedTo
        | EventMask.MoveSelf | EventMask.DeleteSelf;

    /// <summary>
    /// The events the kernel is asked for. Handlers still receive only <see cref="Watch.Mask"/>'s events (plus
    /// IN_IGNORED, IN_UNMOUNT and IN_Q_OVERFLOW, which the kernel always sends). IN_FILE_COMPLETE is InotifyGen's
    /// own: the kernel is asked for the closes and arrivals it is made of instead.
    /// </summary>
    internal static EventMask KernelMask(EventMask mask, bool autoAdd, bool tracked)
    {
        if ((mask & EventMask.FileComplete) != 0)
            mask = (mask & ~EventMask.FileComplete) | EventMask.CloseWrite | EventMask.MovedTo;
        return tracked || autoAdd ? mask | TreeEvents : mask;
    }

    private EventMask ResolveMask(EventMask mask, ProcessEvent? handler)
    {
        if ((mask & EventTable.AllDispatchable) != 0)
            return mask;
        var source = handler ?? DefaultHandler;
        var handled = source?.HandledMask ?? EventMask.AllEvents;
        if ((handled & EventTable.UserEvents) == 0)
            throw new ArgumentException(
                $"no mask was given and {source!.GetType().Name} handles no event a watch can ask for; pass a mask to AddWatch",
                nameof(mask));
        return mask | (handled & EventTable.UserEvents);
    }

    private Watch LiveWatch(int wd) =>
        _table.Live(wd) ?? throw new InotifyException(Libc.EINVAL, null, $"no watch has descriptor {wd}; use a wd returned by AddWatch (or GetWd)");

    private IEnumerable<int> Expand(IEnumerable<int> wds, bool recursive)
    {
        if (!recursive)
            return wds;
        var all = new List<int>();
        foreach (var wd in wds)
        {
            var path = GetPath(wd);
            if (path is null)
                all.Add(wd); // reported as a failure by the caller
            else
                all.AddRange(WatchesUnder(path).Select(w => w.Wd));
        }
        return all.Distinct();
    }

    private void ThrowIfClosed()
    {
        if (_kernel.IsClosed)
            throw new ObjectDisposedException(nameof(WatchManager), "this WatchManager was disposed (or its notifier stopped); create a new one");
    }
}
