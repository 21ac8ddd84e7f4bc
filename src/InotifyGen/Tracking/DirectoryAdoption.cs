namespace InotifyGen;

/// <summary>
/// New and moved-in directories of an autoAdd tree: watched first, then listed, and what the listing finds is
/// reported as synthesised IN_CREATEs, each once (<see cref="SyntheticNames"/>): an entry made after the watch
/// exists is reported by the kernel, one made before by the listing, one in both by whichever comes first.
/// </summary>
internal sealed class DirectoryAdoption(ILookAhead queue, WatchManager manager, IFileSystem fs, TrackerOutput output,
    FileCompletion completion)
{
    private readonly SyntheticNames _synthesised = new();
    // Directories that could not be watched because a directory above them moves away later in the stream;
    // they are watched when that move is processed (their path is then known again).
    private readonly List<string> _missed = new();
    // Directories a listing found at a new place by their inode, while the events of their past (their move among
    // them) are still queued. Read against the new path, those events would name places that never were: the table
    // moves each one only when the stream has passed the listing that found it. The place is kept as the watch of
    // the directory it was found in and the name there, since that directory may move meanwhile.
    private readonly List<Relocation> _relocations = new();
    // New watches whose listing was due when a listing found them elsewhere: listed where they went, once moved there.
    private readonly List<Watch> _listAfterMove = new();
    // Watches (and those below them) kept when a directory above them left the tree, because a listing found them
    // back inside: until they arrive there, they are outside, and their events name no path of the tree.
    private readonly HashSet<Watch> _away = new();
    // Watches a rescan added whose directory moved before the rescan could list it: listed where the move takes them.
    private readonly HashSet<Watch> _unlisted = new();

    public void OnCreate(Watch w, EventMask mask, ReadOnlySpan<byte> name)
    {
        // The kernel's own IN_CREATE for an entry a listing already reported: drop it.
        if (w.Tracked && _synthesised.Remove(w.Wd, name))
            return;
        output.Emit(w, mask, 0, name);
        if ((mask & EventMask.IsDir) != 0 && w.AutoAdd && !w.IsRemoved)
            WatchNew(w, PathText.Join(w.Path, FileNames.Decode(name)));
    }

    public void OnDelete(Watch w, EventMask mask, ReadOnlySpan<byte> name)
    {
        if (w.Tracked)
            _synthesised.Remove(w.Wd, name);
        if ((mask & EventMask.IsDir) == 0)
            return;
        var path = PathText.Join(w.Path, FileNames.Decode(name));
        if (_missed.Count > 0)
            TakeMissed(path);
        // Its watch ended before this (with its IN_IGNORED), and so did each one below it, unless an overflow lost
        // that one's IN_IGNORED: a watch still below it is of a directory that is gone.
        if (w.Tracked && manager.WatchAt(path) is null)
            manager.DetachTree(path, includeSelf: true, keep: IsRelocating);
    }

    /// <summary>An entry of <paramref name="w"/> moved away: a later IN_CREATE of the same name is a new entry.</summary>
    public void OnMovedAway(Watch w, ReadOnlySpan<byte> name)
    {
        if (w.Tracked)
            _synthesised.Remove(w.Wd, name);
        completion.OnGone(w, name);
    }

    /// <summary>An entry moved into <paramref name="w"/>: whether a listing had already reported it (then it is not adopted again).</summary>
    public bool WasListed(Watch w, ReadOnlySpan<byte> name) => w.Tracked && _synthesised.Remove(w.Wd, name);

    /// <summary>
    /// Watch first, then list: an entry created after the watch exists is reported by the kernel, one created
    /// before is found by the listing, and one in both is reported once.
    /// </summary>
    public void WatchNew(Watch parent, string path)
    {
        if (parent.ExcludeFilter?.IsExcluded(path) == true)
            return;
        var child = AddLike(path, parent, out var created);
        if (child is null)
        {
            Missed(path);
            return;
        }
        // Else it was watched already, so its content was reported all along, unless its listing found it gone.
        if (created || (_unlisted.Count > 0 && _unlisted.Remove(child)))
            ReportContent(child);
    }

    /// <summary>
    /// A rescan watched <paramref name="w"/>, but its directory moved before the rescan listed it: its content is
    /// listed once an event names where it went (<see cref="ListUnlisted"/>, or <see cref="WatchNew"/> of it there).
    /// </summary>
    public void Unlisted(Watch w)
    {
        _unlisted.RemoveWhere(u => u.IsRemoved);
        _unlisted.Add(w);
    }

    /// <summary>A directory moved to <paramref name="path"/>: what a rescan could not list below it is listed now.</summary>
    public void ListUnlisted(string path)
    {
        if (_unlisted.Count == 0)
            return;
        foreach (var w in manager.WatchesUnder(path))
            if (_unlisted.Remove(w) && !w.IsRemoved)
                ReportContent(w);
    }

    /// <summary>
    /// A directory moved from <paramref name="source"/> to <paramref name="destination"/>: the directories below it
    /// that could not be watched while it was on its way are watched now that their path is known.
    /// </summary>
    public void Rebase(string source, string destination)
    {
        if (_missed.Count == 0 || TakeMissed(source) is not { } missed)
            return;
        foreach (var m in missed)
        {
            var path = PathText.Rebase(m, source, destination);
            if (PathText.Parent(path) is { } parentPath && manager.WatchAt(parentPath) is { AutoAdd: true } parent)
                WatchNew(parent, path);
        }
    }

    /// <summary>A directory left the tree: nothing below it is to be watched any more (but what was found elsewhere stays).</summary>
    public void Drop(string path)
    {
        if (_missed.Count > 0 && !HasRelocationUnder(path))
            TakeMissed(path);
    }

    /// <summary>
    /// Watches a directory of the tree. When the kernel gives back the wd of a watch known elsewhere, the directory
    /// moved and the events saying so are still queued: its watch moves here once they have been read.
    /// </summary>
    private Watch? AddLike(string path, Watch like, out bool created)
    {
        var watch = manager.AddLike(path, like, out created, out var movedFrom, deferMove: true);
        if (watch is not null && movedFrom is not null)
            _relocations.Add(new(watch, manager.WatchAt(PathText.Parent(path) ?? "/"), path, queue.End + queue.KernelPending()));
        if (watch is not null && created && IsAway(like))
            _away.Add(watch); // made below a directory that is outside the tree for now
        return watch;
    }

    /// <summary>
    /// Moves the watches whose listing the stream has passed to where it found them: before an event that ends at
    /// <paramref name="position"/> (so was queued after every listing that ended before it), or, with
    /// <paramref name="reached"/>, once every event up to <paramref name="position"/> was processed.
    /// </summary>
    public void Relocate(long position, bool reached = false)
    {
        if (_relocations.Count == 0)
            return; // the common case, checked before every event
        for (var i = 0; i < _relocations.Count; i++)
        {
            var r = _relocations[i];
            if (r.At > position || (r.At == position && !reached))
                continue;
            _relocations.RemoveAt(i--);
            if (r.Parent is { IsRemoved: true })
                Lost(r.Watch); // the directory it was found in went since, deleted or out of the tree: with it
            else if (r.Parent is { } parent && IsAway(parent))
                MoveAway(r.Watch, r.Destination);
            else
                Move(r.Watch, r.Destination);
        }
    }

    /// <summary>
    /// The event that took <paramref name="w"/> away from its place towards where a listing found it, with no watch
    /// seeing it arrive (an unpaired IN_MOVED_FROM, or an IN_MOVE_SELF no IN_MOVED_FROM told of). Where it is until
    /// the stream reaches that listing, no event says: it may have moved on with a directory above it, as the
    /// listing's place shows. So it and the watches below it are away until then, and their events name no path.
    /// </summary>
    public void OnItsWay(Watch w)
    {
        if (IsRelocating(w))
            WentAway(w.Path);
    }

    /// <summary>
    /// The watch a listing found at <paramref name="path"/> and that waits to move there, when an event moves it away
    /// from there: it was there by then, so it moves there now, and the event is read against it. Null when none waits.
    /// </summary>
    public Watch? ArriveNow(string path)
    {
        if (_relocations.Count == 0)
            return null;
        var i = _relocations.FindIndex(r => r.Destination == path);
        if (i < 0)
            return null;
        var found = _relocations[i].Watch;
        _relocations.RemoveAt(i);
        Move(found, path);
        return found.IsRemoved ? null : found;
    }

    /// <summary>
    /// <paramref name="moved"/> was moved by its own paired move to where a listing had already found it: that
    /// relocation is done, and the watch must not be taken for one still on its way if it moves again.
    /// </summary>
    public void Reached(Watch moved, string path)
    {
        if (_relocations.Count > 0)
            _relocations.RemoveAll(r => ReferenceEquals(r.Watch, moved) && r.Destination == path);
    }

    /// <summary>
    /// A watched directory, <paramref name="moved"/>, moved into <paramref name="destination"/>: away with it when
    /// the destination is away, back in view when it is not. (Its watch may not have moved in the table: a move
    /// into a directory that was below it names a place the table cannot hold until that directory arrives.)
    /// </summary>
    public void Follow(Watch destination, Watch moved)
    {
        if (_away.Count == 0 || moved.IsRemoved)
            return;
        var away = _away.Contains(destination);
        if (!away && !_away.Contains(moved))
            return; // in view it was and is; a directory below it may be away on its own way, and stays so
        // Into view: a directory below it still on its way to where a listing found it stays away, with what is below it.
        foreach (var w in manager.WatchesUnder(moved.Path, prune: away ? null : w => !ReferenceEquals(w, moved) && IsRelocating(w)))
        {
            if (away)
                _away.Add(w);
            else
                _away.Remove(w);
        }
    }

    /// <summary>A watch waiting to move where the place it was found at no longer is: it and those below it end.</summary>
    private void Lost(Watch watch)
    {
        _listAfterMove.Remove(watch);
        if (watch.IsRemoved)
            return;
        var path = watch.Path;
        foreach (var w in manager.WatchesUnder(path))
            _away.Remove(w);
        manager.DetachTree(path, includeSelf: true, keep: IsRelocating);
        Drop(path);
    }

    /// <summary>
    /// <see cref="Move"/> into a directory that is away itself (on its way to where another listing found it): the
    /// watch and those below it stay away with it, and are reported when it arrives (<see cref="Move"/> of it).
    /// </summary>
    private void MoveAway(Watch watch, string to)
    {
        _listAfterMove.Remove(watch);
        if (watch.IsRemoved)
            return;
        RenameTo(watch, to);
        WentAway(watch.Path);
    }

    /// <summary>Moves <paramref name="watch"/> and those below it to <paramref name="to"/>; false when it is there already.</summary>
    private bool RenameTo(Watch watch, string to)
    {
        if (watch.Path == to)
            return false;
        var from = watch.Path;
        manager.RenameTree(from, to);
        Rebase(from, to);
        return true;
    }

    private void Move(Watch watch, string to)
    {
        var list = _listAfterMove.Remove(watch);
        // Back in view: what they hold now is reported, as for a directory moved in, since their events while
        // away were not (each entry once: a queued IN_CREATE of one is dropped).
        List<Watch>? back = null;
        if (_away.Count > 0)
            foreach (var w in manager.WatchesUnder(watch.Path))
                if (_away.Remove(w) && !w.IsRemoved)
                    (back ??= new()).Add(w);
        if (watch.IsRemoved || !RenameTo(watch, to))
            return;
        if (list || back is not null)
            ReportContent(watch);
        if (back is not null)
            foreach (var w in back)
                if (!ReferenceEquals(w, watch))
                    ReportContent(w);
    }

    /// <summary>
    /// The directory at <paramref name="path"/> left the tree, and the watches still under it (a listing found them
    /// back inside) are away until they arrive: see <see cref="IsAway"/>.
    /// </summary>
    public void WentAway(string path)
    {
        foreach (var w in manager.WatchesUnder(path))
            _away.Add(w);
    }

    /// <summary>Nothing waits on the stream's position: no watch to relocate, none away.</summary>
    public bool IsQuiet => _relocations.Count == 0 && _away.Count == 0;

    /// <summary>Whether <paramref name="w"/> is away (on its way back in, or moved where no event named yet): its events are not reported.</summary>
    public bool IsAway(Watch w) => _away.Count > 0 && _away.Contains(w);

    /// <summary>Whether <paramref name="w"/> waits to be moved to where a listing found it: it did not leave the tree.</summary>
    public bool IsRelocating(Watch w) => _relocations.Exists(r => ReferenceEquals(r.Watch, w));

    /// <summary>Whether a watch at or below <paramref name="path"/> waits to be moved elsewhere in the tree.</summary>
    public bool HasRelocationUnder(string path) => _relocations.Exists(r => PathText.IsAtOrBelow(r.Watch.Path, path));

    public void Expire(long position) => _synthesised.Expire(position);

    /// <summary>After an overflow: what was pending refers to events that may be gone.</summary>
    public void Reset()
    {
        _synthesised.Clear();
        _missed.Clear();
        completion.Reset();
        Relocate(long.MaxValue, reached: true); // what a listing found is still true; only the queued past is lost
        _listAfterMove.Clear();
        _away.Clear();
        _unlisted.Clear();
    }

    /// <summary>
    /// Whether <paramref name="dir"/>, watched a moment ago, was already found elsewhere by its inode: its old path holds
    /// nothing of it, and detaching it as "removed later" would drop the watch its new place has. It is listed once moved.
    /// </summary>
    private bool ListAfterMove(Watch dir)
    {
        if (!IsRelocating(dir))
            return false;
        _listAfterMove.Add(dir);
        return true;
    }

    /// <summary>
    /// A directory that could not be watched: it is gone from its path, so an event after the one being processed
    /// moves or removes it (or a directory above it). That event may not be queued yet: Linux looks a path up in
    /// its new state a moment before a rename queues its events. So the path is kept until such an event takes it,
    /// whatever the queue holds now.
    /// </summary>
    private void Missed(string path) => _missed.Add(path);

    /// <summary>Removes and returns the missed directories at or below <paramref name="path"/>, parents first.</summary>
    private List<string>? TakeMissed(string path)
    {
        List<string>? taken = null;
        for (var i = _missed.Count - 1; i >= 0; i--)
        {
            if (PathText.IsAtOrBelow(_missed[i], path))
            {
                (taken ??= new()).Add(_missed[i]);
                _missed.RemoveAt(i);
            }
        }
        taken?.Sort(StringComparer.Ordinal);
        return taken;
    }

    /// <summary>
    /// Lists each new directory and synthesises IN_CREATE for what it holds, watching sub-directories first (the one
    /// walk, <see cref="DirectoryWalk"/>; each directory is watched before it is listed).
    /// </summary>
    private void ReportContent(Watch top) => DirectoryWalk.Walk(fs, top.Path, top, new ContentVisitor(this, queue, manager, output, completion));

    /// <summary>The adoption's visit of each new directory: listed, its entries reported, its new sub-directories watched.</summary>
    private sealed class ContentVisitor(DirectoryAdoption adoption, ILookAhead queue, WatchManager manager, TrackerOutput output,
        FileCompletion completion) : IDirectoryVisitor<Watch>
    {
        private long _expiry;

        public bool DirectoriesOnly => false;

        // Watched already: by WatchNew, or when its parent was listed. Listed where it is now.
        public Watch? Visit(Watch dir, WalkPath path)
        {
            if (dir.IsRemoved || adoption.ListAfterMove(dir))
                return null;
            path.Set(dir.Path);
            return dir;
        }

        public bool Listed(Watch dir, Listing entries)
        {
            if (adoption.RemovedLater(dir.Path))
            {
                // The path (or a directory above it) was deleted or moved away after the event being processed:
                // the watch and the listing may be of a newer directory that took the name. The queued events
                // (an IN_MOVED_TO, or the newer one's IN_CREATE) will watch and report the right one.
                manager.Detach(dir);
                adoption.Missed(dir.Path);
                return false;
            }
            // Every kernel event about an entry seen in this listing was queued before this position.
            _expiry = queue.End + queue.KernelPending();
            return true;
        }

        public Watch? Enter(Watch dir, WalkPath path, ListedEntry entry)
        {
            var adopt = entry.IsDirectory && dir.AutoAdd;
            var at = adopt || dir.ExcludeFilter is not null ? path.ToString() : null;
            if (dir.ExcludeFilter?.IsExcluded(at!) == true)
                return null;
            var bytes = entry.Name.ToArray();
            var name = entry.NameText;
            Watch? sub = null;
            if (adopt)
            {
                sub = adoption.AddLike(at!, dir, out var created);
                if (sub is null)
                    adoption.Missed(at!);
                if (sub is not null && !created)
                    sub = null; // already watched: its content is reported by its own watch
            }
            adoption._synthesised.Add(dir.Wd, bytes, _expiry);
            var mask = entry.IsDirectory ? EventMask.Create | EventMask.IsDir : EventMask.Create;
            output.Emit(dir, mask, 0, bytes, name, flags: EventFlags.Synthetic);
            if (entry.IsFile)
                completion.OnListed(dir, bytes, name);
            return sub;
        }

        public void EndListing(Watch dir) => completion.EndListing();
    }

    /// <summary>
    /// Whether <paramref name="path"/> or a directory above it is deleted or moved away by an event queued after
    /// the current one. Reads what the kernel holds first, so anything that happened before this call is seen.
    /// </summary>
    private bool RemovedLater(string path)
    {
        queue.ReadMore();
        var queued = queue.Unprocessed;
        var offset = 0;
        const EventMask removal = EventMask.Delete | EventMask.MovedFrom | EventMask.DeleteSelf | EventMask.MoveSelf;
        while (RawEventReader.TryRead(queued, ref offset, out var wd, out var mask, out _, out var name))
        {
            if ((mask & removal) == 0 || manager.WatchForEvent(wd) is not { } w)
                continue;
            // An IN_MOVE_SELF tells nothing new when the watch's path already moved (a paired move processed) or
            // when its parent is tracked: the parent's IN_MOVED_FROM, queued just before it, is what names the old
            // place. Read against the watch's current path it would condemn a path the table already caught up
            // with (a listing or a rescan found the directory at its new place by its inode).
            if ((mask & EventMask.MoveSelf) != 0 && (w.ExpectMoveSelf || MovePairing.UnderTrackedParent(manager, w)))
                continue;
            var gone = name.IsEmpty ? w.Path : PathText.Join(w.Path, FileNames.Decode(name));
            if (PathText.IsAtOrBelow(path, gone))
                return true;
        }
        return false;
    }
}

/// <summary>
/// A watch that moves to where a listing found it once the stream reaches <see cref="At"/>: below
/// <see cref="Parent"/> (the directory listed, which may itself move before then) with the name the listing saw.
/// </summary>
internal sealed record Relocation(Watch Watch, Watch? Parent, string FoundAt, long At)
{
    /// <summary>Where the watch goes: the found name under its parent's path now.</summary>
    public string Destination => Parent is { } p ? PathText.Join(p.Path, PathText.Name(FoundAt)) : FoundAt;
}
