using InotifyGen.Interop;

namespace InotifyGen;

/// <summary>
/// The walk behind a recursive watch (AddWatch's and the CLI's): a directory and every directory below it, top-down,
/// in sorted order, not following symbolic links.
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
    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        ReturnSpecialDirectories = false,
    };

    /// <summary>
    /// Calls <paramref name="visit"/> for <paramref name="top"/> and every directory below it, parents before children
    /// (a path that is not a real directory is visited alone). <paramref name="visit"/> watches the directory and
    /// returns whether to walk below it. A sub-directory for which <paramref name="prune"/> is true is neither
    /// listed, visited nor walked.
    /// </summary>
    public static void Run(string top, Func<string, bool> visit, Func<string, bool>? prune = null)
    {
        if (!IsRealDirectory(top))
        {
            visit(top);
            return;
        }
        var pending = new Stack<Listing>();
        pending.Push(List(top, prune));
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            // The children are listed while neither they nor this directory are watched.
            var children = new List<Listing>(dir.Children.Length);
            foreach (var c in dir.Children)
                children.Add(List(c, prune));
            if (!visit(dir.Path))
                continue;
            if (Stamp(dir.Path) != dir.Stamp)
            {
                // Changed since its listing: what appeared meanwhile may be a directory its watch will never report.
                var known = new HashSet<string>(dir.Children, StringComparer.Ordinal);
                foreach (var c in List(dir.Path, prune).Children)
                    if (!known.Contains(c))
                        children.Add(List(c, prune));
                children.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            }
            for (var i = children.Count - 1; i >= 0; i--)
                pending.Push(children[i]);
        }
    }

    /// <summary>Every directory the walk would visit, in its order (no watches; for tests and tools).</summary>
    public static List<string> Directories(string top)
    {
        var all = new List<string>();
        Run(top, d => { all.Add(d); return true; });
        return all;
    }

    /// <summary>A directory's sub-directories (sorted, not pruned ones), and its modification time from before reading them.</summary>
    private readonly record struct Listing(string Path, long Stamp, string[] Children);

    private static Listing List(string path, Func<string, bool>? prune)
    {
        var stamp = Stamp(path);
        string[] children;
        try { children = Directory.GetDirectories(path, "*", Options); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { children = []; } // gone or unreadable meanwhile
        if (prune is not null)
            children = Array.FindAll(children, c => !prune(c));
        Array.Sort(children, StringComparer.Ordinal);
        return new Listing(path, stamp, children);
    }

    /// <summary>
    /// The modification time in nanoseconds, by one statx call asking for nothing else: unlike reading the directory
    /// it causes no inotify event, and it is cheap enough to make twice per directory of a 100,000-directory tree.
    /// 0 when the directory is gone or unreadable.
    /// </summary>
    private static unsafe long Stamp(string path)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        if (Libc.Statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_MTIME, buffer) != 0)
            return 0;
        var seconds = *(long*)(buffer + Libc.StatxMtimeOffset);
        var nanoseconds = *(uint*)(buffer + Libc.StatxMtimeOffset + 8);
        return seconds * 1_000_000_000 + nanoseconds;
    }

    private static bool IsRealDirectory(string path)
    {
        try { return Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
