namespace InotifyGen;

/// <summary>
/// The life of a watch. Live; then Removed (by the user: its last events and IN_IGNORED still reach the handler) or
/// Detached (by the tree bookkeeping, because its path is no longer true: its last events are dropped); then
/// Forgotten once the kernel's IN_IGNORED for it has been processed.
/// </summary>
internal enum WatchState
{
    Live,
    Removed,
    Detached,
    Forgotten,
}

/// <summary>One watched file or directory, pyinotify's <c>Watch</c>.</summary>
public sealed class Watch
{
    internal Watch(int wd, string path, EventMask mask, ProcessEvent? handler, bool autoAdd, ExcludeFilter? excludeFilter, bool isDir)
    {
        Wd = wd;
        Path = path;
        Mask = mask;
        Handler = handler;
        AutoAdd = autoAdd;
        ExcludeFilter = excludeFilter;
        IsDir = isDir;
    }

    /// <summary>The watch descriptor.</summary>
    public int Wd { get; }

    /// <summary>The watched path, absolute and normalised. Kept current when the item moves within a watched tree.</summary>
    public string Path { get; internal set; }

    /// <summary>The events asked for; <see cref="EventMask.None"/> on a directory only <see cref="WatchManager.WatchTransientFile"/> watches.</summary>
    public EventMask Mask { get; internal set; }

    /// <summary>The handler for this watch's events, or null to use the notifier's default handler.</summary>
    public ProcessEvent? Handler { get; internal set; }

    /// <summary>Whether directories created inside are watched automatically.</summary>
    public bool AutoAdd { get; internal set; }

    /// <summary>The exclude filter inherited by watches added automatically under this one.</summary>
    public ExcludeFilter? ExcludeFilter { get; internal set; }

    /// <summary>Whether the watched item is a directory.</summary>
    public bool IsDir { get; }

    /// <summary>True once the watch was removed (by RmWatch, by the tree bookkeeping, or by the kernel with IN_IGNORED).</summary>
    public bool IsRemoved => State != WatchState.Live;

    /// <summary>Where the watch is in its life; only the watch table changes it.</summary>
    internal WatchState State { get; set; }

    /// <summary>Part of a recursive or autoAdd tree: the kernel is also asked for the events that keep paths right.</summary>
    internal bool Tracked { get; set; }

    /// <summary>Detached by the tree bookkeeping (its path is no longer true): its remaining events are not reported.</summary>
    internal bool Silent => State == WatchState.Detached;

    /// <summary>A watch moved inside the tree whose IN_MOVE_SELF is still to come (its path is already the new one).</summary>
    internal bool ExpectMoveSelf { get; set; }

    /// <summary>
    /// WatchTransientFile's watches on this directory, each for one name, on the same wd as the directory's own watch
    /// (the kernel has one per inode). Replaced, never changed in place, so the dispatcher reads it without the lock.
    /// </summary>
    internal TransientFile[]? TransientFiles { get; set; }

    /// <summary>What the transient files ask of the kernel.</summary>
    internal EventMask TransientMask
    {
        get
        {
            var mask = EventMask.None;
            foreach (var f in TransientFiles ?? [])
                mask |= f.Mask;
            return mask;
        }
    }

    /// <summary>The tree's <see cref="WatchOptions.WatchFailed"/>, inherited by the watches autoAdd adds below.</summary>
    internal Action<WatchResult>? WatchFailed { get; set; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"<Watch wd={Wd} path={Path} mask=0x{(uint)Mask:x} auto_add={(AutoAdd ? "True" : "False")} >";
}

/// <summary>One WatchTransientFile watch: events whose name is exactly <paramref name="Name"/> go to its handler.</summary>
internal sealed record TransientFile(byte[] Name, EventMask Mask, ProcessEvent? Handler);
