namespace InotifyGen;

/// <summary>
/// What a recursive set-up tells its caller about each directory below the top: AddWatch builds its answer from it,
/// the CLI its progress and warnings.
/// </summary>
internal interface ITreeSetUpReport
{
    /// <summary>Whether the sub-directory at <paramref name="path"/> is left out with all below it (the CLI's --exclude).</summary>
    bool Prunes(WalkPath path) => false;

    /// <summary>Whether the directory at <paramref name="path"/> is left unwatched, though the walk goes on below it (pyinotify's exclude_filter).</summary>
    bool Excludes(WalkPath path) => false;

    /// <summary>A directory was watched.</summary>
    void Added(Watch watch);

    /// <summary>
    /// The directory at <paramref name="path"/> could not be watched (<paramref name="gone"/>: it was deleted or
    /// replaced since its listing). Returns whether to walk on below it; throws to end the set-up.
    /// </summary>
    bool Failed(string path, InotifyException error, bool gone);
}

/// <summary>
/// The set-up of a recursive watch, a visitor of the one walk (<see cref="DirectoryWalk"/>): every directory below a
/// top already watched is watched just before it is listed, found by the watch of the directory that listed it and
/// its name's bytes (one probe of the table, no path string), with IN_ONLYDIR and no stat, and without the listing
/// events, which each watch is given (widened) once it and its sub-directories were listed. AddWatch's recursive
/// set-up and the CLI's are this one.
/// </summary>
internal sealed class TreeSetUp(WatchManager manager, WatchSettings settings, bool tracked, EventMask withheld, ITreeSetUpReport report)
    : IDirectoryVisitor<Watch>
{
    /// <summary>What an unwatched directory is walked with (its own sub-directories are found by their paths).</summary>
    private static readonly Watch Unwatched = Watch.Intermediate();

    // Paths the walk builds are the table's while no node above them moved after this.
    private readonly long _since = Watch.Generation;
    private Watch? _top;
    private EventMask _topKernelOnly;
    private bool _begun;

    public bool DirectoriesOnly => true;

    public bool WantsFinished => withheld != EventMask.None;

    /// <summary>
    /// Walks below <paramref name="top"/> (null: the top itself was not watched, and the walk goes on below it),
    /// watched at <paramref name="path"/> with <paramref name="topKernelOnly"/> (widened with it).
    /// </summary>
    public void Run(string path, Watch? top, EventMask topKernelOnly)
    {
        _top = top ?? Unwatched;
        _topKernelOnly = topKernelOnly;
        DirectoryWalk.Walk(manager.FileSystem, path, _top, this);
    }

    public Watch? Visit(Watch parent, WalkPath path)
    {
        if (!_begun)
        {
            _begun = true;
            return parent; // the top, watched by the caller
        }
        if (report.Excludes(path))
            return Unwatched;
        try
        {
            var w = ReferenceEquals(parent, Unwatched)
                ? manager.AddWalked(path.ToString(), settings, tracked, withheld)
                : manager.AddWalked(parent, path, settings, tracked, withheld, _since);
            report.Added(w);
            return w;
        }
        catch (InotifyException e)
        {
            return report.Failed(path.ToString(), e, IsGone(e)) ? Unwatched : null;
        }
    }

    /// <summary>Whether a walked directory could not be watched because it was deleted or replaced since its listing.</summary>
    public static bool IsGone(InotifyException e) => e.Errno is Interop.Libc.ENOENT or Interop.Libc.ENOTDIR;

    // The value is the directory whose watch the sub-directory goes under; it is watched when visited.
    public Watch? Enter(Watch dir, WalkPath path, ListedEntry entry) =>
        entry.IsDirectory && !report.Prunes(path) ? dir : null;

    public void Finished(Watch dir, WalkPath path)
    {
        if (!ReferenceEquals(dir, Unwatched))
            manager.Widen(dir, path, ReferenceEquals(dir, _top) ? _topKernelOnly | EventMask.OnlyDir : EventMask.OnlyDir, _since);
    }
}
