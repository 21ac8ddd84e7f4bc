using InotifyGen.Interop;

namespace InotifyGen;

/// <summary>One entry of a directory listing: its name (lossless, see <see cref="FileNames"/>) and whether it is a directory or a regular file.</summary>
internal readonly record struct DirectoryEntry(string Name, bool IsDirectory, bool IsFile = false);

/// <summary>Whether a regular file is open for writing by anyone, as far as the kernel lets us ask.</summary>
internal enum WriteState
{
    /// <summary>No one has it open for writing.</summary>
    Closed,
    /// <summary>Some process (maybe another thread of this one) has it open for writing.</summary>
    OpenForWriting,
    /// <summary>Opened, but not ours to ask about: neither its owner nor CAP_LEASE, or a file system without leases.</summary>
    Unknown,
    /// <summary>Could not be opened to ask: gone, unreadable, or a symbolic link now.</summary>
    Unreadable,
}

/// <summary>
/// What the tree bookkeeping reads from the file system: listings, types, and whether a file is open for writing. A
/// listing causes IN_OPEN, IN_ACCESS and IN_CLOSE_NOWRITE on the directory (and, with its name, on its parent); a type
/// check causes no event. Tests replace it with a simulated tree.
/// </summary>
internal interface IFileSystem
{
    /// <summary>
    /// The entries of <paramref name="directory"/>, unsorted, without "." and "..". A symbolic link is never a
    /// directory here (links are not followed). Empty when the directory is gone, unreadable or not a directory.
    /// With <paramref name="directoriesOnly"/>, only the sub-directories.
    /// </summary>
    List<DirectoryEntry> List(string directory, bool directoriesOnly = false);

    /// <summary>
    /// <see cref="List"/> of the directory at <paramref name="directory"/> (exact bytes, NUL-terminated) into
    /// <paramref name="into"/> (added to, not cleared), names as bytes: the walk's listing, which makes no string.
    /// </summary>
    void ListInto(ReadOnlySpan<byte> directory, Listing into, bool directoriesOnly)
    {
        foreach (var e in List(FileNames.Decode(directory[..^1]), directoriesOnly))
            into.Add(FileNames.Encode(e.Name), e.IsDirectory, e.IsFile);
    }

    /// <summary>Whether <paramref name="path"/> is a directory; without <paramref name="followLinks"/>, a symbolic link to one is not.</summary>
    bool IsDirectory(string path, bool followLinks);

    /// <summary>
    /// Whether the regular file at <paramref name="path"/> is open for writing. It opens the file read-only for a
    /// moment, which causes IN_OPEN and IN_CLOSE_NOWRITE on it (and on its directory's watch, with its name).
    /// </summary>
    WriteState Writers(string path);
}

/// <summary>The real file system: open + getdents64 into a reused buffer, names as exact bytes, and raw statx.</summary>
internal sealed unsafe class LinuxFileSystem : IFileSystem
{
    public static readonly LinuxFileSystem Instance = new();

    [ThreadStatic] private static byte[]? t_buffer;

    [ThreadStatic] private static Listing? t_listing;

    public List<DirectoryEntry> List(string directory, bool directoriesOnly = false)
    {
        var listing = t_listing ??= new Listing();
        listing.Clear();
        using (var native = new NativePath(directory))
            ListInto(native.Bytes, listing, directoriesOnly);
        var entries = new List<DirectoryEntry>(listing.Count);
        for (var i = 0; i < listing.Count; i++)
        {
            var e = listing[i];
            entries.Add(new DirectoryEntry(e.NameText, e.IsDirectory, e.IsFile));
        }
        return entries;
    }

    public void ListInto(ReadOnlySpan<byte> directory, Listing entries, bool directoriesOnly)
    {
        int fd;
        fixed (byte* path = directory)
            fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (fd < 0)
            return; // gone, replaced by a file, or unreadable meanwhile: its own events tell the rest
        try
        {
            var buffer = t_buffer ??= new byte[32 * 1024];
            fixed (byte* start = buffer)
            {
                while (true)
                {
                    var n = Libc.GetDents64(fd, start, (nuint)buffer.Length);
                    if (n <= 0)
                        break; // 0: the end; < 0: the directory was removed while being read
                    // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
                    for (var offset = 0; offset < n;)
                    {
                        var record = start + offset;
                        var length = *(ushort*)(record + 16);
                        var type = record[18];
                        var name = new ReadOnlySpan<byte>(record + 19, length - 19);
                        name = name[..name.IndexOf((byte)0)];
                        offset += length;
                        if (name is [(byte)'.'] or [(byte)'.', (byte)'.'])
                            continue;
                        if (directoriesOnly && type is not (Libc.DT_DIR or Libc.DT_UNKNOWN))
                            continue;
                        if (type == Libc.DT_UNKNOWN)
                        {
                            type = TypeOf(fd, record + 19); // a file system that does not fill d_type: one statx, relative to the open directory
                            if (directoriesOnly && type != Libc.DT_DIR)
                                continue;
                        }
                        entries.Add(name, type == Libc.DT_DIR, type == Libc.DT_REG);
                    }
                }
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    public bool IsDirectory(string path, bool followLinks)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        if (Libc.Statx(Libc.AT_FDCWD, path, followLinks ? 0 : Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_TYPE, buffer) != 0)
            return false;
        return (*(ushort*)(buffer + Libc.StatxModeOffset) & Libc.S_IFMT) == Libc.S_IFDIR;
    }

    /// <summary>
    /// Asks the kernel for a read lease for a moment: it refuses one (EAGAIN) exactly when the inode is open for writing
    /// (its write count is not zero), which no stat tells. The lease is dropped at once; a writer that opens the file
    /// in between waits that long, and the break is signalled with SIGURG, which is ignored unless handled, instead of
    /// SIGIO, which would end the process.
    /// </summary>
    public WriteState Writers(string path)
    {
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC);
        if (fd < 0)
            return WriteState.Unreadable;
        try
        {
            if (Libc.Fcntl(fd, Libc.F_SETSIG, Libc.SIGURG) != 0)
                return WriteState.Unknown;
            if (Libc.Fcntl(fd, Libc.F_SETLEASE, Libc.F_RDLCK) == 0)
            {
                Libc.Fcntl(fd, Libc.F_SETLEASE, Libc.F_UNLCK);
                return WriteState.Closed;
            }
            // EAGAIN: open for writing. EACCES: neither the owner nor CAP_LEASE; EINVAL: not a regular file, or a file
            // system without leases.
            return Libc.LastErrno == Libc.EAGAIN ? WriteState.OpenForWriting : WriteState.Unknown;
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    private static byte TypeOf(int directoryFd, byte* name)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        if (Libc.Statx(directoryFd, name, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_TYPE, buffer) != 0)
            return Libc.DT_UNKNOWN;
        return (*(ushort*)(buffer + Libc.StatxModeOffset) & Libc.S_IFMT) switch
        {
            Libc.S_IFDIR => Libc.DT_DIR,
            Libc.S_IFREG => Libc.DT_REG,
            _ => Libc.DT_UNKNOWN,
        };
    }
}
