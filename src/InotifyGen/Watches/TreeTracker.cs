using System.IO.Enumeration;
using System.Text;

namespace InotifyGen;

/// <summary>
/// The bookkeeping layer between the kernel's events and the handlers (pyinotify's <c>_SysProcessEvent</c>):
/// it watches new and moved-in directories and reports what they already hold, pairs moves and keeps every
/// watch path true, forgets watches after IN_IGNORED, and recovers from queue overflows. It runs on the
/// notifier's dispatch thread and sees events in kernel order; it never reorders them.
/// </summary>
internal sealed class TreeTracker
{
    private readonly Notifier _notifier;
    private readonly SyntheticNames _synthesised = new();
    private readonly Dictionary<uint, string> _moves = new(); // cookie -> source path of a paired IN_MOVED_FROM
    private long _settled;  // stream position: a MOVED_FROM before it whose partner is not read yet has none
    // Directories that could not be watched because a directory above them moves away later in the stream;
    // they are watched when that move is processed (their path is then known again).
    private readonly List<string> _missed = new();
    // After an overflow rescan: kernel events queued before the rescan ended describe a past the rescan has
    // already caught up with, so their paths may be newer than they were. They still update the bookkeeping,
    // but are not delivered: the per-tree EventsLost event stands for them.
    private long _lostUntil = -1;
    private bool _quiet;

    public TreeTracker(Notifier notifier) => _notifier = notifier;

    private WatchManager Manager => _notifier.WatchManager;

    /// <summary>
    /// Whether an event needs the bookkeeping. Everything else (the bulk: MODIFY, CLOSE_WRITE, ACCESS, and every
    /// event of a plain watch without a filter) takes the notifier's allocation-free path.
    /// </summary>
    public static bool NeedsBookkeeping(Watch watch, EventMask mask) =>
        (mask & (EventMask.MovedFrom | EventMask.MovedTo | EventMask.MoveSelf | EventMask.Ignored)) != 0
        || (watch.Tracked && (mask & (EventMask.Create | EventMask.Delete)) != 0)
        || watch.Silent || watch.NameFilter is not null || watch.ExcludeFilter is not null;

    public void Process(Watch w, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        if (w.Silent)
        {
            if ((mask & EventMask.Ignored) != 0)
                Manager.Forget(w);
            return;
        }
        switch (mask & ~EventMask.IsDir)
        {
            case EventMask.Create:
                OnCreate(w, mask, name);
                break;
            case EventMask.Delete:
                if (w.Tracked)
                    _synthesised.Remove(w.Wd, name);
                if (_missed.Count > 0 && (mask & EventMask.IsDir) != 0)
                    TakeMissed(EventText.JoinPath(w.Path, Encoding.UTF8.GetString(name)));
                Deliver(w, mask, 0, name, null);
                break;
            case EventMask.MovedFrom:
                OnMovedFrom(w, mask, cookie, name);
                break;
            case EventMask.MovedTo:
                OnMovedTo(w, mask, cookie, name);
                break;
            case EventMask.MoveSelf:
                OnMoveSelf(w, mask);
                break;
            case EventMask.Ignored:
                Deliver(w, mask, 0, name, null);
                Manager.Forget(w);
                break;
            default:
                Deliver(w, mask, cookie, name, null);
                break;
        }
    }

    public void OnOverflow(int wd, EventMask mask)
    {
        Log.QueueOverflowLost(_notifier.Logger, InotifyLimitsSafe(), _notifier.RescanOnOverflow);
        _notifier.Deliver(null, new InotifyEvent(wd, mask, 0, default, null));
        // What was pending refers to events that may be gone: start clean.
        _moves.Clear();
        _synthesised.Clear();
        _missed.Clear();
        if (_notifier.RescanOnOverflow)
            Rescan();
    }

    public void ExpireSynthesised(long position) => _synthesised.Expire(position);

    /// <summary>Whether the event that ends at stream <paramref name="position"/> lies in a window a rescan superseded.</summary>
    public bool IsSuperseded(long position) => position <= _lostUntil;

    /// <summary>Runs the bookkeeping for a superseded event without delivering it.</summary>
    public void ProcessSuperseded(Watch w, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        _quiet = true;
        try { Process(w, mask, cookie, name); }
        finally { _quiet = false; }
    }

    private void OnCreate(Watch w, EventMask mask, ReadOnlySpan<byte> name)
    {
        // The kernel's own IN_CREATE for an entry a listing already reported: drop it.
        if (w.Tracked && _synthesised.Remove(w.Wd, name))
            return;
        Deliver(w, mask, 0, name, null);
        if ((mask & EventMask.IsDir) != 0 && w.AutoAdd && !w.IsRemoved)
            WatchNewDirectory(w, EventText.JoinPath(w.Path, Encoding.UTF8.GetString(name)));
    }

