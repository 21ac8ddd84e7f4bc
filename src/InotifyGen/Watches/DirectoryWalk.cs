namespace InotifyGen;

/// <summary>
/// What one walk does at each directory (<see cref="DirectoryWalk.Walk{T}"/>): the set-up of a recursive watch, the
/// adoption of a new or moved-in directory, and the overflow rescan are three visitors of the one walk, so they share
/// its rules: top-down, entries in ordinal order, a symbolic link is never a directory (links inside a tree are not
/// followed), and a directory that vanished or cannot be read lists as empty.
/// </summary>
internal interface IDirectoryVisitor<T>
{
    /// <summary>True: only sub-directories are listed and entered (no string is made for any other entry).</summary>
    bool DirectoriesOnly { get; }

    /// <summary>True: <see cref="Finished"/> is called for each directory once it and all its sub-directories were listed.</summary>
    bool WantsFinished => false;

    /// <summary>Where <paramref name="dir"/> is now (read when it is listed).</summary>
    string PathOf(T dir);

    /// <summary>Just before <paramref name="dir"/> is listed (a watch is added here); false: it is neither listed nor walked.</summary>
    bool Visit(T dir);

    /// <summary>Right after the listing, before any entry (the list is the walk's, reused: not to be kept); false: nothing below <paramref name="dir"/> is entered.</summary>
    bool Listed(T dir, List<DirectoryEntry> entries) => true;

    /// <summary>One entry of <paramref name="dir"/>'s listing, in ordinal order; returns the directory to walk into, or null.</summary>
    T? Enter(T dir, string path, DirectoryEntry entry);

    /// <summary>After the last entry of <paramref name="dir"/>.</summary>
    void EndListing(T dir)
    {
    }

    /// <summary><paramref name="dir"/> and every sub-directory of it have been listed (only with <see cref="WantsFinished"/>).</summary>
    void Finished(T dir)
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
    /// <summary>Walks from <paramref name="top"/> (visited first, like every directory below it).</summary>
    public static void Walk<T>(IFileSystem fs, T top, IDirectoryVisitor<T> visitor) where T : class
    {
        // A frame with Done set is a directory whose sub-directories were all pushed: popped, they have all been listed.
        var pending = new Stack<(T Dir, bool Done)>();
        var children = new List<T>();
        // One listing at a time: each is used up (entered, entry by entry) before the next directory is listed.
        var entries = new List<DirectoryEntry>();
        pending.Push((top, false));
        var finished = visitor.WantsFinished;
        while (pending.Count > 0)
        {
            var (dir, done) = pending.Pop();
            if (done)
            {
                visitor.Finished(dir);
                continue;
            }
            if (!visitor.Visit(dir))
                continue;
            var path = visitor.PathOf(dir);
            entries.Clear();
            fs.ListInto(path, entries, visitor.DirectoriesOnly);
            if (finished)
                pending.Push((dir, true));
            if (!visitor.Listed(dir, entries))
                continue;
            if (entries.Count > 1)
                entries.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            children.Clear();
            foreach (var e in entries)
                if (visitor.Enter(dir, PathText.Join(path, e.Name), e) is { } child)
                    children.Add(child);
            visitor.EndListing(dir);
            for (var i = children.Count - 1; i >= 0; i--)
                pending.Push((children[i], false));
        }
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
        Walk(fs, top, new PathVisitor(visit, prune, finished));
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

    /// <summary>The set-up's visitor: directories only, a callback per directory.</summary>
    private sealed class PathVisitor(Func<string, bool> visit, Func<string, bool>? prune, Action<string>? finished) : IDirectoryVisitor<string>
    {
        public bool DirectoriesOnly => true;
        public bool WantsFinished => finished is not null;
        public string PathOf(string dir) => dir;
        public bool Visit(string dir) => visit(dir);
        public string? Enter(string dir, string path, DirectoryEntry entry) => entry.IsDirectory && prune?.Invoke(path) != true ? path : null;
        public void Finished(string dir) => finished!(dir);
    }
}
