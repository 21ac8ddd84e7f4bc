namespace InotifyGen;

/// <summary>Which kernel interface a <see cref="WatchManager"/> watches through (docs/semantics.md compares them).</summary>
public enum WatchBackend
{
    /// <summary>inotify: a watch per directory, for any user; the default.</summary>
    Inotify,

    /// <summary>
    /// fanotify: one filesystem mark covers every directory below a watched path, with no walk and no
    /// <c>max_user_watches</c> limit. Needs root (CAP_SYS_ADMIN and CAP_DAC_READ_SEARCH) and a file system with file
    /// handles; where refused, the manager falls back to inotify and says why (<see cref="WatchManager.FallbackReason"/>).
    /// </summary>
    Fanotify,
}
