using InotifyGen.Interop;

namespace InotifyGen.Nats.State;

/// <summary>
/// What the catch-up after a restart compares for one entry: its inode, size and modification time (nanoseconds),
/// read with statx without following a last symbolic link.
/// </summary>
internal readonly record struct FileStamp(ulong Inode, long Size, long MtimeNs, bool IsDir)
{
    /// <summary>The entry's stamp now, or null when it is gone (or cannot be read).</summary>
    public static unsafe FileStamp? Of(string path)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        const uint mask = Libc.STATX_TYPE | Libc.STATX_INO | Libc.STATX_SIZE | Libc.STATX_MTIME;
        if (Libc.Statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, mask, buffer) != 0)
            return null;
        var isDir = (*(ushort*)(buffer + Libc.StatxModeOffset) & Libc.S_IFMT) == Libc.S_IFDIR;
        var mtime = *(long*)(buffer + Libc.StatxMtimeOffset) * 1_000_000_000 + *(uint*)(buffer + Libc.StatxMtimeOffset + 8);
        return new FileStamp(*(ulong*)(buffer + Libc.StatxInoOffset), isDir ? 0 : *(long*)(buffer + Libc.StatxSizeOffset), isDir ? 0 : mtime, isDir);
    }

    /// <summary>Whether the content may differ: a file's size or modification time changed (same inode).</summary>
    public bool ContentDiffers(FileStamp other) => Size != other.Size || MtimeNs != other.MtimeNs;
}
