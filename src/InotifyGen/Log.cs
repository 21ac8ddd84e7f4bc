using Microsoft.Extensions.Logging;

namespace InotifyGen;

/// <summary>Every log message, source-generated: no allocation unless the level is enabled.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Event queue overflowed.")]
    public static partial void QueueOverflowed(ILogger logger);

    [LoggerMessage(2, LogLevel.Error, "{Message}")]
    public static partial void WatchFailed(ILogger logger, string message);

    [LoggerMessage(3, LogLevel.Debug, "Event for unknown watch descriptor {Wd} dropped (its watch was already removed).")]
    public static partial void UnknownWatch(ILogger logger, int wd);

    [LoggerMessage(4, LogLevel.Error, "A handler threw while processing {Event}; continuing (policy LogAndContinue).")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string @event);

    [LoggerMessage(5, LogLevel.Debug, "{Available} bytes available to read but threshold is {Threshold} bytes.")]
    public static partial void BelowThreshold(ILogger logger, int available, int threshold);

    [LoggerMessage(6, LogLevel.Debug, "Added watch {Wd} on {Path}.")]
    public static partial void WatchAdded(ILogger logger, int wd, string path);

    [LoggerMessage(7, LogLevel.Warning, "The inotify event queue overflowed (fs.inotify.max_queued_events = {MaxQueuedEvents}): events were lost. Rescan of the watched trees: {Rescan}.")]
    public static partial void QueueOverflowLost(ILogger logger, int maxQueuedEvents, bool rescan);

    [LoggerMessage(8, LogLevel.Warning, "The inotify event queue overflowed again during {Count} rescans in a row: rescanning is suspended until an overflow arrives after a calm stream. Raise fs.inotify.max_queued_events, or make the handlers faster.")]
    public static partial void RescanSuspended(ILogger logger, int count);

    [LoggerMessage(10, LogLevel.Warning, "Cannot tell whether {Path} is still open for writing (the kernel grants the read lease that tells only to the file's owner or CAP_LEASE): files found by a listing that are not this process's own get no synthesised IN_CLOSE_WRITE. Run the watcher as the files' owner, or grant it CAP_LEASE.")]
    public static partial void WritersUnknown(ILogger logger, string path);

    [LoggerMessage(9, LogLevel.Debug, "{Message} (reported to the tree's WatchFailed callback)")]
    public static partial void WatchFailedReported(ILogger logger, string message);

    [LoggerMessage(11, LogLevel.Warning, "The fanotify event queue overflowed (fs.fanotify.max_queued_events): events were lost. Per-tree IN_Q_OVERFLOW: {PerTree}.")]
    public static partial void FanotifyOverflowLost(ILogger logger, bool perTree);

    [LoggerMessage(12, LogLevel.Warning, "The fanotify backend was asked for but cannot be used, so inotify is used: {Reason}")]
    public static partial void FanotifyFallback(ILogger logger, string reason);
}
