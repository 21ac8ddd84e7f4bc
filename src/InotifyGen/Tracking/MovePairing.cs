namespace InotifyGen;

/// <summary>
/// Moves: an IN_MOVED_FROM is paired with its IN_MOVED_TO by cookie, even across reads, so the IN_MOVED_TO carries
/// <see cref="InotifyEvent.SrcPathName"/> and a directory moved inside the tree keeps its watches at the new paths.
/// One whose partner does not come within <see cref="MoveWait"/> left the tree (<see cref="EventFlags.MovedOut"/>),
/// and its watches go with it. A directory moved in from outside is adopted like a new one.
/// </summary>
internal sealed class MovePairing(ILookAhead queue, WatchManager manager, TimeProvider time, DirectoryAdoption adoption, TrackerOutput output,
    FileCompletion completion)
{
    // cookie -> source path of a paired IN_MOVED_FROM, and whether that path was unknown to the user then (its
    // watch was on its way to a place no event named yet): the IN_MOVED_TO then reports no source.
    private readonly Dictionary<uint, (string Path, bool Away)> _moves = new();
    private long _settled;  // stream position: a MOVED_FROM before it whose partner is not read yet has none

    public TimeSpan MoveWait { get; set; } = TimeSpan.FromMilliseconds(10);

    public void OnMovedFrom(Watch w, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        var nameText = FileNames.Decode(name);
        var path = PathText.Join(w.Path, nameText);
        var isDir = (mask & EventMask.IsDir) != 0;
        adoption.OnMovedAway(w, name);
        // A directory a listing found here and that waits to move here (the stream has not reached the listing) is
        // leaving: it arrived here before this event.
        var dirWatch = isDir ? manager.WatchAt(path) ?? adoption.ArriveNow(path) : null;
        if (FindMoveTo(cookie, dirWatch?.Wd ?? 0) is { } destination)
        {
            var away = adoption.IsAway(w);
            _moves[cookie] = (path, away);
            // Into a directory on its way to a place no event named yet: as far as the user can follow, it left.
            var flags = !away && adoption.IsAway(destination) ? EventFlags.MovedOut : EventFlags.None;
            output.Emit(w, mask, cookie, name, nameText, flags: flags);
            return;
        }
        // A listing already found it elsewhere in the tree (by its inode): it did not leave, it moved where no watch
        // saw the arrival. Its watch moves there once the stream reaches that listing; until then it is away.
        if (dirWatch is not null && adoption.IsRelocating(dirWatch))
        {
            output.Emit(w, mask, cookie, name, nameText);
            adoption.OnItsWay(dirWatch);
            dirWatch.ExpectMoveSelf = true;
            return;
        }
        output.Emit(w, mask, cookie, name, nameText, flags: EventFlags.MovedOut);
        // Gone from the tree: its watches would only report paths that are no longer true.
        if (isDir && w.Tracked)
        {
            manager.DetachTree(path, includeSelf: true, keep: adoption.IsRelocating);
            adoption.WentAway(path);
        }
        if (isDir)
            adoption.Drop(path);
    }

    public void OnMovedTo(Watch w, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        var nameText = FileNames.Decode(name);
        var path = PathText.Join(w.Path, nameText);
        _moves.Remove(cookie, out var from);
        var source = from.Path;
        // What a user sees as its source: none when that place was unknown to them (it arrives as from outside).
        var shownSource = from.Away ? null : source;
        var listed = adoption.WasListed(w, name);
        if ((mask & EventMask.IsDir) == 0)
        {
            // A watched file moved inside the tree keeps its watch at the new path (as in pyinotify); its IN_MOVE_SELF follows.
            if (source is not null && manager.WatchAt(source) is { IsDir: false } file)
            {
                manager.RenameTree(source, path);
                file.ExpectMoveSelf = true;
            }
            output.Emit(w, mask, cookie, name, nameText, shownSource);
            completion.OnArrived(w, name, nameText, listed);
            return;
        }
        var moved = source is null ? null : manager.WatchAt(source);
        if (moved is not null)
        {
            if (w.Tracked && w.ExcludeFilter?.IsExcluded(path) == true)
                manager.DetachTree(source!, includeSelf: true);
            else
            {
                manager.RenameTree(source!, path);
                moved.ExpectMoveSelf = true;
                adoption.Reached(moved, path);
                adoption.Follow(w, moved);
            }
        }
        output.Emit(w, mask, cookie, name, nameText, shownSource);
        // Directories below it that could not be watched while it was on its way: their path is known now, whether
        // its own watch moved here with this event or a listing had already found it here by its inode.
        if (source is not null)
            adoption.Rebase(source, path);
        if (moved is not null)
            adoption.ListUnlisted(path);
        // Moved in from outside the tree (or from a part of it not watched): watched and reported as if created.
        if (moved is null && !listed && w.AutoAdd && !w.IsRemoved)
            adoption.WatchNew(w, path);
    }

    public void OnMoveSelf(Watch w, EventMask mask)
    {
        // A move no IN_MOVED_FROM told of (or none paired), to where a listing already found it: on its way there,
        // and where it is now no event says, so this one is not reported either.
        if (!w.ExpectMoveSelf && adoption.IsRelocating(w))
        {
            adoption.OnItsWay(w);
            return;
        }
        // Its move was paired inside the tree and the paths are already the new ones. A directory under a tracked
        // parent always had its move seen by that parent (moved out, it would be silent by now), even when a
        // listing found it at its new place before the move's own events were processed.
        if (w.ExpectMoveSelf || UnderTrackedParent(manager, w))
        {
            w.ExpectMoveSelf = false;
            output.Emit(w, mask, 0, default);
            return;
        }
        // Moved somewhere no watch saw (a watched top directory moved away): the new place is unknown.
        output.Emit(w, mask, 0, default);
        if (w.IsRemoved)
            return;
        if (w.Tracked)
            manager.DetachTree(w.Path, includeSelf: false);
        manager.RenameTree(w.Path, w.Path + "-unknown-path"); // pyinotify's marker for a path it lost
    }

    /// <summary>After an overflow: a pending pair may have lost its partner.</summary>
    public void Reset() => _moves.Clear();

    public static bool UnderTrackedParent(WatchManager manager, Watch w) =>
        w.Tracked && PathText.Parent(w.Path) is { } parent && manager.WatchAt(parent) is { Tracked: true };

    /// <summary>
    /// The watch whose IN_MOVED_TO with <paramref name="cookie"/> follows, if one does. The kernel queues it right after the
    /// IN_MOVED_FROM (then IN_MOVE_SELF on the moved directory's own watch <paramref name="dirWd"/>), so: found
    /// among the events read means yes; that IN_MOVE_SELF first means no; otherwise read, and wait up to
    /// <see cref="MoveWait"/> for more.
    /// </summary>
    private Watch? FindMoveTo(uint cookie, int dirWd)
    {
        var position = queue.Position;
        var scanned = 0;
        var deadline = DateTimeOffset.MaxValue;
        long waitStart = 0;
        while (true)
        {
            var queued = queue.Unprocessed;
            var offset = scanned;
            while (RawEventReader.TryRead(queued, ref offset, out var wd, out var mask, out var c, out _))
            {
                // A partner on a watch the bookkeeping dropped (its directory left the tree, or is being replaced)
                // or forgot is no destination inside the tree: the entry moved out, as far as the watches go.
                if ((mask & EventMask.MovedTo) != 0 && c == cookie)
                    return manager.WatchForEvent(wd) is { Silent: false } destination ? destination : null;
                if ((dirWd > 0 && wd == dirWd && (mask & EventMask.MoveSelf) != 0) || (mask & EventMask.QueueOverflow) != 0)
                    return null;
            }
            scanned = offset;
            if (queue.ReadMore())
                continue;
            if (position <= _settled || queue.IsStopping)
                return null;
            var now = time.GetUtcNow();
            if (deadline == DateTimeOffset.MaxValue)
            {
                deadline = now + MoveWait;
                waitStart = queue.End;
            }
            if (now >= deadline)
            {
                // Every MOVED_FROM read before the wait began has had MoveWait to find its partner.
                _settled = waitStart;
                return null;
            }
            queue.WaitFor(deadline - now);
        }
    }
}
