namespace InotifyGen;

/// <summary>
/// How a notifier reads and dispatches: the one configuration type of <see cref="Notifier"/>,
/// <see cref="ThreadedNotifier"/> and (through <see cref="AsyncNotifierOptions"/>) <see cref="AsyncNotifier"/>.
/// The pyinotify-style constructor parameters and properties are shorthands for these.
/// </summary>
public class NotifierOptions
{
    /// <summary>Minimum time between two reads: events pile up in the kernel meanwhile and are read in one batch (pyinotify's <c>read_freq</c>).</summary>
    public TimeSpan ReadFreq { get; set; }

    /// <summary>Read only once at least this many bytes of events are queued (pyinotify's <c>threshold</c>; use with <see cref="ReadFreq"/>).</summary>
    public int Threshold { get; set; }

    /// <summary>How long <see cref="Notifier.CheckEvents"/> waits by default; null waits until an event or Stop.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// How long an IN_MOVED_FROM waits for its IN_MOVED_TO before it is reported as a move out of the tree
    /// (<see cref="EventFlags.MovedOut"/>). The kernel queues both halves in the same rename, so this only matters
    /// when the second half is not queued yet; dispatch pauses (in order) for at most this long. Default 10 ms.
    /// </summary>
    public TimeSpan MoveWait { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// On IN_Q_OVERFLOW, walk every recursive or autoAdd tree again: watch the directories that are missing, drop
    /// the watches whose directory is gone, and send each tree's handler an IN_Q_OVERFLOW flagged
    /// <see cref="EventFlags.EventsLost"/> with the tree's path. Off by default (pyinotify does no rescan).
    /// </summary>
    public bool RescanOnOverflow { get; set; }

    /// <summary>
    /// In a recursive or autoAdd tree, a regular file that a new directory's listing finds already written and closed
    /// gets a synthesised IN_CLOSE_WRITE (<see cref="EventFlags.Synthetic"/>) after its synthesised IN_CREATE, so every
    /// file that appears is closed exactly once; one still open for writing gets only the kernel's, later. Default
    /// true; false gives pyinotify's exact stream (only the IN_CREATE). See docs/semantics.md, "Complete files".
    /// </summary>
    public bool CompleteFiles { get; set; } = true;

    /// <summary>
    /// A quiet period for complete files: each IN_FILE_COMPLETE is held until its file has had no IN_CLOSE_WRITE,
    /// IN_MODIFY or IN_FILE_COMPLETE for this long and is not open for writing, then delivered once, so a writer that
    /// closes and reopens (chunked uploads, <c>rsync --inplace</c>) gives one. Zero (the default) delivers each at once.
    /// One deadline list for all files, no timer per file; the notifier's wait is cut to the first deadline. Held
    /// files not yet settled when the notifier stops are not delivered.
    /// </summary>
    public TimeSpan SettleCompleteFiles { get; set; }

    /// <summary>Drop duplicate events (same wd, mask, cookie and name) within each batch (pyinotify's <c>coalesce_events</c>).</summary>
    public bool Coalesce { get; set; }

    /// <summary>What happens when a handler throws. Default: <see cref="HandlerExceptionPolicy.Propagate"/>, as in pyinotify.</summary>
    public HandlerExceptionPolicy ExceptionPolicy { get; set; } = HandlerExceptionPolicy.Propagate;

    /// <summary>Whether <see cref="Notifier.Loop"/> stops on Ctrl-C (SIGINT). Default true; the threaded and async notifiers never do.</summary>
    public bool StopOnCtrlC { get; set; } = true;

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the setting that is out of range.</summary>
    internal void Validate()
    {
        if (Threshold < 0)
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "threshold must be zero or positive");
        if (ReadFreq < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException("readFreq", ReadFreq, "readFreq must be zero or positive");
        if (SettleCompleteFiles < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(SettleCompleteFiles), SettleCompleteFiles, "SettleCompleteFiles must be zero (off) or positive");
        if (MoveWait < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(MoveWait), MoveWait, "MoveWait must be zero or positive");
        if (Timeout is { } t && t < TimeSpan.Zero && t != System.Threading.Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(Timeout), t, "timeout must be zero or positive, or null to wait without limit");
    }
}
