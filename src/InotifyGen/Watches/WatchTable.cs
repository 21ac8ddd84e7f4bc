using System.Buffers;

namespace InotifyGen;

/// <summary>
/// The watches of one inotify instance as pure data, no system calls. The paths are a tree of (parent, name) nodes:
/// each watch is the node of its own path, names are stored once, as the kernel's bytes, and a path string is
/// derived (and cached) only when asked (<see cref="Watch.Path"/>). So a directory move re-parents one node, and
/// "every watch under X" walks X's subtree. Unwatched ancestors of watches are intermediate nodes. Two hash indexes
/// over the nodes: by wd (every watch whose IN_IGNORED is still to come) and by (parent, name) (every node of the
/// tree). Each watch's life is its <see cref="WatchState"/>, changed only here; a watch that ends leaves the tree
/// with its path frozen. Not thread-safe: <see cref="WatchManager"/> holds its lock around every call.
/// </summary>
internal sealed class WatchTable
{
    private readonly WdIndex _byWd = new();
    private readonly ChildIndex _children = new();
    private readonly NameCache _names = new();
    // AddWatch results that still name their watches by reference, and the count at which dead ones are dropped.
    private readonly List<WeakReference<WatchResults>> _pendingResults = [];
    private int _pendingPurgeAt = 16;
    private Watch _root = Watch.Intermediate();
    private int _liveCount;
    // Recently forgotten wds: the kernel can queue an event for a watch just after its IN_IGNORED (the event was
    // in flight on another CPU), and such a straggler is expected, not "unknown". Bounded, oldest out first.
    private readonly Queue<int> _retiredOrder = new();
    private readonly HashSet<int> _retired = new();
    private const int RetiredCapacity = 4096;
    // The last directory FindParent looked up: its encoded path, its node, and the root it was found under.
    private Watch? _lastParent;
    private Watch? _lastParentRoot;
    private byte[] _lastParentPath = new byte[256];
    private int _lastParentLength;

    /// <summary>The watch an event with this wd belongs to, whatever its state short of forgotten.</summary>
    public Watch? ForEvent(int wd) => _byWd.Find(wd);

    /// <summary>The live watch with this wd.</summary>
    public Watch? Live(int wd) => _byWd.Find(wd) is { State: WatchState.Live } w ? w : null;

    /// <summary>The live watch on exactly this path.</summary>
    public Watch? At(string path) => Find(path) is { State: WatchState.Live } w ? w : null;

    /// <summary>Every live watch (a snapshot).</summary>
    public List<Watch> LiveWatches => _byWd.All().FindAll(w => w.State == WatchState.Live);

    public int LiveCount => _liveCount;

    /// <summary>Nodes in the path tree (watches and intermediate nodes), for the memory benchmarks.</summary>
    internal int NodeCount => _children.Count + 1;

    /// <summary>Whether <paramref name="wd"/> belonged to a watch forgotten recently (a late event for it is expected).</summary>
    public bool IsRetired(int wd) => _retired.Contains(wd);

    /// <summary>Live watches at or below <paramref name="path"/>, parents before children.</summary>
    public List<Watch> Under(string path) => Under(path, prune: null);

    /// <summary>
    /// Live watches at or below <paramref name="path"/>, parents before children, leaving out every live watch for
    /// which <paramref name="prune"/> says true, and everything below it.
    /// </summary>
    public List<Watch> Under(string path, Func<Watch, bool>? prune)
    {
        var found = new List<Watch>();
        if (Find(path) is { } top)
            Collect(top, found, prune);
        return found;
    }

    /// <summary>Live watches at or below <paramref name="top"/> (a node of this tree), parents before children.</summary>
    public static void Collect(Watch top, List<Watch> into, Func<Watch, bool>? prune = null)
    {
        var pending = new Stack<Watch>();
        pending.Push(top);
        while (pending.TryPop(out var n))
        {
            if (n.State == WatchState.Live)
            {
                if (prune?.Invoke(n) == true)
                    continue;
                into.Add(n);
            }
            // Children are linked newest first; pushed in that order, they come out oldest first.
            for (var c = n.FirstChild; c is not null; c = c.NextSibling)
                pending.Push(c);
        }
    }

