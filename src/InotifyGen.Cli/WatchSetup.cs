using System.Diagnostics;

namespace InotifyGen.Cli;

/// <summary>
/// Adds the watches the command line asks for, one directory at a time so that a large recursive set-up can show
/// progress, and turns kernel refusals into one clear line (<see cref="RuntimeFailureException"/>).
/// </summary>
internal sealed class WatchSetup(WatchManager wm, CliOptions o, PathFilter filter, TextWriter status, bool statusIsTerminal)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);
    private readonly ExcludeFilter? _excludeFilter = filter.ToExcludeFilter();
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
            if (walk && !(o.Glob && given.AsSpan().IndexOfAny("*?[") >= 0) && IsRealDirectory(given))
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
        IReadOnlyDictionary<string, int> added;
        try
        {
            added = wm.AddWatch(given, o.Mask, recursive: o.Recursive && wm.Backend == WatchBackend.Fanotify, autoAdd: o.AutoAdd,
                doGlob: o.Glob, quiet: false, excludeFilter: _excludeFilter);
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
        foreach (var (path, wd) in added)
        {
            if (wd == WatchManager.WatchExcluded)
            {
                status.WriteLine($"inotifygen: '{path}' is excluded (--exclude or --fromfile @path): not watched");
                continue;
            }
            Count();
            if (IsRealDirectory(path))
                tops.Add(path);
        }
        return tops;
    }

    /// <summary>
    /// Watches <paramref name="top"/> and every directory below it with the library's walk (<see cref="DirectoryWalk"/>),
    /// which lists each directory before it or its parent is watched, so the set-up reports no events of its own.
    /// Excluded directories are not walked, and one that cannot be watched is skipped with what is below it.
    /// </summary>
    private void AddTree(string top, bool topIsWatched = false) =>
        DirectoryWalk.Run(top,
            dir => dir != top ? AddOne(dir) : topIsWatched || AddTop(top).Count > 0, // an excluded top is not walked
            filter.ExcludesDirectory);

    /// <summary>A directory and not a link to one (lstat, with the path's exact bytes).</summary>
    private static bool IsRealDirectory(string path) => LinuxFileSystem.Instance.IsDirectory(path, followLinks: false);

    private bool AddOne(string path)
    {
        try
        {
            wm.AddWatch(path, o.Mask, autoAdd: o.AutoAdd, quiet: false, excludeFilter: _excludeFilter);
            Count();
            return true;
        }
        catch (InotifyException e) when (e.Errno is 2 or 13 or 20) // ENOENT, EACCES, ENOTDIR: removed or unreadable meanwhile
        {
            if (o.Verbose)
                status.WriteLine($"inotifygen: skipped: {e.Message}");
            return false;
        }
        catch (InotifyException e)
        {
            if (_progressShown)
                status.Write("\r\e[K");
            throw new RuntimeFailureException(e.Message); // the watch limit, and anything else unexpected
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
