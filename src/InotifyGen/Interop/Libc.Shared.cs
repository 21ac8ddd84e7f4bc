using System.Runtime.InteropServices;

namespace InotifyGen.Interop;

/// <summary>
/// The part of the libc layer that every InotifyGen assembly needs: errno values and text, close, open flags, statx.
/// This one file is compiled into InotifyGen and (linked) into InotifyGen.Daemon, so each assembly's internal
/// <c>Libc</c> is this plus the calls of its own (Libc.cs here, Interop/Libc.Process.cs there).
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EBADF = 9, EAGAIN = 11, ENOMEM = 12, EACCES = 13,
        EEXIST = 17, ENOTDIR = 20, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOSPC = 28, ENAMETOOLONG = 36, ELOOP = 40;

    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_APPEND = 0x400, O_DIRECTORY = 0x10000,
        O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000;

    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;
    public const uint STATX_TYPE = 0x1, STATX_MTIME = 0x40, STATX_INO = 0x100, STATX_SIZE = 0x200;
    /// <summary>
    /// Where fields sit in struct statx, on every architecture: stx_mode (u16), stx_ino (u64), stx_size (u64), stx_mtime
    /// (struct statx_timestamp: i64 seconds, u32 nanoseconds), stx_dev_major and stx_dev_minor (u32 each).
    /// </summary>
    public const int StatxModeOffset = 28, StatxInoOffset = 32, StatxSizeOffset = 40, StatxMtimeOffset = 112, StatxDevMajorOffset = 136;
    public const int StatxSize = 256;

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    /// <summary>errno of the last call declared with SetLastError.</summary>
    public static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>The C library's text for an errno, e.g. "No such file or directory".</summary>
    public static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";
}
