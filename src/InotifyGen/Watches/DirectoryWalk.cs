namespace InotifyGen;

/// <summary>
/// What one walk does at each directory (<see cref="DirectoryWalk.Walk{T}"/>): the set-up of a recursive watch, the
/// adoption of a new or moved-in directory, and the overflow rescan are three visitors of the one walk, so they share
/// its rules: top-down, entries in ordinal order, a symbolic link is never a directory (links inside a tree are not
/// followed), and a directory that vanished or cannot be read lists as empty.
/// </summary>
internal interface IDirectoryVisitor<T> where T : class
{
    /// <summary>True: only sub-directories are listed and entered.</summary>
    bool DirectoriesOnly { get; }

    /// <summary>True: <see cref="Finished"/> is called for each directory once it and all its sub-directories were listed.</summary>
    bool WantsFinished => false;

    /// <summary>
    /// Just before <paramref name="dir"/> (what <see cref="Enter"/> gave for it) is listed, at <paramref name="path"/>:
    /// its parent's path and its name, which the visitor may <see cref="WalkPath.Set"/> to where it is now. Returns
    /// what stands for the directory while it is listed and walked (its watch, say), or null: it is neither.
    /// </summary>
    T? Visit(T dir, WalkPath path);

    /// <summary>Right after the listing, before any entry (the listing is the walk's, reused: not to be kept); false: nothing below <paramref name="dir"/> is entered.</summary>
    bool Listed(T dir, Listing entries) => true;

    /// <summary>One entry of <paramref name="dir"/>'s listing at <paramref name="path"/>, in byte order; returns what to visit for it, or null.</summary>
    T? Enter(T dir, WalkPath path, ListedEntry entry);

    /// <summary>After the last entry of <paramref name="dir"/>.</summary>
    void EndListing(T dir)
    {
    }

    /// <summary><paramref name="dir"/>, at <paramref name="path"/>, and every sub-directory of it have been listed (only with <see cref="WantsFinished"/>).</summary>
    void Finished(T dir, WalkPath path)
    {
    }
}

/// <summary>
/// The one directory walker: AddWatch's recursive set-up and the CLI's, the adoption of new and moved-in directories,
/// and the overflow rescan all walk through <see cref="Walk{T}"/>. Depth first, parents before children, sorted.
/// </summary>
/// <remarks>
/// Watch first, then list: each directory is visited (watched) just before it is listed, so an entry created after
/// the watch exists is reported by the kernel and one created before it is found by the listing; nothing can hide
/// between the two, on any kernel (no timestamp is compared). Reading a directory causes IN_OPEN, IN_ACCESS and
/// IN_CLOSE_NOWRITE (with IN_ISDIR) on its own watch and, with its name, on its parent's: a set-up that must not report
/// its own reading watches without those events at first and widens each watch once the directory and all its
/// sub-directories have been listed (<see cref="IDirectoryVisitor{T}.Finished"/>, post-order).
/// </remarks>
internal static class DirectoryWalk
{
    /// <summary>Walks from <paramref name="dir"/> at <paramref name="top"/> (visited first, like every directory below it).</summary>
    public static void Walk<T>(IFileSystem fs, string top, T dir, IDirectoryVisitor<T> visitor) where T : class
    {
        // Paths are built in one buffer (a directory's is its parent's and its name), names wait in one stack of
        // bytes, and each listing goes into one reused Listing: no string, list or array per directory.
        var path = new WalkPath();
        path.Set(top);
        var names = new NameStack();
        var listing = new Listing();
        var pending = new Stack<Frame<T>>();
        var children = new List<(T Dir, int Entry)>();
        var finished = visitor.WantsFinished;
        pending.Push(new Frame<T>(dir, Done: false, ParentLength: -1, 0, 0));
        while (pending.Count > 0)
        {
            var frame = pending.Pop();
            if (frame.Done)
            {
                // Everything below was walked since; the path still starts with this directory's.
                path.Truncate(frame.ParentLength);
                visitor.Finished(frame.Dir, path);
                continue;
            }
            if (frame.ParentLength >= 0)
            {
                path.Enter(frame.ParentLength, names.Peek(frame.NameOffset, frame.NameLength));
                names.Pop(frame.NameOffset);
            }
            if (visitor.Visit(frame.Dir, path) is not { } entered)
                continue;
            var length = path.Length;
            listing.Clear();
            fs.ListInto(path.Terminated, listing, visitor.DirectoriesOnly);
            if (finished)
                pending.Push(new Frame<T>(entered, Done: true, length, 0, 0));
            if (!visitor.Listed(entered, listing))
                continue;
            listing.Sort();
            children.Clear();
            for (var i = 0; i < listing.Count; i++)
            {
                var entry = listing[i];
                path.Enter(length, entry.Name);
                if (visitor.Enter(entered, path, entry) is { } child)
                    children.Add((child, i));
            }
            path.Truncate(length);
            visitor.EndListing(entered);
            // Last child first, so the first is walked first; its name is then the top of the name stack.
            for (var i = children.Count - 1; i >= 0; i--)
            {
                var name = listing[children[i].Entry].Name;
                pending.Push(new Frame<T>(children[i].Dir, Done: false, length, names.Push(name), name.Length));
            }
        }
    }

