namespace InotifyGen.Interop;

/// <summary>
/// The one place errno becomes an exception. Each message says what went wrong and how to fix it.
/// </summary>
internal static class InotifyErrors
{
    public static int LastErrno => Libc.LastErrno;

    /// <summary>An inotify_init1 failure.</summary>
    public static InotifyException ForInit(int errno) => errno switch
    {
        Libc.EMFILE => new InotifyException(errno, null,
            $"inotify instance limit reached ({InotifyLimits.InstanceLimit}): " +
            $"close unused WatchManagers, or {InotifyLimits.InstanceLimit.Fix(nameof(InotifyLimits.MaxUserInstances))}"),
        Libc.ENFILE => new InotifyException(errno, null,
            "the system-wide limit on open files was reached: close files or raise fs.file-max"),
        Libc.ENOMEM => new InotifyException(errno, null, "not enough kernel memory to create an inotify instance"),
        _ => new InotifyException(errno, null, $"inotify_init1 failed: {Libc.Describe(errno)}"),
    };

    /// <summary>An inotify_add_watch failure on <paramref name="path"/>.</summary>
    public static InotifyException ForWatch(int errno, string path) => new(errno, path, errno switch
    {
        Libc.ENOSPC => $"inotify watch limit reached ({InotifyLimits.WatchLimit}) while watching '{path}': " +
            $"{InotifyLimits.WatchLimit.Fix(nameof(InotifyLimits.MaxUserWatches))}, or watch fewer directories",
        Libc.ENOENT => $"cannot watch '{path}': no such file or directory; check the path, or create it first",
        Libc.EACCES => $"cannot watch '{path}': permission denied; the process needs read access to it",
        Libc.ENOTDIR => $"cannot watch '{path}': not a directory (IN_ONLYDIR was given, or a path component is a file)",
        Libc.ENAMETOOLONG => $"cannot watch '{path}': the path is too long",
        Libc.ELOOP => $"cannot watch '{path}': too many levels of symbolic links",
        Libc.EINVAL => $"cannot watch '{path}': the mask has no event in it; give at least one event",
        _ => $"cannot watch '{path}': {Libc.Describe(errno)}",
    });

    /// <summary>Any other failed call.</summary>
    public static InotifyException ForCall(string call, int errno) =>
        new(errno, null, $"{call} failed: {Libc.Describe(errno)}");
}
