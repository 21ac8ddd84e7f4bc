using System.Runtime.InteropServices;

namespace InotifyGen.Interop;

/// <summary>The libc calls and layouts of the fanotify backend (fanotify(7), open_by_handle_at(2)).</summary>
internal static unsafe partial class Libc
{
    public const uint FAN_CLOEXEC = 0x1, FAN_NONBLOCK = 0x2, FAN_CLASS_NOTIF = 0x0;
    public const uint FAN_REPORT_FID = 0x200, FAN_REPORT_DIR_FID = 0x400, FAN_REPORT_NAME = 0x800, FAN_REPORT_TARGET_FID = 0x1000;
    public const uint FAN_MARK_ADD = 0x1, FAN_MARK_REMOVE = 0x2, FAN_MARK_FILESYSTEM = 0x100;

    /// <summary>fanotify event bits that differ from inotify's (bits 0x1 to 0x800 and FAN_Q_OVERFLOW are inotify's own).</summary>
    public const ulong FAN_RENAME = 0x10000000, FAN_ONDIR = 0x40000000;

    /// <summary>struct fanotify_event_metadata: event_len (u32), vers, reserved, metadata_len (u16), mask (u64), fd, pid.</summary>
    public const int FanMetadataSize = 24, FanMaskOffset = 8;

    /// <summary>Info record types (struct fanotify_event_info_header.info_type).</summary>
    public const byte FAN_EVENT_INFO_TYPE_FID = 1, FAN_EVENT_INFO_TYPE_DFID_NAME = 2, FAN_EVENT_INFO_TYPE_OLD_DFID_NAME = 10,
        FAN_EVENT_INFO_TYPE_NEW_DFID_NAME = 12;

    /// <summary>The largest file handle the kernel makes (MAX_HANDLE_SZ).</summary>
    public const int MaxHandleSize = 128;

    public const int O_PATH = 0x200000;
    public const int EOPNOTSUPP = 95, EXDEV = 18, ENODEV = 19, ESTALE = 116, ENOSYS = 38;

    /// <summary>Offset of f_fsid in struct statfs on 64-bit Linux (seven 8-byte fields before it).</summary>
    public const int StatfsFsidOffset = 56, StatfsSize = 120;

    [LibraryImport(Lib, EntryPoint = "fanotify_init", SetLastError = true)]
    public static partial int FanotifyInit(uint flags, uint eventFileFlags);

    [LibraryImport(Lib, EntryPoint = "fanotify_mark", SetLastError = true)]
    private static partial int FanotifyMark(int fd, uint flags, ulong mask, int dirfd, byte* path);

    /// <summary>fanotify_mark on the object at <paramref name="path"/>'s exact bytes.</summary>
    public static int FanotifyMark(int fd, uint flags, ulong mask, string path)
    {
        using var native = new NativePath(path);
        fixed (byte* p = native.Bytes)
            return FanotifyMark(fd, flags, mask, AT_FDCWD, p);
    }

    [LibraryImport(Lib, EntryPoint = "name_to_handle_at", SetLastError = true)]
    public static partial int NameToHandleAt(int dirfd, byte* path, byte* handle, out int mountId, int flags);

    [LibraryImport(Lib, EntryPoint = "open_by_handle_at", SetLastError = true)]
    public static partial int OpenByHandleAt(int mountFd, byte* handle, int flags);

    [LibraryImport(Lib, EntryPoint = "readlink", SetLastError = true)]
    public static partial nint ReadLink(byte* path, byte* buffer, nuint size);

    [LibraryImport(Lib, EntryPoint = "fstatfs", SetLastError = true)]
    public static partial int FStatFs(int fd, byte* buffer);
}
