using Microsoft.Extensions.Logging;

namespace InotifyGen;

/// <summary>
/// The middle stage of the pipeline (pyinotify's <c>_SysProcessEvent</c>): it takes each kernel event in order,
/// keeps the watch table true (new and moved-in directories watched and reported, moves paired and paths rewritten,
/// IN_IGNORED forgotten, overflows recovered) and hands what the user may see to the <see cref="Dispatcher"/>.
/// It never reorders events. Its three concerns are <see cref="MovePairing"/>, <see cref="DirectoryAdoption"/> and
/// <see cref="OverflowRecovery"/>; it reads the kernel only through <see cref="ILookAhead"/>, the file system
/// through <see cref="IFileSystem"/> and the clock through <see cref="TimeProvider"/>.
/// </summary>
internal sealed class TreeTracker : IEventRouter
{
    private readonly ILookAhead _queue;
    private readonly WatchManager _manager;
    private readonly TrackerOutput _output;
    private readonly ILogger _logger;
    private readonly DirectoryAdoption _adoption;
    private readonly MovePairing _moves;
    private readonly OverflowRecovery _overflow;
    private readonly FileCompletion _completion;
    private readonly IFileSystem _fs;
    // Watches whose file system was unmounted: their IN_IGNORED follows.
    private readonly HashSet<Watch> _unmounted = new();

    public TreeTracker(ILookAhead queue, Dispatcher dispatcher, WatchManager manager, IFileSystem fs, TimeProvider time, ILogger logger)
    {
        _queue = queue;
        _manager = manager;
        _logger = logger;
        _fs = fs;
        _output = new TrackerOutput(dispatcher);
        _completion = new FileCompletion(queue, fs, _output, logger);
        _adoption = new DirectoryAdoption(queue, manager, fs, _output, _completion);
        _moves = new MovePairing(queue, manager, time, _adoption, _output, _completion);
        _overflow = new OverflowRecovery(queue, manager, fs, _output, _adoption, _moves, logger);
    }

    /// <summary>See <see cref="NotifierOptions.MoveWait"/>.</summary>
    public TimeSpan MoveWait
    {
        get => _moves.MoveWait;
        set => _moves.MoveWait = value;
    }

    /// <summary>See <see cref="NotifierOptions.CompleteFiles"/>.</summary>
    public bool CompleteFiles
    {
        get => _completion.Enabled;
        set => _completion.Enabled = value;
    }

    /// <summary>See <see cref="NotifierOptions.RescanOnOverflow"/>.</summary>
    public bool RescanOnOverflow
    {
        get => _overflow.Enabled;
        set => _overflow.Enabled = value;
    }

    /// <summary>
    /// Takes one kernel event. The bulk (MODIFY, CLOSE_WRITE, ACCESS, and every event of a plain watch) goes straight
    /// to the dispatcher without allocating; the events that change the watch set or need pairing are tracked first.
    /// </summary>
    public void Route(int wd, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        if ((mask & EventMask.QueueOverflow) != 0)
        {
            Diagnostics.InotifyMetrics.Overflow(_output.Dispatcher.MetricsKind); // metrics
            _overflow.OnOverflow(wd, mask);
            return;
        }
        // The common state, checked once: no listing's move waits on the stream, nothing is away, no rescan window.
        if (_adoption.IsQuiet && _overflow.IsCaughtUp(_queue.Position) && _manager.WatchForEvent(wd) is { } plain)
        {
            TrackOrDeliver(plain, mask, cookie, name);
            return;
        }
        _adoption.Relocate(_queue.Position);
        var watch = _manager.WatchForEvent(wd);
        if (watch is null)
        {
            if (!_manager.IsRetired(wd))
                Log.UnknownWatch(_logger, wd);
            return;
        }
        // Queued before a rescan caught up (the per-tree EventsLost stands for it), or while its directory was
        // away: outside the tree on its way back in, or inside at a place no event named yet (its path then was
        // none the user could know; where it arrives is reported).
        var superseded = _overflow.IsSuperseded(_queue.Position);
        var away = _adoption.IsAway(watch);
        if (!superseded && _overflow.HasPending)
            _overflow.RunPending(); // the window of the last rescan is read: the overflows merged into it get one more
        if (superseded || away)
        {
            if (superseded)
                Diagnostics.InotifyMetrics.EventsLost(_output.Dispatcher.MetricsKind); // metrics
            _output.Suppressed = true;
            try { Track(watch, mask, cookie, name); }
            finally { _output.Suppressed = false; }
        }
        else
            TrackOrDeliver(watch, mask, cookie, name);
    }