    /// <summary>
    /// A directory still to walk (its name at <see cref="NameOffset"/> in the name stack, its parent's path
    /// <see cref="ParentLength"/> bytes long; -1 for the top), or, with <see cref="Done"/>, one whose sub-directories
    /// were all pushed (popped, they have all been listed; <see cref="ParentLength"/> is then its own path's length).
    /// </summary>
    private readonly record struct Frame<T>(T Dir, bool Done, int ParentLength, int NameOffset, int NameLength);

    /// <summary>The names of the directories still to walk, last pushed on top: the walk pops them in that order.</summary>
    private sealed class NameStack
    {
        private byte[] _bytes = new byte[4096];
        private int _used;

        public int Push(ReadOnlySpan<byte> name)
        {
            if (_used + name.Length > _bytes.Length)
                Array.Resize(ref _bytes, Math.Max(2 * _bytes.Length, _used + name.Length));
            name.CopyTo(_bytes.AsSpan(_used));
            var at = _used;
            _used += name.Length;
            return at;
        }

        public ReadOnlySpan<byte> Peek(int offset, int length) => _bytes.AsSpan(offset, length);

        /// <summary>Drops the name at <paramref name="offset"/>, the top one, and nothing below it.</summary>
        public void Pop(int offset) => _used = offset;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for <paramref name="top"/> and every directory below it, parents before children,
    /// each just before it is listed (a path that is not a real directory is visited alone). <paramref name="visit"/>
    /// watches the directory and returns whether to walk below it. A sub-directory for which <paramref name="prune"/>
    /// is true is neither visited nor walked. Without <paramref name="followTopLink"/>, a symbolic link given as the top
    /// is visited alone; with it, the directory it points to is walked under the link's name. <paramref name="finished"/>
    /// is called for each directory once it and all its sub-directories have been listed.
    /// </summary>
    public static void Run(IFileSystem fs, string top, Func<string, bool> visit, Func<string, bool>? prune = null, bool followTopLink = true,
        Action<string>? finished = null)
    {
        if (!fs.IsDirectory(top, followLinks: false) && !(followTopLink && fs.IsDirectory(top, followLinks: true)))
        {
            visit(top);
            return;
        }
        Walk(fs, top, top, new PathVisitor(visit, prune, finished));
    }

    /// <summary>The walk over the real file system; see <see cref="Run(IFileSystem, string, Func{string, bool}, Func{string, bool}?, bool, Action{string}?)"/>.</summary>
    public static void Run(string top, Func<string, bool> visit, Func<string, bool>? prune = null) =>
        Run(LinuxFileSystem.Instance, top, visit, prune);

    /// <summary>Every directory the walk would visit, in its order (no watches; for tests and tools).</summary>
    public static List<string> Directories(string top)
    {
        var all = new List<string>();
        Run(LinuxFileSystem.Instance, top, d => { all.Add(d); return true; });
        return all;
    }

    /// <summary>The visitor of <see cref="Run(IFileSystem, string, Func{string, bool}, Func{string, bool}?, bool, Action{string}?)"/>: directories only, a callback with its path per directory.</summary>
    private sealed class PathVisitor(Func<string, bool> visit, Func<string, bool>? prune, Action<string>? finished) : IDirectoryVisitor<string>
    {
        public bool DirectoriesOnly => true;
        public bool WantsFinished => finished is not null;

        public string? Visit(string dir, WalkPath path)
        {
            // The top is visited with the path given; below it, with the one the walk built.
            var at = dir == Below ? path.ToString() : dir;
            return visit(at) ? at : null;
        }

        public string? Enter(string dir, WalkPath path, ListedEntry entry) =>
            entry.IsDirectory && prune?.Invoke(path.ToString()) != true ? Below : null;

        public void Finished(string dir, WalkPath path) => finished!(dir);

        /// <summary>What Enter gives for a sub-directory (no path holds a NUL): its path is made when it is visited.</summary>
        private const string Below = "\0";
    }
}
