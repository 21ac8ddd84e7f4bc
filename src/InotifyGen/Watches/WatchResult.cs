namespace InotifyGen;

/// <summary>What became of one path a watch was asked for.</summary>
public enum WatchStatus
{
    /// <summary>Watched: <see cref="WatchResult.Wd"/> is its watch descriptor.</summary>
    Watched,

    /// <summary>The kernel (or the file system) refused: <see cref="WatchResult.Error"/> says why and names the fix.</summary>
    Failed,

    /// <summary>The exclude filter rejected it; nothing was asked of the kernel.</summary>
    Excluded,
}

/// <summary>
/// The typed answer of <see cref="WatchManager.AddWatch(string, WatchOptions)"/> for one path: its wd, or why it is not
/// watched. The pyinotify-style dictionaries encode the same as -1 (<see cref="WatchManager.WatchFailed"/>) and -2
/// (<see cref="WatchManager.WatchExcluded"/>).
/// </summary>
public sealed class WatchResult
{
    private WatchResult(string path, WatchStatus status, int wd, InotifyException? error, bool vanished = false)
    {
        Path = path;
        Status = status;
        Wd = wd;
        Error = error;
        Vanished = vanished;
    }

    internal static WatchResult Watched(string path, int wd) => new(path, WatchStatus.Watched, wd, null);

    internal static WatchResult Failed(string path, InotifyException error) => new(path, WatchStatus.Failed, WatchManager.WatchFailed, error);

    internal static WatchResult Gone(string path, InotifyException error) => new(path, WatchStatus.Failed, WatchManager.WatchFailed, error, vanished: true);

    internal static WatchResult Excluded(string path) => new(path, WatchStatus.Excluded, WatchManager.WatchExcluded, null);

    /// <summary>The path, absolute and normalised, as the watch table and the events name it.</summary>
    public string Path { get; }

    /// <summary>Watched, failed or excluded.</summary>
    public WatchStatus Status { get; }

    /// <summary>True when <see cref="Status"/> is <see cref="WatchStatus.Watched"/>.</summary>
    public bool Succeeded => Status == WatchStatus.Watched;

    /// <summary>The watch descriptor when watched; otherwise pyinotify's sentinel (-1 failed, -2 excluded).</summary>
    public int Wd { get; }

    /// <summary>Why it failed (its <see cref="InotifyException.Errno"/> and a message that names the fix), or null.</summary>
    public InotifyException? Error { get; }

    /// <summary>The errno of a failure (ENOENT 2, EACCES 13, ENOSPC 28, ...), or 0.</summary>
    public int Errno => Error?.Errno ?? 0;

    /// <summary>
    /// Whether this failure is a directory that vanished (ENOENT, ENOTDIR) under the top of a walk, after it was
    /// listed: a race with its deletion, not an error; the exception is never thrown for it.
    /// </summary>
    public bool Vanished { get; }

    /// <inheritdoc/>
    public override string ToString() => Status switch
    {
        WatchStatus.Watched => $"{Path}: wd {Wd}",
        WatchStatus.Excluded => $"{Path}: excluded",
        _ => $"{Path}: {Error!.Message}",
    };
}
