using Microsoft.Extensions.Logging;

namespace InotifyGen;

/// <summary>
/// The fanotify backend's middle stage, in place of <see cref="TreeTracker"/>: one mark covers every directory, so
/// there is nothing to watch, list or relocate. It splits each record's path below the root
/// (<see cref="FanotifyEventSource"/>) into the event's directory and name, pairs the two adjacent halves of a move,
/// and handles IN_Q_OVERFLOW as the inotify backend does (without the walk: no watch can be missing).
/// </summary>
internal sealed class FanotifyRouter(WatchManager manager, Dispatcher dispatcher, ILogger logger) : IEventRouter
{
    private uint _fromCookie;
    private string? _fromPath;

    /// <summary>Unused: both halves of a fanotify move come in one record.</summary>
    public TimeSpan MoveWait { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Nothing to do: with one mark for the whole file system no file is ever written before it is watched.</summary>
    public bool CompleteFiles { get; set; } = true;

    /// <summary>With it, each root's handler also gets an IN_Q_OVERFLOW flagged <see cref="EventFlags.EventsLost"/>, as after an inotify rescan.</summary>
    public bool RescanOnOverflow { get; set; }

    public void Route(int wd, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        if ((mask & EventMask.QueueOverflow) != 0)
        {
            Diagnostics.InotifyMetrics.Overflow(dispatcher.MetricsKind); // metrics
            Log.FanotifyOverflowLost(logger, RescanOnOverflow);
            dispatcher.Deliver(null, new InotifyEvent(wd, mask, 0, default, null));
            if (RescanOnOverflow)
                foreach (var root in manager.Watches.Values)
                    dispatcher.Deliver(root, new InotifyEvent(root.Wd, EventMask.QueueOverflow, 0, default, root,
                        flags: EventFlags.Synthetic | EventFlags.EventsLost));
            return;
        }
        var watch = manager.WatchForEvent(wd);
        if (watch is null)
            return; // removed: its last records were already read
        if ((mask & EventMask.Ignored) != 0)
        {
            dispatcher.Deliver(watch, new InotifyEvent(wd, mask, 0, default, watch));
            manager.Forget(watch);
            return;
        }
        var slash = name.LastIndexOf((byte)'/');
        if (slash >= 0 && !watch.Tracked)
            return; // not recursive: only the directory itself
        var path = slash < 0 ? watch.Path : PathText.Join(watch.Path, FileNames.Decode(name[..slash]));
        var entry = name[(slash + 1)..];
        string? source = null;
        var flags = EventFlags.None;
        if ((mask & EventMask.MovedFrom) != 0)
        {
            (_fromCookie, _fromPath) = (cookie, cookie != 0 ? PathText.Join(path, FileNames.Decode(entry)) : null);
            if (cookie == 0)
                flags = EventFlags.MovedOut; // the other end is outside every watched tree
        }
        else if ((mask & EventMask.MovedTo) != 0 && cookie != 0 && cookie == _fromCookie)
        {
            source = _fromPath;
            (_fromCookie, _fromPath) = (0, null);
        }
        dispatcher.Deliver(watch, new InotifyEvent(wd, mask, cookie, entry, watch, source, flags: flags, path: path));
        if ((watch.Mask & EventMask.FileComplete) != 0 && (mask & EventMask.IsDir) == 0 && IsComplete(mask, path, entry))
            dispatcher.Deliver(watch, new InotifyEvent(wd, EventMask.FileComplete, 0, entry, watch, path: path));
    }

    /// <summary>IN_FILE_COMPLETE as the inotify backend makes it: after each close of a written file, and after each arrival by rename of one not open for writing.</summary>
    private bool IsComplete(EventMask mask, string path, ReadOnlySpan<byte> entry) =>
        (mask & EventMask.CloseWrite) != 0
        || ((mask & EventMask.MovedTo) != 0
            && manager.FileSystem.Writers(PathText.Join(path, FileNames.Decode(entry))) is WriteState.Closed or WriteState.Unknown);

    public void EndBatch()
    {
    }
}
