using InotifyGen.Diagnostics;
using Microsoft.Extensions.Logging;

namespace InotifyGen;

/// <summary>
/// Every "does the user see this" rule, between the tree bookkeeping and the handlers: the watch's mask, the name
/// filter of a transient-file watch, the exclude filter, coalescing within a batch, and the handler-exception policy.
/// </summary>
internal sealed class Dispatcher(ProcessEvent defaultHandler, ILogger logger, object sender)
{
    private HashSet<(int, EventMask, uint, string)>? _seen;

    public ProcessEvent DefaultHandler { get; } = defaultHandler;

    public HandlerExceptionPolicy ExceptionPolicy { get; set; } = HandlerExceptionPolicy.Propagate;

    /// <summary>The <c>inotifygen.notifier</c> tag of the metrics: <c>notifier</c>, <c>threaded</c> or <c>async</c>.</summary>
    public string MetricsKind { get; set; } = "notifier";

    /// <summary>pyinotify's <c>coalesce_events</c>: duplicates (same wd, mask, cookie and name) within a batch are dropped.</summary>
    public bool Coalesce { get; set; }

    public event EventHandler<HandlerFailedEventArgs>? HandlerFailed;

    /// <summary>Holds IN_FILE_COMPLETE until the file settles (<see cref="NotifierOptions.SettleCompleteFiles"/>); null when off.</summary>
    public SettledFiles? Settled { get; set; }

    /// <summary>A new batch: coalescing forgets what it saw.</summary>
    public void BeginBatch() => _seen?.Clear();

    /// <summary>Whether coalescing drops this kernel event as a repeat within the batch.</summary>
    public bool IsDuplicate(int wd, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        if (!Coalesce)
            return false;
        _seen ??= new();
        return !_seen.Add((wd, mask, cookie, Convert.ToBase64String(name)));
    }

    /// <summary>Sends an event to its watch's handler (or the default one, for an event of no watch) if the user sees it.</summary>
    public void Deliver(Watch? watch, in InotifyEvent e)
    {
        if (watch is null)
        {
            Invoke(DefaultHandler, in e);
            return;
        }
        if (Settled?.Hold(watch, in e) == true)
            return;
        ProcessEvent? delivered = null;
        if (watch.Mask != EventMask.None && IsWanted(watch, in e))
            Invoke(delivered = watch.Handler ?? DefaultHandler, in e);
        if (watch.TransientFiles is { } files)
            DeliverToFiles(files, delivered, in e);
    }

    /// <summary>Delivers the held IN_FILE_COMPLETEs whose files have settled.</summary>
    public void ReleaseSettled() => Settled?.Release(_deliverSettled ??= DeliverSettled);

    private Action<Watch, byte[], EventFlags>? _deliverSettled;

    private void DeliverSettled(Watch watch, byte[] name, EventFlags flags)
    {
        var e = new InotifyEvent(watch.Wd, EventMask.FileComplete, 0, name, watch, flags: flags);
        if (IsWanted(watch, in e))
            Invoke(watch.Handler ?? DefaultHandler, in e);
    }

    /// <summary>
    /// The transient files on a directory's wd: each gets the events of its name that its mask asks for, and the
    /// kernel's unasked ones (IN_IGNORED, IN_UNMOUNT); a handler already given the event does not get it again.
    /// </summary>
    private void DeliverToFiles(TransientFile[] files, ProcessEvent? delivered, in InotifyEvent e)
    {
        for (var i = 0; i < files.Length; i++)
        {
            if (!Wants(files[i], in e))
                continue;
            var handler = files[i].Handler ?? DefaultHandler;
            if (ReferenceEquals(handler, delivered) || GotItBefore(files, i, handler, in e))
                continue;
            Invoke(handler, in e);
        }
    }

    private bool GotItBefore(TransientFile[] files, int index, ProcessEvent handler, in InotifyEvent e)
    {
        for (var j = 0; j < index; j++)
            if (ReferenceEquals(files[j].Handler ?? DefaultHandler, handler) && Wants(files[j], in e))
                return true;
        return false;
    }

    /// <summary>The events of the file's name that its mask asks for, and the directory watch's IN_IGNORED and IN_UNMOUNT.</summary>
    private static bool Wants(TransientFile file, in InotifyEvent e) =>
        e.NameBytes.IsEmpty
            ? (e.Mask & (EventMask.Ignored | EventMask.Unmount)) != 0
            : (e.Mask & file.Mask & EventMask.AllEvents) != 0 && e.NameBytes.SequenceEqual(file.Name);

    /// <summary>
    /// Handlers receive the events their watch asked for, plus those the kernel sends unasked; the bits the tree
    /// bookkeeping adds to the kernel mask stay internal. A transient-file watch passes only its one name, and an
    /// exclude filter drops the entries it matches.
    /// </summary>
    private static bool IsWanted(Watch watch, in InotifyEvent e)
    {
        var mask = e.Mask;
        if ((mask & (EventMask.Ignored | EventMask.Unmount | EventMask.QueueOverflow)) == 0 && (mask & watch.Mask & EventTable.UserEvents) == 0)
            return false;
        return watch.ExcludeFilter is not { } filter || e.NameBytes.IsEmpty || !filter.IsExcluded(e.PathName);
    }

    private void Invoke(ProcessEvent handler, in InotifyEvent e)
    {
        var started = InotifyMetrics.DispatchStarting(); // metrics
        if (ExceptionPolicy == HandlerExceptionPolicy.Propagate)
        {
            try { handler.Invoke(in e); }
            catch (Exception) when (InotifyMetrics.HandlerFailed(MetricsKind)) { } // metrics: counts, never catches
            InotifyMetrics.Dispatched(MetricsKind, started); // metrics
            return;
        }
        try
        {
            handler.Invoke(in e);
            InotifyMetrics.Dispatched(MetricsKind, started); // metrics
        }
        catch (Exception ex)
        {
            InotifyMetrics.HandlerFailed(MetricsKind); // metrics
            Log.HandlerFailed(logger, ex, e.ToString());
            HandlerFailed?.Invoke(sender, new HandlerFailedEventArgs(ex, e.ToOwned()));
        }
    }
}
