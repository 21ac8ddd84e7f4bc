namespace InotifyGen;

/// <summary>
/// The walk behind a recursive watch (AddWatch's and the CLI's): a directory and every directory below it, top-down,
/// in sorted order, not following symbolic links inside the tree. A symbolic link given as the top is followed (as
/// inotifywait, watchdog and FileSystemWatcher do), and the paths below it keep the link's name.
/// </summary>
/// <remarks>
/// Reading a directory causes IN_OPEN, IN_ACCESS and IN_CLOSE_NOWRITE (with IN_ISDIR) on the directory's own watch,
/// and the same events, with the directory's name, on its parent's watch. So that setting up a watch reports none of
/// its own reading, each directory is listed before it and before its parent are visited (watched): the children of a
/// directory are listed just before the directory itself is visited. pyinotify (os.walk) lists each directory just
/// before watching it, so it still reports the reading of every sub-directory on its parent.
/// <para>
/// A directory waits for its visit after it was listed, and a sub-directory created in that time would be missed
/// (an autoAdd watch sees only what happens after it exists). After each visit the directory's modification time is
/// compared with the one read before its listing (stat causes no event), and a changed directory is listed again:
/// only then does the walk report its own reading. Since Linux 6.13 (multigrain timestamps on ext4, xfs, btrfs and
/// tmpfs) a change made after a stat always gets a newer, fine-grained time, so the check is exact; on older kernels
/// timestamps are as coarse as the clock tick, and a directory changed twice within one tick, around its listing,
/// can still hide such a sub-directory.
/// </para>
/// </remarks>
internal static class DirectoryWalk
{
    /// <summary>
    /// Calls <paramref name="visit"/> for <paramref name="top"/> and every directory below it, parents before children
    /// (a path that is not a real directory is visited alone). <paramref name="visit"/> watches the directory and
    /// returns whether to walk below it. A sub-directory for which <paramref name="prune"/> is true is neither
    /// listed, visited nor walked. Without <paramref name="followTopLink"/>, a symbolic link given as the top is
    /// visited alone.
    /// </summary>
    public static void Run(IFileSystem fs, string top, Func<string, bool> visit, Func<string, bool>? prune = null, bool followTopLink = true)
    {
        var isLink = false;
        if (!fs.IsDirectory(top, followLinks: false) && !(isLink = followTopLink && fs.IsDirectory(top, followLinks: true)))
        {
            visit(top);
            return;
        }
        var pending = new Stack<Listing>();
        // The link's own time never changes: a trailing slash makes the stamp the directory's it points to.
        pending.Push(List(fs, top, prune, isLink ? top + "/" : top));
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            // The children are listed while neither they nor this directory are watched.
            var children = new List<Listing>(dir.Children.Length);
            foreach (var c in dir.Children)
                children.Add(List(fs, c, prune));
            if (!visit(dir.Path))
                continue;
            if (fs.Stamp(dir.StampPath) != dir.Stamp)
            {
                // Changed since its listing: what appeared meanwhile may be a directory its watch will never report.
                var known = new HashSet<string>(dir.Children, StringComparer.Ordinal);
                foreach (var c in List(fs, dir.Path, prune).Children)
                    if (!known.Contains(c))
                        children.Add(List(fs, c, prune));
                children.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            }
            for (var i = children.Count - 1; i >= 0; i--)
                pending.Push(children[i]);
        }
    }

    /// <summary>The walk over the real file system; see <see cref="Run(IFileSystem, string, Func{string, bool}, Func{string, bool}?, bool)"/>.</summary>
    public static void Run(string top, Func<string, bool> visit, Func<string, bool>? prune = null) =>
        Run(LinuxFileSystem.Instance, top, visit, prune);

    /// <summary>Every directory the walk would visit, in its order (no watches; for tests and tools).</summary>
    public static List<string> Directories(string top)
    {
        var all = new List<string>();
        Run(LinuxFileSystem.Instance, top, d => { all.Add(d); return true; });
        return all;
    }

    /// <summary>
    /// The sub-directories of <paramref name="directory"/> as full paths, sorted in ordinal order: the one rule for
    /// which entries a walk goes into. A symbolic link is not a directory here (links inside a tree are not
    /// followed), and a directory that vanished or cannot be read has none.
    /// </summary>
    public static string[] SubDirectories(IFileSystem fs, string directory)
    {
        var entries = fs.List(directory);
        var children = new List<string>(entries.Count);
        foreach (var e in entries)
            if (e.IsDirectory)
                children.Add(PathText.Join(directory, e.Name));
        children.Sort(StringComparer.Ordinal);
        return [.. children];
    }

    /// <summary>A directory's sub-directories (sorted, not pruned ones), and its modification time from before reading them.</summary>
    private readonly record struct Listing(string Path, long Stamp, string[] Children, string StampPath);

    private static Listing List(IFileSystem fs, string path, Func<string, bool>? prune, string? stampPath = null)
    {
        stampPath ??= path;
        var stamp = fs.Stamp(stampPath);
        var children = SubDirectories(fs, path);
        if (prune is not null)
            children = Array.FindAll(children, c => !prune(c));
        return new Listing(path, stamp, children, stampPath);
    }
}