    /// <summary>
    /// Adds a new live watch as the holder of its path. Returns the live watch it displaced there, if any: that one's
    /// directory was replaced or moved without our seeing it, and the caller detaches it. The watches below the path
    /// stay where they are, now below the new watch.
    /// </summary>
    public Watch? Add(Watch w, string path) => Add(w, Locate(path));

    /// <summary>
    /// <see cref="Add(Watch, string)"/> at a spot <see cref="Locate"/> found, with no change to the tree since: a
    /// set-up looks each new path up once, not once to ask what holds it and again to put the watch there (each a
    /// probe of an index as large as the tree, a cache miss at a million directories).
    /// </summary>
    public Watch? Add(Watch w, in Spot spot)
    {
        w.State = WatchState.Live;
        if (_byWd.Find(w.Wd) is { } previous)
            _byWd.Remove(previous);
        _byWd.Add(w);
        _retired.Remove(w.Wd);
        _liveCount++;
        if (spot.IsRoot)
        {
            var old = _root;
            _root = w;
            return TakePlace(w, old);
        }
        if (spot.Parent is null)
            return AddWithNewParents(w, spot.Path!);
        if (spot.Node is { } holder)
            return TakePlace(w, holder);
        Link(w, spot.Parent, spot.Name, spot.Hash);
        return null;
    }

