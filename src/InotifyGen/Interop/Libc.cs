using System.Runtime.InteropServices;

namespace InotifyGen.Interop;

/// <summary>The libc calls the inotify runtime makes (the shared ones are in Libc.Shared.cs). Source-generated marshalling: trim- and AOT-safe.</summary>
internal static unsafe partial class Libc
{
    public const int IN_NONBLOCK = 0x800;
    public const int IN_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;
    public const ulong FIONREAD = 0x541B;
    public const short POLLIN = 0x1;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    [LibraryImport(Lib, EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int InotifyInit1(int flags);

    /// <summary>inotify_add_watch with a NUL-terminated path.</summary>
    [LibraryImport(Lib, EntryPoint = "inotify_add_watch", SetLastError = true)]
    public static partial int InotifyAddWatch(SafeHandle fd, byte* path, uint mask);

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

    /// <summary>statx with the path's exact bytes.</summary>
    public static int Statx(int dirfd, string path, int flags, uint mask, byte* buffer)
    {
        using var native = new NativePath(path);
        fixed (byte* p = native.Bytes)
            return Statx(dirfd, p, flags, mask, buffer);
    }

    /// <summary>d_type values of struct linux_dirent64.</summary>
    public const byte DT_UNKNOWN = 0, DT_DIR = 4, DT_REG = 8;
    public const int S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFREG = 0x8000;

    /// <summary>open(2) with a NUL-terminated path.</summary>
    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags);

    /// <summary>open(2) with the path's exact bytes.</summary>
    public static int Open(string path, int flags)
    {
        using var native = new NativePath(path);
        fixed (byte* p = native.Bytes)
            return Open(p, flags);
    }

    public const int O_NONBLOCK = 0x800, O_NOCTTY = 0x100;
    public const int F_SETSIG = 10, F_SETLEASE = 1024, F_RDLCK = 0, F_UNLCK = 2;
    /// <summary>SIGURG: ignored unless handled, so a lease break sent while a lease is held for a moment harms nothing.</summary>
    public const int SIGURG = 23;

    /// <summary>fcntl(2) with an int argument (F_SETSIG, F_SETLEASE).</summary>
    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int cmd, int arg);

    [LibraryImport(Lib, EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint GetDents64(int fd, byte* buffer, nuint count);
}
