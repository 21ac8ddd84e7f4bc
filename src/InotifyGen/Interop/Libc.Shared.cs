using System.Runtime.InteropServices;

namespace InotifyGen.Interop;

/// <summary>
/// The part of the libc layer that every InotifyGen assembly needs: errno values and text, close, statx.
/// This one file is compiled into InotifyGen and (linked) into InotifyGen.Daemon, so each assembly's internal
/// <c>Libc</c> is this plus the calls of its own (Libc.cs here, Interop/Libc.Process.cs there).
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EBADF = 9, EAGAIN = 11, ENOMEM = 12, EACCES = 13,
        EEXIST = 17, ENOTDIR = 20, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOSPC = 28, ENAMETOOLONG = 36, ELOOP = 40;

    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;
    public const int STATX_INO = 0x100, STATX_MTIME = 0x40;
    /// <summary>Where fields sit in struct statx, on every architecture.</summary>
    public const int StatxInoOffset = 32, StatxMtimeOffset = 112, StatxDevMajorOffset = 136, StatxDevMinorOffset = 140;
    public const int StatxSize = 256;

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    /// <summary>errno of the last call declared with SetLastError.</summary>
    public static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>The C library's text for an errno, e.g. "No such file or directory".</summary>
    public static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";
}
