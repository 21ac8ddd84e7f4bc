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

    [LibraryImport(Lib, EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int InotifyAddWatch(SafeHandle fd, string path, uint mask);

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

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    /// <summary>The C library's text for an errno, e.g. "No such file or directory".</summary>
    public static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";
}
