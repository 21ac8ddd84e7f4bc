using Microsoft.Extensions.Logging;

namespace InotifyGen;

/// <summary>
/// IN_Q_OVERFLOW: the kernel dropped events. It always goes to the default handler and the log. With a rescan
/// (<see cref="Enabled"/>), every recursive or autoAdd tree is walked again so its watches match the disk, and each
/// tree's handler gets an IN_Q_OVERFLOW flagged <see cref="EventFlags.EventsLost"/>. Overflows that arrive while a
/// rescan's window is still being read merge into one pending rescan, and rescans that keep overflowing stop after
/// <see cref="MaxChained"/> in a row, so a rescan can never feed itself.
/// </summary>
internal sealed class OverflowRecovery(ILookAhead queue, WatchManager manager, IFileSystem fs, TrackerOutput output,
    DirectoryAdoption adoption, MovePairing moves, ILogger logger)
{
    /// <summary>The most rescans in a row whose own window overflowed again, before rescanning is suspended until the stream is calm.</summary>
    public const int MaxChained = 3;

    // After a rescan: kernel events queued before it ended describe a past the rescan has already caught up with, so
    // their paths may be newer than they were. They still update the bookkeeping, but are not delivered.
    private long _lostUntil = -1;
    private bool _pending;
    private int _chained;

    public bool Enabled { get; set; }

    /// <summary>Whether a rescan is waiting for the end of the batch.</summary>
    public bool HasPending => _pending;

    /// <summary>Whether the event that ends at stream <paramref name="position"/> lies in a window a rescan superseded.</summary>
    public bool IsSuperseded(long position) => position <= _lostUntil;

    /// <summary>No rescan waits to run and the event that ends at <paramref name="position"/> is past the last one's window.</summary>
    public bool IsCaughtUp(long position) => !_pending && !IsSuperseded(position);

    public void OnOverflow(int wd, EventMask mask)
    {
        Log.QueueOverflowLost(logger, MaxQueuedEventsOrUnknown(), Enabled);
        output.EmitUnwatched(wd, mask);
        // What was pending refers to events that may be gone: start clean.
        moves.Reset();
        adoption.Reset();
        if (!Enabled)
            return;
        if (IsSuperseded(queue.Position))
        {
            // Lost while the last rescan's window was read: that rescan may have missed it. One more, at the end of
            // the batch, stands for every overflow of this window, up to the limit.
            if (_chained < MaxChained)
                _pending = true;
            else
                Log.RescanSuspended(logger, MaxChained);
            return;
        }
        _chained = 0;
        _pending = true;
        RunPending();
    }

    /// <summary>Runs the one pending rescan, if any.</summary>
    public void RunPending()
    {
        if (!_pending || queue.IsStopping)
            return;
        _pending = false;
        _chained++;
        Rescan();
    }

    /// <summary>Makes each tree's watches match the directories on disk again.</summary>
    private void Rescan()
    {
        Diagnostics.InotifyMetrics.Rescan(output.Dispatcher.MetricsKind); // metrics
        var roots = manager.TrackedRoots().OrderBy(w => w.Path, StringComparer.Ordinal).ToList();
        foreach (var root in roots)
        {
            if (root.IsRemoved)
                continue;
            if (!Walk(root))
                return; // stopping: the instance is being closed
            queue.ReadMore(IsDirectoryRead);
            _lostUntil = queue.End + queue.KernelPending();
            if (!root.IsRemoved)
                output.Emit(root, EventMask.QueueOverflow, 0, default, flags: EventFlags.EventsLost | EventFlags.Synthetic);
        }
    }

    /// <summary>
    /// Watch first, then list, as for a new directory (the one walk, <see cref="DirectoryWalk"/>): a directory created
    /// during the walk is either listed or reported by the watch just added. A directory that moved is found by its
    /// inode (the kernel gives back its wd), and its old watches move with it. False when the notifier stopped meanwhile.
    /// </summary>
    private bool Walk(Watch root)
    {
        var rescan = new RescanVisitor(queue, manager, adoption, fs, root);
        DirectoryWalk.Walk(fs, root.Path, root.Path, rescan);
        if (rescan.Stopped)
            return false;
        // PathNow: the paths of every watch of the tree, derived once for this check, not cached on each.
        foreach (var stale in manager.WatchesUnder(root.Path))
            if (stale.PathNow() is var path && !rescan.Visited.Contains(path) && !rescan.Vanished.Exists(v => PathText.IsAtOrBelow(path, v)))
                manager.Detach(stale);
        return true;
    }

    /// <summary>The rescan's visit of each directory: watched again with its tree's settings, then listed.</summary>
    private sealed class RescanVisitor(ILookAhead queue, WatchManager manager, DirectoryAdoption adoption, IFileSystem fs, Watch root) : IDirectoryVisitor<string>
    {
        public readonly HashSet<string> Visited = new(StringComparer.Ordinal);
        // Listed during the walk, gone when the walk reached them: moved or deleted while the walk ran, so after the
        // overflow, and the queued events of that change will move or drop their watches. Dropped here, the watches
        // below a directory that only moved would be lost: its queued move renames what is left.
        public readonly List<string> Vanished = new();
        public bool Stopped;

        public bool DirectoriesOnly => true;

        public string? Visit(string dir, WalkPath path)
        {
            // A stopped notifier closes its inotify instance: a walk of a large tree must not hold Stop up.
            if (Stopped || (Stopped = queue.IsStopping) || Visited.Contains(dir))
                return null;
            if (Visited.Count % 16 == 15)
                queue.ReadMore(IsDirectoryRead);
            var existing = manager.WatchAt(dir);
            var like = existing ?? (PathText.Parent(dir) is { } parent ? manager.WatchAt(parent) : null) ?? root;
            var now = manager.AddLike(dir, like, out _, out var movedFrom);
            if (movedFrom is not null)
                adoption.Rebase(movedFrom, dir);
            if (now is null && dir != root.Path)
            {
                Vanished.Add(dir);
                return null;
            }
            if (existing is not null && !existing.IsRemoved && (now is null || now.Wd != existing.Wd))
                manager.Detach(existing); // replaced by another directory, or the top one is gone: the old watch is dead
            if (now is null)
                return null;
            Visited.Add(dir);
            return dir;
        }

        // A listing that found the directory gone (moved since its watch was added): listed where it went.
        public bool Listed(string dir, Listing entries)
        {
            if (entries.Count == 0 && !fs.IsDirectory(dir, followLinks: false) && manager.WatchAt(dir) is { } moved)
                adoption.Unlisted(moved);
            return true;
        }

        public string? Enter(string dir, WalkPath path, ListedEntry entry)
        {
            if (!entry.IsDirectory)
                return null;
            var at = path.ToString();
            return !Visited.Contains(at) && root.ExcludeFilter?.IsExcluded(at) != true ? at : null;
        }
    }

    /// <summary>
    /// The events reading a directory causes (IN_OPEN, IN_ACCESS, IN_CLOSE_NOWRITE with IN_ISDIR). A rescan reads
    /// every directory; with a mask that includes those it would otherwise fill the queue again. Only dropped inside
    /// the window already reported as lost.
    /// </summary>
    private static bool IsDirectoryRead(EventMask mask) =>
        (mask & EventMask.IsDir) != 0 && (mask & (EventMask.Open | EventMask.Access | EventMask.CloseNoWrite)) != 0;

    private static int MaxQueuedEventsOrUnknown()
    {
        try { return InotifyLimits.MaxQueuedEvents; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return -1; }
    }
}