    private void OnMovedFrom(Watch w, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        var nameText = Encoding.UTF8.GetString(name);
        var path = EventText.JoinPath(w.Path, nameText);
        var isDir = (mask & EventMask.IsDir) != 0;
        if (w.Tracked)
            _synthesised.Remove(w.Wd, name);
        var dirWatch = isDir ? Manager.WatchAt(path) : null;
        if (FindMoveTo(cookie, dirWatch?.Wd ?? 0))
        {
            _moves[cookie] = path;
            Deliver(w, mask, cookie, name, nameText);
            return;
        }
        Deliver(w, mask, cookie, name, nameText, flags: EventFlags.MovedOut);
        // Gone from the tree: its watches would only report paths that are no longer true.
        if (isDir && w.Tracked)
            Manager.DetachTree(path, includeSelf: true);
        if (isDir && _missed.Count > 0)
            TakeMissed(path);
    }

    private void OnMovedTo(Watch w, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        var nameText = Encoding.UTF8.GetString(name);
        var path = EventText.JoinPath(w.Path, nameText);
        _moves.Remove(cookie, out var source);
        var listed = w.Tracked && _synthesised.Remove(w.Wd, name);
        if ((mask & EventMask.IsDir) == 0)
        {
            Deliver(w, mask, cookie, name, nameText, source);
            return;
        }
        var moved = source is null ? null : Manager.WatchAt(source);
        if (moved is not null)
        {
            if (w.Tracked && w.ExcludeFilter?.IsExcluded(path) == true)
                Manager.DetachTree(source!, includeSelf: true);
            else
            {
                Manager.RenameTree(source!, path);
                moved.ExpectMoveSelf = true;
            }
        }
        var missed = source is not null && _missed.Count > 0 ? TakeMissed(source) : null;
        Deliver(w, mask, cookie, name, nameText, source);
        // Directories below it that could not be watched while it was on its way: their path is known now.
        if (moved is not null && missed is not null)
            foreach (var m in missed)
                if (Manager.WatchAt(System.IO.Path.GetDirectoryName(path + m[source!.Length..])!) is { AutoAdd: true } parent)
                    WatchNewDirectory(parent, path + m[source.Length..]);
        // Moved in from outside the tree (or from a part of it not watched): watched and reported as if created.
        if (moved is null && !listed && w.AutoAdd && !w.IsRemoved)
            WatchNewDirectory(w, path);
    }

    private void OnMoveSelf(Watch w, EventMask mask)
    {
        // Its move was paired inside the tree and the paths are already the new ones. A directory under a tracked
        // parent always had its move seen by that parent (moved out, it would be silent by now), even when a
        // listing found it at its new place before the move's own events were processed.
        if (w.ExpectMoveSelf || UnderTrackedParent(w))
        {
            w.ExpectMoveSelf = false;
            Deliver(w, mask, 0, default, null);
            return;
        }
        // Moved somewhere no watch saw (a watched top directory moved away): the new place is unknown.
        Deliver(w, mask, 0, default, null);
        if (w.IsRemoved)
            return;
        if (w.Tracked)
            Manager.DetachTree(w.Path, includeSelf: false);
        Manager.RenameTree(w.Path, w.Path + "-unknown-path"); // pyinotify's marker for a path it lost
    }

    private static bool IsAtOrBelow(string path, string top) =>
        path.StartsWith(top, StringComparison.Ordinal) && (path.Length == top.Length || path[top.Length] == '/');

    private bool UnderTrackedParent(Watch w) =>
        w.Tracked && System.IO.Path.GetDirectoryName(w.Path) is { } parent && Manager.WatchAt(parent) is { Tracked: true };

    /// <summary>
    /// Watch first, then list: an entry created after the watch exists is reported by the kernel, one created
    /// before is found by the listing, and one in both is reported once (<see cref="SyntheticNames"/>).
    /// </summary>
    private void WatchNewDirectory(Watch parent, string path)
    {
        if (parent.ExcludeFilter?.IsExcluded(path) == true)
            return;
        var child = Manager.AddLike(path, parent, out var created);
        if (child is null)
        {
            if (RemovedLater(path))
                _missed.Add(path);
            return;
        }
        if (created) // else it was watched already, so its content was reported all along
            ReportContent(child);
    }

    /// <summary>Removes and returns the missed directories at or below <paramref name="path"/>.</summary>
    private List<string>? TakeMissed(string path)
    {
        List<string>? taken = null;
        for (var i = _missed.Count - 1; i >= 0; i--)
        {
            var m = _missed[i];
            if (m == path || (m.StartsWith(path, StringComparison.Ordinal) && m.Length > path.Length && m[path.Length] == '/'))
            {
                (taken ??= new()).Add(m);
                _missed.RemoveAt(i);
            }
        }
        taken?.Sort(StringComparer.Ordinal); // parents before children
        return taken;
    }

