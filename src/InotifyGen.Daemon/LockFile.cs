using InotifyGen.Interop;

namespace InotifyGen.Daemon;

/// <summary>
/// An exclusive flock() on a file, held until Dispose or process death. Dispose unlinks the file before it lets go
/// of the lock, so a process that opened the file just before and then gets the lock holds it on a file that is no
/// longer there: <see cref="TryTake"/> checks that the locked file is still the one at the path, and retries if not.
/// </summary>
internal sealed unsafe class LockFile : IDisposable
{
    private int _fd;

    private LockFile(string path, int fd)
    {
        Path = path;
        _fd = fd;
    }

    public string Path { get; }

    /// <summary>The lock on <paramref name="path"/> (created if missing), or null while another process holds it.</summary>
    /// <exception cref="PidFileException">The file cannot be opened or locked; the message says why.</exception>
    public static LockFile? TryTake(string path)
    {
        while (true)
        {
            var fd = Libc.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, Convert.ToInt32("644", 8));
            if (fd < 0)
                throw new PidFileException(path, null, $"cannot open lock file '{path}': {Libc.Describe(Libc.LastErrno)}");
            int rc, errno;
            do
            {
                rc = Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB);
                errno = rc == 0 ? 0 : Libc.LastErrno;
            }
            while (errno == Libc.EINTR);
            if (rc != 0)
            {
                Libc.Close(fd);
                return errno == Libc.EWOULDBLOCK ? null
                    : throw new PidFileException(path, null, $"cannot lock '{path}': {Libc.Describe(errno)}");
            }
            if (IsStillAt(fd, path))
                return new LockFile(path, fd);
            Libc.Close(fd); // its holder removed it before releasing it: lock the new one
        }
    }

    /// <summary>Removes the lock file, then releases the lock. Idempotent.</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0)
            return;
        Libc.Unlink(Path);
        Libc.Close(fd);
    }

    private static bool IsStillAt(int fd, string path)
    {
        var opened = stackalloc byte[Libc.StatxSize];
        var there = stackalloc byte[Libc.StatxSize];
        if (Libc.Statx(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_INO, opened) != 0)
        {
            var errno = Libc.LastErrno;
            Libc.Close(fd);
            throw new PidFileException(path, null, $"cannot stat lock file '{path}': {Libc.Describe(errno)}");
        }
        if (Libc.Statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_INO, there) != 0)
            return false; // unlinked since we opened it
        return *(ulong*)(opened + Libc.StatxInoOffset) == *(ulong*)(there + Libc.StatxInoOffset)
            && *(ulong*)(opened + Libc.StatxDevMajorOffset) == *(ulong*)(there + Libc.StatxDevMajorOffset); // major, then minor
    }
}
