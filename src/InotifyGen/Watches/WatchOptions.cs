namespace InotifyGen;

/// <summary>
/// How <see cref="WatchManager.AddWatch(string, WatchOptions)"/> watches a path: the one configuration type of a watch.
/// The pyinotify-style parameters of <see cref="WatchManager.AddWatch(string, EventMask, ProcessEvent?, bool, bool, bool, bool, ExcludeFilter?)"/>
/// are shorthands for these.
/// </summary>
public sealed class WatchOptions
{
    /// <summary>The events; <see cref="EventMask.None"/> (the default) means the events <see cref="Handler"/> (or the notifier's default handler) handles.</summary>
    public EventMask Mask { get; set; }

    /// <summary>The handler for this watch's events, instead of the notifier's default (pyinotify's <c>proc_fun</c>).</summary>
    public ProcessEvent? Handler { get; set; }

    /// <summary>Also watch every directory below (pyinotify's <c>rec</c>). Symbolic links inside the tree are not followed.</summary>
    public bool Recursive { get; set; }

    /// <summary>Watch directories created (or moved) inside later on (pyinotify's <c>auto_add</c>).</summary>
    public bool AutoAdd { get; set; }

    /// <summary>Expand <c>* ? [...]</c> in the path (pyinotify's <c>do_glob</c>).</summary>
    public bool DoGlob { get; set; }

    /// <summary>
    /// True (the default): a path that cannot be watched is logged and reported in the result. False: the first
    /// failure throws a <see cref="WatchManagerException"/> with the results so far. Either way, a directory below
    /// the top that vanished during the walk is only reported in the result: the file system and the kernel agree
    /// there is nothing to watch.
    /// </summary>
    public bool Quiet { get; set; } = true;

    /// <summary>Paths not to watch (and entries not to report); null uses the manager's filter.</summary>
    public ExcludeFilter? ExcludeFilter { get; set; }

    /// <summary>
    /// True (the default): a symbolic link given as the path is followed: its target is watched, and walked when
    /// <see cref="Recursive"/>, under the name given (the link's path), as inotifywait does. Links inside the tree are
    /// never followed. False asks the kernel for <see cref="EventMask.DontFollow"/>: the link itself is watched.
    /// </summary>
    public bool FollowSymlink { get; set; } = true;

    /// <summary>
    /// Called for every directory of this tree that could not be watched after AddWatch returned: found by autoAdd,
    /// by an overflow rescan, or under a file system unmounted inside the tree (permission denied, the watch limit
    /// reached; a directory that vanished first is no failure). It runs on the notifier's thread, before the events
    /// that follow, and should not throw. AddWatch's own failures are in its result instead. Without a callback such
    /// a failure is logged as an error; with one, it is logged at Debug level only.
    /// </summary>
    public Action<WatchResult>? WatchFailed { get; set; }
}
