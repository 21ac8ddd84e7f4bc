using System.Runtime.InteropServices;

namespace InotifyGen.Interop;

/// <summary>The libc calls InotifyGen makes. Source-generated marshalling: trim- and AOT-safe.</summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    public const int IN_NONBLOCK = 0x800;
    public const int IN_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;
    public const ulong FIONREAD = 0x541B;
    public const short POLLIN = 0x1;

    public const int EINTR = 4, EAGAIN = 11, ENOENT = 2, EACCES = 13, ENOTDIR = 20, EINVAL = 22,
        ENFILE = 23, EMFILE = 24, ENOSPC = 28, ENAMETOOLONG = 36, ELOOP = 40, EBADF = 9, ENOMEM = 12;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    [LibraryImport(Lib, EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int InotifyInit1(int flags);

    [LibraryImport(Lib, EntryPoint = "inotify_add_watch", SetLastError = true)]
    private static partial int InotifyAddWatch(SafeHandle fd, byte* path, uint mask);

    /// <summary>inotify_add_watch with the path's exact bytes (<see cref="FileNames"/>).</summary>
    public static int InotifyAddWatch(SafeHandle fd, string path, uint mask)
    {
        using var native = new NativePath(path);
        fixed (byte* p = native.Bytes)
            return InotifyAddWatch(fd, p, mask);
    }

    [LibraryImport(Lib, EntryPoint = "inotify_rm_watch", SetLastError = true)]
    public static partial int InotifyRmWatch(SafeHandle fd, int wd);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(SafeHandle fd, byte* buffer, nint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(SafeHandle fd, byte* buffer, nint count);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(SafeHandle fd, ulong request, out int value);

    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, STATX_MTIME = 0x40;
    /// <summary>Where stx_mtime (struct statx_timestamp: i64 seconds, u32 nanoseconds) sits in struct statx, on every architecture.</summary>
    public const int StatxMtimeOffset = 112;
    public const int StatxSize = 256;

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true)]
    private static partial int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    /// <summary>statx with the path's exact bytes.</summary>
    public static int Statx(int dirfd, string path, int flags, uint mask, byte* buffer)
    {
        using var native = new NativePath(path);
        fixed (byte* p = native.Bytes)
            return Statx(dirfd, p, flags, mask, buffer);
    }

    public const int O_RDONLY = 0, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000;
    /// <summary>d_type values of struct linux_dirent64.</summary>
    public const byte DT_UNKNOWN = 0, DT_DIR = 4;
    public const uint STATX_TYPE = 0x1;
    public const int S_IFMT = 0xF000, S_IFDIR = 0x4000;
    /// <summary>Where stx_mode (u16) sits in struct statx.</summary>
    public const int StatxModeOffset = 28;

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte* path, int flags);

    /// <summary>open(2) with the path's exact bytes.</summary>
    public static int Open(string path, int flags)
    {
        using var native = new NativePath(path);
        fixed (byte* p = native.Bytes)
            return Open(p, flags);
    }

    [LibraryImport(Lib, EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint GetDents64(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    /// <summary>The C library's text for an errno, e.g. "No such file or directory".</summary>
    public static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";
}
