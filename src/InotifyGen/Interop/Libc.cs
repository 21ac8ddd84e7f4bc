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
}