    /// <summary>Lists each new directory and synthesises IN_CREATE for what it holds, watching sub-directories first.</summary>
    private void ReportContent(Watch top)
    {
        var pending = new Stack<Watch>();
        pending.Push(top);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            if (dir.IsRemoved)
                continue;
            var entries = List(dir.Path);
            if (RemovedLater(dir.Path))
            {
                // The path (or a directory above it) was deleted or moved away after the event being processed:
                // the watch and the listing may be of a newer directory that took the name. The queued events
                // (an IN_MOVED_TO, or the newer one's IN_CREATE) will watch and report the right one.
                Manager.Detach(dir);
                _missed.Add(dir.Path);
                continue;
            }
            // Every kernel event about an entry seen in this listing was queued before this position.
            var expiry = _notifier.ReadTotal + _notifier.KernelPending();
            foreach (var (entryName, isDir) in entries)
            {
                var path = EventText.JoinPath(dir.Path, entryName);
                if (dir.ExcludeFilter?.IsExcluded(path) == true)
                    continue;
                var bytes = Encoding.UTF8.GetBytes(entryName);
                Watch? sub = null;
                if (isDir && dir.AutoAdd)
                {
                    sub = Manager.AddLike(path, dir, out var created);
                    if (sub is null && RemovedLater(path))
                        _missed.Add(path);
                    if (sub is not null && !created)
                        sub = null; // already watched: its content is reported by its own watch
                }
                _synthesised.Add(dir.Wd, bytes, expiry);
                var mask = isDir ? EventMask.Create | EventMask.IsDir : EventMask.Create;
                _notifier.Deliver(dir, new InotifyEvent(dir.Wd, mask, 0, bytes, dir, null, entryName, EventFlags.Synthetic));
                if (sub is not null)
                    pending.Push(sub);
            }
        }
    }

    private static List<(string Name, bool IsDir)> List(string dir)
    {
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false };
        try
        {
            // A symbolic link is reported as the kernel reports it: not a directory, and not followed.
            return new FileSystemEnumerable<(string, bool)>(dir,
                (ref FileSystemEntry e) => (e.FileName.ToString(), e.IsDirectory && (e.Attributes & FileAttributes.ReparsePoint) == 0),
                options).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // deleted or replaced meanwhile: its own events tell the rest
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> or a directory above it is deleted or moved away by an event queued after
    /// the current one. Reads what the kernel holds first, so anything that happened before this call is seen.
    /// </summary>
    private bool RemovedLater(string path)
    {
        _notifier.ReadPending();
        var queued = _notifier.Unprocessed;
        var offset = 0;
        const EventMask removal = EventMask.Delete | EventMask.MovedFrom | EventMask.DeleteSelf | EventMask.MoveSelf;
        while (RawEventReader.TryRead(queued, ref offset, out var wd, out var mask, out _, out var name))
        {
            if ((mask & removal) == 0 || Manager.WatchForEvent(wd) is not { } w)
                continue;
            // An IN_MOVE_SELF tells nothing new when the watch's path already moved (a paired move processed) or
            // when its parent is tracked: the parent's IN_MOVED_FROM, queued just before it, is what names the old
            // place. Read against the watch's current path it would condemn a path the table already caught up
            // with (a listing or a rescan found the directory at its new place by its inode).
            if ((mask & EventMask.MoveSelf) != 0 && (w.ExpectMoveSelf || UnderTrackedParent(w)))
                continue;

            var gone = name.IsEmpty ? w.Path : EventText.JoinPath(w.Path, Encoding.UTF8.GetString(name));
            if (path.Length >= gone.Length && path.StartsWith(gone, StringComparison.Ordinal)
                && (path.Length == gone.Length || path[gone.Length] == '/'))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether the IN_MOVED_TO with <paramref name="cookie"/> follows. The kernel queues it right after the
    /// IN_MOVED_FROM (then IN_MOVE_SELF on the moved directory's own watch <paramref name="dirWd"/>), so: found
    /// among the events read means yes; that IN_MOVE_SELF first means no; otherwise read, and wait up to
    /// <see cref="Notifier.MoveWait"/> for more.
    /// </summary>
    private bool FindMoveTo(uint cookie, int dirWd)
    {
        var position = _notifier.ReadTotal - _notifier.Unprocessed.Length;
        var scanned = 0;
        var deadline = DateTime.MaxValue;
        long waitStart = 0;
        while (true)
        {
            var queued = _notifier.Unprocessed;
            var offset = scanned;
            while (RawEventReader.TryRead(queued, ref offset, out var wd, out var mask, out var c, out _))
            {
                // A partner on a watch the bookkeeping dropped (its directory left the tree, or is being replaced)
                // or forgot is no destination inside the tree: the entry moved out, as far as the watches go.
                if ((mask & EventMask.MovedTo) != 0 && c == cookie)
                    return Manager.WatchForEvent(wd) is { Silent: false };
                if ((dirWd > 0 && wd == dirWd && (mask & EventMask.MoveSelf) != 0) || (mask & EventMask.QueueOverflow) != 0)
                    return false;
            }
            scanned = offset;
            if (_notifier.ReadPending())
                continue;
            if (position <= _settled || _notifier.IsStopped)
                return false;
            var now = DateTime.UtcNow;
            if (deadline == DateTime.MaxValue)
            {
                deadline = now + _notifier.MoveWait;
                waitStart = _notifier.ReadTotal;
            }
            if (now >= deadline)
            {
                // Every MOVED_FROM read before the wait began has had MoveWait to find its partner.
                _settled = waitStart;
                return false;
            }
            _notifier.WaitForKernel(deadline - now);
        }
    }

    /// <summary>After an overflow: make each tree's watches match the directories on disk again.</summary>
    private void Rescan()
    {
        Diagnostics.InotifyMetrics.Rescan(_notifier.MetricsKind); // metrics
        var live = Manager.Watches.Values.Where(w => w.Tracked && w.IsDir && !w.Silent).ToList();
        var paths = live.Select(w => w.Path).ToHashSet(StringComparer.Ordinal);
        var roots = live.Where(w => System.IO.Path.GetDirectoryName(w.Path) is not { } parent || !paths.Contains(parent))
            .OrderBy(w => w.Path, StringComparer.Ordinal).ToList();
        foreach (var root in roots)
        {
            if (root.IsRemoved)
                continue;
            // Watch first, then list, as for a new directory: a directory created during the walk is either
            // listed or reported by the watch just added. A directory that moved is found by its inode (the kernel
            // gives back its wd), and its old watches move with it.
            var visited = new HashSet<string>(StringComparer.Ordinal);
            // Listed during the walk, gone when the walk reached them: moved or deleted while the walk ran, so after
            // the overflow, and the queued events of that change will move or drop their watches. Dropped here, the
            // watches below a directory that only moved would be lost: its queued move renames what is left.
            var vanished = new List<string>();
            var pending = new Stack<string>();
            pending.Push(root.Path);
            while (pending.Count > 0)
            {
                // A stopped notifier closes its inotify instance: a walk of a large tree must not hold Stop up.
                if (_notifier.IsStopped)
                    return;
                var dir = pending.Pop();
                if (visited.Count % 16 == 15)
                    _notifier.DiscardDirectoryReads();
                var existing = Manager.WatchAt(dir);
                var like = existing ?? Manager.WatchAt(System.IO.Path.GetDirectoryName(dir) ?? dir) ?? root;
                var now = Manager.AddLike(dir, like, out _);
                if (now is null && dir != root.Path)
                {
                    vanished.Add(dir);
                    continue;
                }
                if (existing is not null && !existing.IsRemoved && (now is null || now.Wd != existing.Wd))
                    Manager.Detach(existing); // replaced by another directory, or the top one is gone: the old watch is dead
                if (now is null)
                    continue;
                visited.Add(dir);
                foreach (var (name, isDir) in List(dir))
                {
                    var child = EventText.JoinPath(dir, name);
                    if (isDir && !visited.Contains(child) && root.ExcludeFilter?.IsExcluded(child) != true)
                        pending.Push(child);
                }
            }
            foreach (var stale in Manager.WatchesUnder(root.Path))
                if (!visited.Contains(stale.Path) && !vanished.Exists(v => IsAtOrBelow(stale.Path, v)))
                    Manager.Detach(stale);
            _notifier.DiscardDirectoryReads();
            _lostUntil = _notifier.ReadTotal + _notifier.KernelPending();
            if (!root.IsRemoved)
                _notifier.Deliver(root, new InotifyEvent(root.Wd, EventMask.QueueOverflow, 0, default, root,
                    flags: EventFlags.EventsLost | EventFlags.Synthetic));
        }
    }

    private void Deliver(Watch w, EventMask mask, uint cookie, ReadOnlySpan<byte> name, string? nameText,
        string? source = null, EventFlags flags = EventFlags.None)
    {
        if (_quiet)
            return;
        if (w.NameFilter is { } only && (mask & EventMask.Ignored) == 0 && !name.SequenceEqual(only))
            return;
        if (w.ExcludeFilter is { } filter && !name.IsEmpty)
        {
            nameText ??= Encoding.UTF8.GetString(name);
            if (filter.IsExcluded(EventText.JoinPath(w.Path, nameText)))
                return;
        }
        _notifier.Deliver(w, new InotifyEvent(w.Wd, mask, cookie, name, w, source, nameText, flags));
    }

    private static int InotifyLimitsSafe()
    {
        try { return InotifyLimits.MaxQueuedEvents; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return -1; }
    }
}
