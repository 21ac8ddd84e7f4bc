using System.Diagnostics;

namespace InotifyGen.Cli;

/// <summary>
/// Adds the watches the command line asks for, one directory at a time so that a large recursive set-up can show
/// progress, and turns kernel refusals into one clear line (<see cref="RuntimeFailureException"/>). A directory that
/// cannot be watched (permission denied, or the watch limit reached later, under -a) is named on stderr and skipped.
/// </summary>
internal sealed class WatchSetup(WatchManager wm, CliOptions o, PathFilter filter, TextWriter status, bool statusIsTerminal)
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
    /// Watches <paramref name="top"/> and every directory below it with the library's walk (<see cref="DirectoryWalk"/>),
    /// which watches each directory just before listing it, without the events a listing causes when the mask has any
    /// (each watch is widened once its directory and their sub-directories are listed), so the set-up reports no events
    /// of its own. Excluded directories are not walked, and one that cannot be watched is skipped with what is below it.
    /// </summary>
    private void AddTree(string top, bool topIsWatched = false)
    {
        // One settings object for every watch of the tree, as AddWatch's own walk shares one.
        var tree = new WalkedTree(wm.SettingsOf(_watch), _watch.Recursive || _watch.AutoAdd);
        var withheld = WatchManager.SetUpReads(tree.Settings.Mask, tree.Settings.AutoAdd, tree.Tracked);
        DirectoryWalk.Run(LinuxFileSystem.Instance, top,
            dir => dir != top ? AddOne(dir, tree, withheld) : AddTreeTop(top, topIsWatched, tree, withheld),
            filter.ExcludesAny ? filter.ExcludesDirectory : null,
            finished: withheld == EventMask.None ? null : dir => wm.Widen(dir, EventMask.OnlyDir));
    }

    /// <summary>What every directory of one walked tree is watched with.</summary>
    private readonly record struct WalkedTree(WatchSettings Settings, bool Tracked);

    /// <summary>The top of a tree, watched (narrowed, when the set-up withholds the listing events) before it is listed.</summary>
    private bool AddTreeTop(string top, bool topIsWatched, WalkedTree tree, EventMask withheld)
    {
        if (!topIsWatched && AddTop(top).Count == 0)
            return false; // an excluded top is not walked
        if (withheld != EventMask.None)
            AddOne(top, tree, withheld, count: false);
        return true;
    }

    /// <summary>
    /// A directory, or a symbolic link to one (stat, with the path's exact bytes): a link given as a path is walked
    /// under its own name, as inotifywait does; the walk follows no link below it.
    /// </summary>
    private static bool IsDirectory(string path) => LinuxFileSystem.Instance.IsDirectory(path, followLinks: true);

    /// <summary>One directory of the walk: no stat (the walk found a directory), the listing events withheld.</summary>
    private bool AddOne(string path, WalkedTree tree, EventMask withheld, bool count = true)
    {
        try
        {
            wm.AddWalked(path, tree.Settings, tree.Tracked, withheld);
            if (count)
                Count();
            return true;
        }
        catch (InotifyException e) when (e.Errno is 2 or 20) // ENOENT, ENOTDIR: removed or replaced meanwhile
        {
            if (o.Verbose)
                status.WriteLine($"inotifygen: skipped: {e.Message}");
            return false;
        }
        catch (InotifyException e) when (e.Errno is 13) // EACCES: said without -v, since that directory goes unwatched
        {
            if (_progressShown)
                status.Write("\r\e[K");
            NotWatched(status, e.Message);
            return false;
        }
        catch (InotifyException e)
        {
            if (_progressShown)
                status.Write("\r\e[K");
            throw new RuntimeFailureException(e.Message); // the watch limit, and anything else unexpected
        }
    }

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
