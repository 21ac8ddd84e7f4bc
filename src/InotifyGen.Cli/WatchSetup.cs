using System.Diagnostics;

namespace InotifyGen.Cli;

/// <summary>
/// Adds the watches the command line asks for, one directory at a time so that a large recursive set-up can show
/// progress, and turns kernel refusals into one clear line (<see cref="RuntimeFailureException"/>). A directory that
/// cannot be watched (permission denied, or the watch limit reached later, under -a) is named on stderr and skipped.
/// </summary>
internal sealed class WatchSetup(WatchManager wm, CliOptions o, PathFilter filter, TextWriter status, bool statusIsTerminal) : ITreeSetUpReport
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);
    private readonly WatchOptions _watch = new()
    {
        Mask = o.Mask,
        AutoAdd = o.AutoAdd,
        Quiet = false,
        ExcludeFilter = filter.ToExcludeFilter(),
        // Directories -a finds later, on the notifier's thread (this one, in the loop).
        WatchFailed = failed => NotWatched(status, failed.Error!.Message),
    };
    private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
    private int _watched;
    private bool _progressShown;

    /// <summary>The number of watches added.</summary>
    public int Watched => _watched;

    public void Run()
    {
        if (!o.Quiet)
            status.WriteLine(o.Recursive ? "Setting up watches.  Beware: since -r was given, this may take a while!" : "Setting up watches.");
        // fanotify: one filesystem mark covers each tree, so there is no walk (and nothing to show progress for).
        var walk = o.Recursive && wm.Backend == WatchBackend.Inotify;
        foreach (var given in o.Paths)
        {
            if (walk && !(o.Glob && given.AsSpan().IndexOfAny("*?[") >= 0) && IsDirectory(given))
                AddTree(Path.GetFullPath(given));
            else
                foreach (var top in AddTop(given))
                    if (walk)
                        AddTree(top, topIsWatched: true);
        }
        if (_watched == 0)
            throw new RuntimeFailureException("nothing is watched: every path given was excluded; check --exclude and the @paths of --fromfile");
        if (!o.Quiet)
        {
            if (_progressShown)
                status.Write("\r\e[K");
            status.WriteLine("Watches established.");
        }
        status.Flush();
    }

    /// <summary>Watches one given path (every match, with -g) and returns the directories to descend into.</summary>
    private List<string> AddTop(string given)
    {
        IReadOnlyList<WatchResult> added;
        try
        {
            _watch.DoGlob = o.Glob;
            _watch.Recursive = o.Recursive && wm.Backend == WatchBackend.Fanotify; // one mark for the tree: no walk
            added = wm.AddWatch(given, _watch);
        }
        catch (InotifyException e)
        {
            throw new RuntimeFailureException(e.Message);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"cannot watch '{given}': {e.Message}");
        }
        if (added.Count == 0)
            throw new RuntimeFailureException(
                $"cannot watch '{given}': no file or directory matches this glob; check the pattern (or drop -g to watch a literal path)");
        var tops = new List<string>(added.Count);
        foreach (var r in added)
        {
            if (r.Status == WatchStatus.Excluded)
            {
                status.WriteLine($"inotifygen: '{r.Path}' is excluded (--exclude or --fromfile @path): not watched");
                continue;
            }
            Count();
            if (IsDirectory(r.Path))
                tops.Add(r.Path);
        }
        return tops;
    }

    /// <summary>
    /// Watches <paramref name="top"/> and every directory below it with the library's set-up walk (<see cref="TreeSetUp"/>),
    /// which watches each directory just before listing it, without the events a listing causes when the mask has any
    /// (each watch is widened once its directory and their sub-directories are listed), so the set-up reports no events
    /// of its own. Excluded directories are not walked, and one that cannot be watched is skipped with what is below it.
    /// </summary>
    private void AddTree(string top, bool topIsWatched = false)
    {
        // One settings object for every watch of the tree, as AddWatch's own walk shares one.
        var settings = wm.SettingsOf(_watch);
        var tracked = _watch.Recursive || _watch.AutoAdd;
        var withheld = WatchManager.SetUpReads(settings.Mask, settings.AutoAdd, tracked);
        if (!topIsWatched && AddTop(top).Count == 0)
            return; // an excluded top is not walked
        var watched = wm.WatchAt(top);
        if (withheld != EventMask.None)
        {
            // Narrowed, like every directory below, before it is listed.
            try
            {
                watched = wm.AddWalked(top, settings, tracked, withheld);
            }
            catch (InotifyException e)
            {
                ((ITreeSetUpReport)this).Failed(top, e, TreeSetUp.IsGone(e));
                return;
            }
        }
        if (watched is not null)
            new TreeSetUp(wm, settings, tracked, withheld, this).Run(top, watched, EventMask.None);
    }

    // What the CLI does with each directory of a walked tree: counts it, or says why it is not watched.
    bool ITreeSetUpReport.Prunes(WalkPath path) => filter.ExcludesAny && filter.ExcludesDirectory(path.ToString());

    void ITreeSetUpReport.Added(Watch watch) => Count();

    bool ITreeSetUpReport.Failed(string path, InotifyException error, bool gone)
    {
        if (gone) // ENOENT, ENOTDIR: removed or replaced meanwhile
        {
            if (o.Verbose)
                status.WriteLine($"inotifygen: skipped: {error.Message}");
            return false;
        }
        if (_progressShown)
            status.Write("\r\e[K");
        if (error.Errno is 13) // EACCES: said without -v, since that directory goes unwatched
        {
            NotWatched(status, error.Message);
            return false;
        }
        throw new RuntimeFailureException(error.Message); // the watch limit, and anything else unexpected
    }

    /// <summary>
    /// A directory, or a symbolic link to one (stat, with the path's exact bytes): a link given as a path is walked
    /// under its own name, as inotifywait does; the walk follows no link below it.
    /// </summary>
    private static bool IsDirectory(string path) => LinuxFileSystem.Instance.IsDirectory(path, followLinks: true);

    /// <summary>One line on stderr for a directory that stays unwatched while the rest is watched.</summary>
    private static void NotWatched(TextWriter status, string message)
    {
        lock (status)
        {
            status.WriteLine($"inotifygen: warning: not watched: {message}");
            status.Flush();
        }
    }

    private void Count()
    {
        _watched++;
        if (!statusIsTerminal || o.Quiet || (_progressShown && _sinceProgress.Elapsed < ProgressInterval))
            return;
        _sinceProgress.Restart();
        _progressShown = true;
        status.Write($"\rWatched directories: {_watched}");
        status.Flush();
    }
}
