namespace InotifyGen;

/// <summary>
/// The watches of one inotify instance as pure data, no system calls: by wd (every watch whose IN_IGNORED is still
/// to come), by path (live watches only, in ordinal order so that "every watch under X" is a range, not a scan), and
/// the wds forgotten recently. Each watch's life is its <see cref="WatchState"/>, changed only here. Not thread-safe:
/// <see cref="WatchManager"/> holds its lock around every call.
/// </summary>
internal sealed class WatchTable
{
    private readonly Dictionary<int, Watch> _byWd = new();
    private readonly Dictionary<string, Watch> _byPath = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _paths = new(StringComparer.Ordinal);
    // Recently forgotten wds: the kernel can queue an event for a watch just after its IN_IGNORED (the event was
    // in flight on another CPU), and such a straggler is expected, not "unknown". Bounded, oldest out first.
    private readonly Queue<int> _retiredOrder = new();
    private readonly HashSet<int> _retired = new();
    private const int RetiredCapacity = 4096;

    /// <summary>The watch an event with this wd belongs to, whatever its state short of forgotten.</summary>
    public Watch? ForEvent(int wd) => _byWd.GetValueOrDefault(wd);

    /// <summary>The live watch with this wd.</summary>
    public Watch? Live(int wd) => _byWd.TryGetValue(wd, out var w) && w.State == WatchState.Live ? w : null;

    /// <summary>The live watch on exactly this path.</summary>
    public Watch? At(string path) => _byPath.GetValueOrDefault(path);

    /// <summary>Every live watch.</summary>
    public IEnumerable<Watch> LiveWatches => _byPath.Values;

    public int LiveCount => _byPath.Count;

    /// <summary>Whether <paramref name="wd"/> belonged to a watch forgotten recently (a late event for it is expected).</summary>
    public bool IsRetired(int wd) => _retired.Contains(wd);

    /// <summary>Live watches at or below <paramref name="path"/>, parents before children.</summary>
    public List<Watch> Under(string path)
    {
        var found = new List<Watch>();
        if (path == "/")
        {
            found.AddRange(_paths.Select(p => _byPath[p]));
            return found;
        }
        if (_byPath.TryGetValue(path, out var self))
            found.Add(self);
        // In ordinal order the paths below "/a" are exactly those from "/a/" up to, not including, "/a0" ('/' + 1).
        foreach (var p in _paths.GetViewBetween(path + "/", path + "0"))
            if (p.Length > path.Length && p[path.Length] == '/')
                found.Add(_byPath[p]);
        return found;
    }

    /// <summary>
    /// Adds a new live watch as the holder of its path. Returns the live watch it displaced there, if any: that one's
    /// directory was replaced or moved without our seeing it, and the caller detaches it.
    /// </summary>
    public Watch? Add(Watch w)
    {
        w.State = WatchState.Live;
        _byWd[w.Wd] = w;
        _retired.Remove(w.Wd);
        return Claim(w);
    }

    /// <summary>
    /// Rewrites the path of the watch on <paramref name="oldPath"/> and of every watch below it. Returns the live
    /// watches the moved ones displaced at their new paths (the caller detaches them).
    /// </summary>
    public List<Watch> Move(string oldPath, string newPath)
    {
        var moved = Under(oldPath);
        foreach (var w in moved)
            Unindex(w);
        var displaced = new List<Watch>();
        foreach (var w in moved)
        {
            w.Path = PathText.Rebase(w.Path, oldPath, newPath);
            if (Claim(w) is { } stale)
                displaced.Add(stale);
        }
        return displaced;
    }

    /// <summary>Live to Removed (by the user) or Detached (by the tree bookkeeping): the path is free; events until IN_IGNORED still map to it.</summary>
    public void End(Watch w, WatchState state)
    {
        if (w.State != WatchState.Live)
            return;
        w.State = state;
        Unindex(w);
    }

    /// <summary>Forgets a watch for good (after its IN_IGNORED, or when the kernel says it is gone).</summary>
    public void Forget(Watch w)
    {
        if (w.State == WatchState.Forgotten)
            return;
        End(w, WatchState.Removed);
        w.State = WatchState.Forgotten;
        if (_byWd.TryGetValue(w.Wd, out var current) && ReferenceEquals(current, w))
            _byWd.Remove(w.Wd);
        if (_retired.Add(w.Wd))
        {
            _retiredOrder.Enqueue(w.Wd);
            if (_retiredOrder.Count > RetiredCapacity)
                _retired.Remove(_retiredOrder.Dequeue());
        }
    }

    public void Clear()
    {
        foreach (var w in _byWd.Values)
            w.State = WatchState.Forgotten;
        _byWd.Clear();
        _byPath.Clear();
        _paths.Clear();
    }

    private Watch? Claim(Watch w)
    {
        Watch? stale = null;
        if (_byPath.TryGetValue(w.Path, out var holder) && !ReferenceEquals(holder, w))
        {
            End(holder, WatchState.Detached);
            stale = holder;
        }
        _byPath[w.Path] = w;
        _paths.Add(w.Path);
        return stale;
    }

    private void Unindex(Watch w)
    {
        if (_byPath.TryGetValue(w.Path, out var current) && ReferenceEquals(current, w))
        {
            _byPath.Remove(w.Path);
            _paths.Remove(w.Path);
        }
    }
}