    /// <summary>A path whose parent directory has no node yet: the missing ones are made as intermediate nodes.</summary>
    private Watch? AddWithNewParents(Watch w, string path)
    {
        var names = Components(path, out var rented);
        try
        {
            var parent = EnsureParent(names.Parent);
            var name = names.Last;
            if (_children.Find(parent, name) is { } holder)
                return TakePlace(w, holder);
            Link(w, parent, _names.Get(name));
            return null;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Where <paramref name="path"/> is in the tree: the node on it, if any, and what <see cref="Add(Watch, in Spot)"/> needs to put one there.</summary>
    public Spot Locate(string path)
    {
        var names = Components(path, out var rented);
        try
        {
            if (names.IsRoot)
                return new Spot(path, null, [], 0, _root);
            if (FindParent(names.Parent) is not { } parent)
                return new Spot(path, null, _names.Get(names.Last), 0, null);
            return SpotUnder(parent, names.Last, path);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// <see cref="Locate"/> for the entry <paramref name="name"/> of the directory whose node is <paramref name="parent"/>:
    /// a walk that holds its directory's watch finds a sub-directory's spot with one probe and no path.
    /// </summary>
    public Spot LocateChild(Watch parent, ReadOnlySpan<byte> name) => SpotUnder(parent, name, path: null);

    private Spot SpotUnder(Watch parent, ReadOnlySpan<byte> name, string? path)
    {
        var hash = ChildIndex.Hash(parent, name);
        // The name's array only where a node may go in: a path already held needs none.
        return _children.Find(parent, name, hash) is { } node
            ? new Spot(path, parent, node.Name, hash, node)
            : new Spot(path, parent, _names.Get(name), hash, null);
    }

    /// <summary>
    /// <paramref name="results"/> name their watches by reference until read; before any node moves, each still held
    /// is given its paths as they are (AddWatch's answer is the paths as they were when it returned). A result
    /// nobody holds any more costs nothing.
    /// </summary>
    public void KeepPathsOf(WatchResults results)
    {
        if (_pendingResults.Count >= _pendingPurgeAt)
        {
            _pendingResults.RemoveAll(r => !r.TryGetTarget(out _));
            _pendingPurgeAt = Math.Max(16, 2 * _pendingResults.Count);
        }
        _pendingResults.Add(new WeakReference<WatchResults>(results));
    }

    private void NamePendingResults()
    {
        foreach (var r in _pendingResults)
            if (r.TryGetTarget(out var results))
                results.NameAll();
        _pendingResults.Clear();
    }

    /// <summary>
    /// Moves the node on <paramref name="oldPath"/> (and so every watch below it) to <paramref name="newPath"/>: one
    /// node changes parent or name. Returns the live watches the moved ones displaced at their new paths (the caller
    /// detaches them); the other watches already below the new path stay, merged into the moved subtree.
    /// </summary>
    public List<Watch> Move(string oldPath, string newPath)
    {
        var displaced = new List<Watch>();
        if (Find(oldPath) is not { } moved || ReferenceEquals(moved, _root) || PathText.IsAtOrBelow(newPath, oldPath))
            return displaced;
        NamePendingResults();
        var names = Components(newPath, out var rented);
        try
        {
            if (names.IsRoot)
                return displaced; // nothing moves onto "/"
            var oldParent = moved.Parent!;
            Unlink(moved);
            var parent = EnsureParent(names.Parent);
            var name = names.Last;
            var nameBytes = moved.Name.AsSpan().SequenceEqual(name) ? moved.Name : _names.Get(name);
            if (_children.Find(parent, name) is { } holder)
            {
                Unlink(holder);
                moved.Parent = parent;
                moved.Name = nameBytes;
                Watch.MarkMoved(moved);
                Link(Merge(moved, holder, displaced), parent, nameBytes);
            }
            else
            {
                Link(moved, parent, nameBytes);
                Watch.MarkMoved(moved);
            }
            Prune(oldParent);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
        return displaced;
    }

    /// <summary>Live to Removed (by the user) or Detached (by the tree bookkeeping): the path is free; events until IN_IGNORED still map to it.</summary>
    public void End(Watch w, WatchState state)
    {
        if (w.State != WatchState.Live)
            return;
        w.FreezePath();
        w.State = state;
        _liveCount--;
        if (w.FirstChild is not null)
        {
            // Its watches below stay: an intermediate node takes its place.
            var stand = Watch.Intermediate();
            if (ReferenceEquals(w, _root))
                _root = stand;
            TakePlace(stand, w);
            return;
        }
        if (ReferenceEquals(w, _root))
        {
            _root = Watch.Intermediate();
            return;
        }
        var parent = w.Parent!;
        Unlink(w);
        w.Parent = null;
        Prune(parent);
    }

    /// <summary>Forgets a watch for good (after its IN_IGNORED, or when the kernel says it is gone).</summary>
    public void Forget(Watch w)
    {
        if (w.State == WatchState.Forgotten)
            return;
        End(w, WatchState.Removed);
        w.State = WatchState.Forgotten;
        if (ReferenceEquals(_byWd.Find(w.Wd), w))
            _byWd.Remove(w);
        if (_retired.Add(w.Wd))
        {
            _retiredOrder.Enqueue(w.Wd);
            if (_retiredOrder.Count > RetiredCapacity)
                _retired.Remove(_retiredOrder.Dequeue());
        }
    }

    /// <summary>Forgets every watch; their paths stay readable (the tree is not changed any more).</summary>
    public void Clear()
    {
        foreach (var w in _byWd.All())
            w.State = WatchState.Forgotten;
        _byWd.Clear();
        _children.Clear();
        _root = Watch.Intermediate();
        _liveCount = 0;
    }

    /// <summary>The node (a live watch or an intermediate node) on exactly <paramref name="path"/>, or null.</summary>
    internal Watch? Find(string path)
    {
        var names = Components(path, out var rented);
        try
        {
            if (names.IsRoot)
                return _root;
            return FindParent(names.Parent) is { } parent ? _children.Find(parent, names.Last) : null;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The node of the directory <paramref name="parent"/> (encoded), made (as intermediate nodes) where missing.</summary>
    private Watch EnsureParent(ReadOnlySpan<byte> parent) => FindParent(parent, create: true)!;

    /// <summary>
    /// The node on the directory path <paramref name="parent"/> (encoded): null where one is missing, or with
    /// <paramref name="create"/> made as intermediate nodes. A walk adds a directory's entries one after another, so
    /// the last directory looked up is remembered: its siblings cost one probe, not one per name from the root. An
    /// unlink anywhere, or a new root, makes it stale (the chain it stands for may have changed).
    /// </summary>
    private Watch? FindParent(ReadOnlySpan<byte> parent, bool create = false)
    {
        if (_lastParent is { } cached && ReferenceEquals(_lastParentRoot, _root)
            && parent.SequenceEqual(_lastParentPath.AsSpan(0, _lastParentLength)))
            return cached;
        var node = _root;
        for (var at = 0; PathComponents.Next(parent, ref at, out var name);)
        {
            if (_children.Find(node, name) is { } child)
                node = child;
            else if (create)
            {
                child = Watch.Intermediate();
                Link(child, node, _names.Get(name));
                node = child;
            }
            else
                return null;
        }
        if (_lastParentPath.Length < parent.Length)
            _lastParentPath = new byte[Math.Max(parent.Length, 2 * _lastParentPath.Length)];
        parent.CopyTo(_lastParentPath);
        _lastParentLength = parent.Length;
        _lastParentRoot = _root;
        _lastParent = node;
        return node;
    }

    /// <summary>
    /// <paramref name="w"/> (not in the tree) takes the place of <paramref name="old"/>, with its name and its
    /// children. Returns <paramref name="old"/> when it was a live watch, which is displaced (Detached).
    /// </summary>
    private Watch? TakePlace(Watch w, Watch old)
    {
        old.FreezeIfLive();
        // The children's cached paths are checked against the moves of their chain: the node that stands in
        // carries the last move of the one it replaces, or a path cached before that move would pass for current.
        Watch.InheritMoves(w, old);
        if (old.Parent is { } parent)
        {
            Link(w, parent, old.Name, before: old);
            Unlink(old);
        }
        else
        {
            w.Parent = null;
            w.Name = [];
        }
        // Same path for every child: their cached paths stay true, only the index entry changes.
        while (old.FirstChild is { } c)
        {
            Unlink(c);
            Link(c, w, c.Name);
        }
        old.Parent = null;
        if (old.State != WatchState.Live)
            return null;
        old.State = WatchState.Detached;
        _liveCount--;
        return old;
    }

    /// <summary>
    /// One node for two that claim the same place (both out of the tree, their children still attached):
    /// <paramref name="moved"/> from the subtree that moves there, <paramref name="there"/> already there. A live
    /// watch beats an intermediate node; of two live watches the moved one stays and the other is displaced. Their
    /// children are merged the same way, name by name. Returns the node that stays (the caller links it).
    /// </summary>
    private Watch Merge(Watch moved, Watch there, List<Watch> displaced)
    {
        var movedWins = moved.State == WatchState.Live || there.State != WatchState.Live;
        var (keep, lose) = movedWins ? (moved, there) : (there, moved);
        // A watch displaced keeps the path it had: frozen while its chain of parents is still intact.
        if (lose.State == WatchState.Live)
            lose.FreezePath();
        while (lose.FirstChild is { } c)
        {
            Unlink(c);
            var name = c.Name;
            if (_children.Find(keep, name) is not { } mine)
            {
                Link(c, keep, name);
                Watch.MarkMoved(c); // its chain changed: a path it cached through the old one may be stale
                continue;
            }
            Unlink(mine);
            var merged = movedWins ? Merge(mine, c, displaced) : Merge(c, mine, displaced);
            Link(merged, keep, name);
            Watch.MarkMoved(merged);
        }
        lose.Parent = null;
        if (lose.State == WatchState.Live)
        {
            lose.State = WatchState.Detached;
            _liveCount--;
            displaced.Add(lose);
        }
        return keep;
    }

    /// <summary>Removes intermediate nodes left with no children, from <paramref name="node"/> up.</summary>
    private void Prune(Watch node)
    {
        while (node.State == WatchState.Intermediate && node.FirstChild is null && node.Parent is { } parent)
        {
            Unlink(node);
            node.Parent = null;
            node = parent;
        }
    }

    /// <summary>Puts <paramref name="node"/> under <paramref name="parent"/> as <paramref name="name"/> (first, or just before <paramref name="before"/>).</summary>
    private void Link(Watch node, Watch parent, byte[] name, Watch? before = null) => Link(node, parent, name, ChildIndex.Hash(parent, name), before);

    private void Link(Watch node, Watch parent, byte[] name, int hash, Watch? before = null)
    {
        node.Parent = parent;
        node.Name = name;
        if (before is not null && ReferenceEquals(before.Parent, parent))
        {
            node.PrevSibling = before.PrevSibling;
            node.NextSibling = before;
            if (before.PrevSibling is { } prev)
                prev.NextSibling = node;
            else
                parent.FirstChild = node;
            before.PrevSibling = node;
        }
        else
        {
            node.PrevSibling = null;
            node.NextSibling = parent.FirstChild;
            if (parent.FirstChild is { } first)
                first.PrevSibling = node;
            parent.FirstChild = node;
        }
        _children.Add(node, hash);
    }

    /// <summary>Takes <paramref name="node"/> out of its parent's children and out of the index (its Parent and Name stay, for its path).</summary>
    private void Unlink(Watch node)
    {
        _lastParent = null;
        _children.Remove(node);
        if (node.PrevSibling is { } prev)
            prev.NextSibling = node.NextSibling;
        else if (node.Parent is { } parent && ReferenceEquals(parent.FirstChild, node))
            parent.FirstChild = node.NextSibling;
        if (node.NextSibling is { } next)
            next.PrevSibling = node.PrevSibling;
        node.PrevSibling = null;
        node.NextSibling = null;
    }

    /// <summary>The names of an absolute path as byte ranges of its encoding (the kernel's bytes, see <see cref="FileNames"/>).</summary>
    private static PathComponents Components(string path, out byte[]? rented)
    {
        rented = ArrayPool<byte>.Shared.Rent(FileNames.ByteCount(path));
        return new PathComponents(rented, FileNames.Encode(path, rented));
    }

    /// <summary>An encoded absolute path, split into the directory and the last name ('/'s repeated or trailing are skipped).</summary>
    private readonly struct PathComponents
    {
        private readonly byte[] _bytes;
        private readonly int _length;
        private readonly int _lastStart;

        public PathComponents(byte[] bytes, int length)
        {
            while (length > 0 && bytes[length - 1] == (byte)'/')
                length--;
            _bytes = bytes;
            _length = length;
            _lastStart = bytes.AsSpan(0, length).LastIndexOf((byte)'/') + 1;
        }

        /// <summary>"/" itself: no name at all.</summary>
        public bool IsRoot => _length == 0;

        public ReadOnlySpan<byte> All => _bytes.AsSpan(0, _length);

        public ReadOnlySpan<byte> Last => _bytes.AsSpan(_lastStart, _length - _lastStart);

        public ReadOnlySpan<byte> Parent => _bytes.AsSpan(0, Math.Max(_lastStart - 1, 0));

        /// <summary>The next name of <paramref name="path"/> from <paramref name="at"/>; false at the end.</summary>
        public static bool Next(ReadOnlySpan<byte> path, ref int at, out ReadOnlySpan<byte> name)
        {
            while (at < path.Length && path[at] == (byte)'/')
                at++;
            if (at >= path.Length)
            {
                name = default;
                return false;
            }
            var end = path[at..].IndexOf((byte)'/');
            end = end < 0 ? path.Length : at + end;
            name = path[at..end];
            at = end;
            return true;
        }
    }
}

/// <summary>
/// What <see cref="WatchTable.Locate"/> found for a path: the node on it (<see cref="Node"/>, null if none) and, to put
/// one there, its parent's node (null when a directory above has no node yet: then <see cref="Path"/> is given), its
/// encoded name and that name's hash.
/// </summary>
internal readonly record struct Spot(string? Path, Watch? Parent, byte[] Name, int Hash, Watch? Node)
{
    /// <summary>The path is "/".</summary>
    public bool IsRoot => Name.Length == 0;

    /// <summary>The live watch on the path, or null.</summary>
    public Watch? Live => Node is { State: WatchState.Live } n ? n : null;
}