    private void TrackOrDeliver(Watch watch, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        if (NeedsTracking(watch, mask))
            Track(watch, mask, cookie, name);
        else
            _output.Dispatcher.Deliver(watch, new InotifyEvent(watch.Wd, mask, cookie, name, watch));
    }

    /// <summary>At the end of a batch: what can no longer match a queued event is dropped; a rescan merged into the batch runs.</summary>
    public void EndBatch()
    {
        _adoption.Expire(_queue.Position);
        _completion.Expire(_queue.Position);
        _adoption.Relocate(_queue.Position, reached: true);
        _overflow.RunPending();
    }

    private bool NeedsTracking(Watch watch, EventMask mask) =>
        (mask & (EventMask.MovedFrom | EventMask.MovedTo | EventMask.MoveSelf | EventMask.Ignored | EventMask.Unmount)) != 0
        || (watch.Tracked && (mask & (EventMask.Create | EventMask.Delete)) != 0)
        || watch.Silent
        || _completion.Intercepts(watch, mask);

    /// <summary>
    /// A file system mounted inside a tree was unmounted: the watches on it end, and the directory it covered, in the
    /// file system above, is the tree's again. Watched (and listed) like a new directory, with the old watch's
    /// settings, when the directory above it is still watched and not going with the same unmount.
    /// </summary>
    private void WatchMountPointAgain(Watch gone)
    {
        if (gone.Tracked && PathText.Parent(gone.Path) is { } parentPath && _manager.WatchAt(parentPath) is { Tracked: true } parent
            && !_unmounted.Contains(parent) && _fs.IsDirectory(gone.Path, followLinks: false))
            _adoption.WatchNew(gone, gone.Path);
    }

    private void Track(Watch w, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        if (w.Silent)
        {
            if ((mask & EventMask.Ignored) != 0)
                _manager.Forget(w);
            return;
        }
        switch (mask & ~EventMask.IsDir)
        {
            case EventMask.Create:
                _adoption.OnCreate(w, mask, name);
                break;
            case EventMask.Delete:
                _adoption.OnDelete(w, mask, name);
                _completion.OnGone(w, name);
                _output.Emit(w, mask, 0, name);
                break;
            case EventMask.CloseWrite or EventMask.Open or EventMask.CloseNoWrite:
                _completion.OnEvent(w, mask, name);
                break;
            case EventMask.MovedFrom:
                _moves.OnMovedFrom(w, mask, cookie, name);
                break;
            case EventMask.MovedTo:
                _moves.OnMovedTo(w, mask, cookie, name);
                break;
            case EventMask.MoveSelf:
                _moves.OnMoveSelf(w, mask);
                break;
            case EventMask.Unmount:
                _unmounted.Add(w);
                _output.Emit(w, mask, 0, name);
                break;
            case EventMask.Ignored:
                _output.Emit(w, mask, 0, name);
                _manager.Forget(w);
                if (_unmounted.Remove(w))
                    WatchMountPointAgain(w);
                break;
            default:
                _output.Emit(w, mask, cookie, name);
                break;
        }
    }
}

/// <summary>The tracker's way out to the dispatcher, which it can shut while it replays a superseded window.</summary>
internal sealed class TrackerOutput(Dispatcher dispatcher)
{
    public Dispatcher Dispatcher { get; } = dispatcher;

    /// <summary>While true, nothing is delivered: the bookkeeping runs for events a rescan already stands for.</summary>
    public bool Suppressed { get; set; }

    public void Emit(Watch w, EventMask mask, uint cookie, ReadOnlySpan<byte> name, string? nameText = null,
        string? source = null, EventFlags flags = EventFlags.None)
    {
        if (!Suppressed)
            Dispatcher.Deliver(w, new InotifyEvent(w.Wd, mask, cookie, name, w, source, nameText, flags));
    }

    /// <summary>An event of no watch (the kernel's IN_Q_OVERFLOW): to the default handler.</summary>
    public void EmitUnwatched(int wd, EventMask mask) => Dispatcher.Deliver(null, new InotifyEvent(wd, mask, 0, default, null));
}
