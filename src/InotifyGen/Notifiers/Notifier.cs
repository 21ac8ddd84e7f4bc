using System.Runtime.InteropServices;
using InotifyGen.Diagnostics;
using InotifyGen.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InotifyGen;

/// <summary>
/// Reads events from a <see cref="WatchManager"/> and dispatches them to handlers, pyinotify's <c>Notifier</c>.
/// Each event goes to its watch's own handler when it has one, else to <see cref="DefaultHandler"/>.
/// </summary>
public class Notifier : IDisposable
{
    private readonly FileDescriptorHandle _wake;
    private readonly int _threshold;
    private readonly TimeSpan _readFreq;
    private readonly TimeSpan? _timeout;
    private byte[] _queue = new byte[64 * 1024];
    private int _head, _tail;       // unprocessed events are _queue[_head.._tail]
    private bool _dispatching;
    private bool _coalesce;
    private HashSet<(int, EventMask, uint, string)>? _seen;
    private int _stopRequested;
    private int _closed;
    private int _loopThreadId;
    private long _readTotal;        // bytes read from the kernel since creation: positions in the event stream
    private readonly TreeTracker _tree;

    /// <summary>Creates a notifier.</summary>
    /// <param name="watchManager">The watches to read events from.</param>
    /// <param name="defaultHandler">Handles events of watches without their own handler; defaults to <see cref="PrintAllEvents"/>.</param>
    /// <param name="readFreq">Minimum time between two reads: events pile up in the kernel meanwhile and are read in one batch.</param>
    /// <param name="threshold">Read only once at least this many bytes of events are queued (use with <paramref name="readFreq"/>).</param>
    /// <param name="timeout">How long <see cref="CheckEvents"/> waits by default; null waits until an event or <see cref="Stop"/>.</param>
    /// <param name="logger">Where overflows, failed watches and handler errors are logged.</param>
    public Notifier(WatchManager watchManager, ProcessEvent? defaultHandler = null, TimeSpan readFreq = default,
        int threshold = 0, TimeSpan? timeout = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(watchManager);
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        if (readFreq < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(readFreq), readFreq, "readFreq must be zero or positive");
        WatchManager = watchManager;
        DefaultHandler = defaultHandler ?? new PrintAllEvents();
        Logger = logger ?? NullLogger.Instance;
        if (ReferenceEquals(DefaultHandler.Logger, NullLogger.Instance))
            DefaultHandler.Logger = Logger;
        _readFreq = readFreq;
        _threshold = threshold;
        _timeout = timeout;
        watchManager.DefaultHandler = DefaultHandler;
        var fd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (fd < 0)
            throw InotifyErrors.ForCall("eventfd", InotifyErrors.LastErrno);
        _wake = new FileDescriptorHandle(fd);
        _tree = new TreeTracker(this);
    }

    /// <summary>The watch manager this notifier reads.</summary>
    public WatchManager WatchManager { get; }

    /// <summary>The handler for events of watches that have none of their own.</summary>
    public ProcessEvent DefaultHandler { get; }

    /// <summary>Where the notifier logs.</summary>
    public ILogger Logger { get; }

    /// <summary>What happens when a handler throws. Default: <see cref="HandlerExceptionPolicy.Propagate"/>, as in pyinotify.</summary>
    public HandlerExceptionPolicy ExceptionPolicy { get; set; } = HandlerExceptionPolicy.Propagate;

    /// <summary>Raised for each handler exception under <see cref="HandlerExceptionPolicy.LogAndContinue"/>.</summary>
    public event EventHandler<HandlerFailedEventArgs>? HandlerFailed;

    /// <summary>Whether <see cref="Loop"/> stops on Ctrl-C (SIGINT), as pyinotify's loop does. Default true.</summary>
    public bool StopOnCtrlC { get; set; } = true;

    /// <summary>
    /// How long an IN_MOVED_FROM waits for its IN_MOVED_TO before it is reported as a move out of the tree
    /// (<see cref="EventFlags.MovedOut"/>). The kernel queues both halves in the same rename, so this only matters
    /// when the second half is not queued yet; dispatch pauses (in order) for at most this long. Default 10 ms.
    /// </summary>
    public TimeSpan MoveWait
    {
        get => _moveWait;
        set => _moveWait = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MoveWait must be zero or positive");
    }
    private TimeSpan _moveWait = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// On IN_Q_OVERFLOW, walk every recursive or autoAdd tree again: watch the directories that are missing, drop
    /// the watches whose directory is gone, and send each tree's handler an IN_Q_OVERFLOW flagged
    /// <see cref="EventFlags.EventsLost"/> with the tree's path. Off by default (pyinotify does no rescan).
    /// </summary>
    public bool RescanOnOverflow { get; set; }

    /// <summary>The <c>inotifygen.notifier</c> tag of this notifier's metrics (<see cref="InotifyMetrics"/>).</summary>
    internal string MetricsKind { get; init; } = "notifier";

    /// <summary>True once <see cref="Stop"/> was called.</summary>
    public bool IsStopped => Volatile.Read(ref _stopRequested) != 0;

    /// <summary>
    /// Drops duplicate events (same wd, mask, cookie and name) within each batch, pyinotify's <c>coalesce_events</c>:
    /// six alternating MODIFYs of two files become two events.
    /// </summary>
    public void CoalesceEvents(bool coalesce = true) => _coalesce = coalesce;

    /// <summary>
    /// Waits until events can be read, up to <paramref name="timeout"/> (default: the constructor's timeout; null
    /// waits indefinitely). Returns false on timeout or when <see cref="Stop"/> was called.
    /// </summary>
    public bool CheckEvents(TimeSpan? timeout = null) => WaitReadable(timeout ?? _timeout, watchInotify: true);

    /// <summary>
    /// Reads the queued events into this notifier's queue, unless fewer than <c>threshold</c> bytes are waiting.
    /// Does not block.
    /// </summary>
    public void ReadEvents()
    {
        var handle = WatchManager.Handle;
        if (IsStopped || handle.IsClosed)
            return;
        // FIONREAD walks the kernel's whole event list under its lock, which costs as much as reading it:
        // ask only when there is a threshold to check.
        var available = 0;
        if (_threshold > 0)
        {
            if (Libc.Ioctl(handle, Libc.FIONREAD, out available) < 0)
                throw InotifyErrors.ForCall("ioctl(FIONREAD)", InotifyErrors.LastErrno);
            if (available < _threshold)
            {
                Log.BelowThreshold(Logger, available, _threshold);
                return;
            }
        }
        // Without FIONREAD, read until a read leaves room for one more event: then the kernel had no more.
        var want = Math.Max(available, ReadChunk);
        while (ReadCore(handle, want) && ReadLimit == int.MaxValue)
            want = _queue.Length; // the read filled the room: double it and read on
    }

    /// <summary>The room ReadEvents makes before reading: the initial queue size, so a steady stream never grows it.</summary>
    private const int ReadChunk = 64 * 1024;

    /// <summary>One read() into the queue. True when it filled the room, so that more events may be waiting.</summary>
    private bool ReadCore(FileDescriptorHandle handle, int available)
    {
        MakeRoom(Math.Max(available, RawEventReader.MinBuffer));
        unsafe
        {
            fixed (byte* p = &_queue[_tail])
            {
                var room = Math.Min(_queue.Length - _tail, ReadLimit);
                var n = Libc.Read(handle, p, room);
                if (n < 0)
                {
                    var errno = InotifyErrors.LastErrno;
                    if (errno is Libc.EAGAIN or Libc.EINTR)
                        return false;
                    throw InotifyErrors.ForCall("read", errno);
                }
                _tail += (int)n;
                _readTotal += n;
                return room - n < RawEventReader.MinBuffer;
            }
        }
    }

    /// <summary>Test seam: the most bytes one read() asks for (at least <see cref="RawEventReader.MinBuffer"/>), to split event pairs across reads.</summary>
    internal int ReadLimit { get; set; } = int.MaxValue;

    /// <summary>The events read but not dispatched yet (after the one being dispatched). Valid until the next read.</summary>
    internal ReadOnlySpan<byte> Unprocessed => _queue.AsSpan(_head, _tail - _head);

    /// <summary>The event-stream position of the end of <see cref="Unprocessed"/>.</summary>
    internal long ReadTotal => _readTotal;

    /// <summary>How many bytes of events the kernel holds that have not been read; 0 when closed.</summary>
    internal int KernelPending()
    {
        var handle = WatchManager.Handle;
        if (IsStopped || handle.IsClosed)
            return 0;
        try
        {
            return Libc.Ioctl(handle, Libc.FIONREAD, out var available) < 0 ? 0 : available;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    /// <summary>For the tree bookkeeping: reads whatever the kernel holds now, ignoring the threshold. True if it read.</summary>
    internal bool ReadPending()
    {
        var available = KernelPending();
        if (available <= 0)
            return false;
        var before = _readTotal;
        try
        {
            ReadCore(WatchManager.Handle, available);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        return _readTotal != before;
    }

    /// <summary>
    /// For the overflow rescan: reads what the kernel holds and drops, from what was just read, the events that
    /// reading directories causes (IN_OPEN, IN_ACCESS, IN_CLOSE_NOWRITE with IN_ISDIR). A rescan reads every
    /// directory; with a mask that includes those events it would otherwise overflow the queue again, forever.
    /// Only runs inside the window already reported as lost.
    /// </summary>
    internal void DiscardDirectoryReads()
    {
        var relative = _tail - _head;
        if (!ReadPending())
            return;
        var start = _head + relative;
        var write = start;
        var read = start;
        while (read < _tail)
        {
            var next = read;
            if (!RawEventReader.TryRead(_queue.AsSpan(0, _tail), ref next, out _, out var mask, out _, out _))
                break;
            var own = (mask & EventMask.IsDir) != 0 && (mask & (EventMask.Open | EventMask.Access | EventMask.CloseNoWrite)) != 0;
            if (!own)
            {
                if (write != read)
                    Buffer.BlockCopy(_queue, read, _queue, write, next - read);
                write += next - read;
            }
            read = next;
        }
        _tail = write; // _readTotal keeps counting the dropped bytes: positions stay monotonic, which is all it is used for
    }

    /// <summary>Waits up to <paramref name="timeout"/> for events; false on timeout or Stop.</summary>
    internal bool WaitForKernel(TimeSpan timeout) => WaitReadable(timeout, watchInotify: true);

    /// <summary>Sends an event to its watch's handler (or the default one) if the user asked for it.</summary>
    internal void Deliver(Watch? watch, in InotifyEvent e)
    {
        if (watch is null)
            Invoke(DefaultHandler, in e);
        else if (IsWanted(watch, e.Mask))
            Invoke(watch.Handler ?? DefaultHandler, in e);
    }

    /// <summary>
    /// Handlers receive the events their watch asked for, plus those the kernel sends unasked. The bits the tree
    /// bookkeeping adds to the kernel mask stay internal.
    /// </summary>
    private static bool IsWanted(Watch watch, EventMask mask) =>
        (mask & (EventMask.Ignored | EventMask.Unmount | EventMask.QueueOverflow)) != 0
        || (mask & watch.Mask & EventMask.AllEvents) != 0;

    /// <summary>
    /// Dispatches every queued event. If a handler throws (policy <see cref="HandlerExceptionPolicy.Propagate"/>),
    /// the events after it stay queued for the next call: none is lost. The tree bookkeeping may read more events
    /// from the kernel meanwhile (and dispatch them too), and an IN_MOVED_FROM whose IN_MOVED_TO is not queued yet
    /// may make it wait up to <see cref="MoveWait"/>; it never waits otherwise.
    /// </summary>
    public void ProcessEvents()
    {
        if (_dispatching)
            throw new InvalidOperationException("ProcessEvents was called from inside a handler; return from the handler instead");
        _dispatching = true;
        try
        {
            _seen?.Clear();
            while (_head < _tail)
            {
                var offset = _head;
                if (!RawEventReader.TryRead(_queue.AsSpan(0, _tail), ref offset, out var wd, out var mask, out var cookie, out var name))
                    break;
                _head = offset; // consumed before dispatch: a throwing handler does not see its event twice
                InotifyMetrics.EventRead(MetricsKind); // metrics
                if (_coalesce && IsDuplicate(wd, mask, cookie, name))
                    continue;
                ProcessOne(wd, mask, cookie, name);
            }
        }
        finally
        {
            _dispatching = false;
            if (_head == _tail)
                _head = _tail = 0;
            _tree.ExpireSynthesised(_readTotal - (_tail - _head));
        }
    }

    /// <summary>
    /// Processes events until <see cref="Stop"/>, Ctrl-C, or <paramref name="callback"/> returning true (it runs
    /// after each batch, and on each timeout when the notifier has one). Then closes the notifier and its watch manager.
    /// </summary>
    public void Loop(Func<Notifier, bool>? callback = null)
    {
        _loopThreadId = Environment.CurrentManagedThreadId;
        using var sigint = StopOnCtrlC ? PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; Stop(); }) : null;
        try
        {
            while (!IsStopped)
            {
                ProcessEvents();
                if (callback is not null && callback(this))
                    break;
                var started = DateTime.UtcNow;
                if (CheckEvents())
                {
                    SleepUntil(started + _readFreq);
                    ReadEvents();
                }
            }
        }
        finally
        {
            _loopThreadId = 0;
            Close();
        }
    }

    /// <summary>
    /// Stops <see cref="Loop"/> (waking it at once, from any thread or a signal handler) and closes the notifier and
    /// its watch manager, as pyinotify's <c>stop</c> does. Idempotent.
    /// </summary>
    public virtual void Stop()
    {
        // A loop running on another thread closes everything itself when it wakes up.
        if (RequestStop() && Volatile.Read(ref _loopThreadId) == 0)
            Close();
    }

    /// <summary>Stops and closes, like <see cref="Stop"/>, but never throws.</summary>
    public void Dispose()
    {
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    /// <summary>What <see cref="Dispose"/> does; a derived notifier that can throw from Stop overrides it not to.</summary>
    protected virtual void DisposeCore() => Stop();

    /// <summary>Marks the notifier stopped and wakes a blocked loop. Returns false if it was already stopped.</summary>
    protected bool RequestStop()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0)
            return false;
        Wake();
        return true;
    }

    /// <summary>Closes the wake-up fd and the watch manager. Runs once.</summary>
    protected void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        Interlocked.Exchange(ref _stopRequested, 1);
        WatchManager.Dispose();
        _wake.Dispose();
    }

    /// <summary>
    /// Dispatches one event: the tree bookkeeping (<see cref="TreeTracker"/>) takes the events that change the
    /// watch set or need pairing; every other event goes straight to its handler without allocating.
    /// </summary>
    private void ProcessOne(int wd, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        if ((mask & EventMask.QueueOverflow) != 0)
        {
            InotifyMetrics.Overflow(MetricsKind); // metrics
            _tree.OnOverflow(wd, mask);
            return;
        }
        var watch = WatchManager.WatchForEvent(wd);
        if (watch is null)
        {
            if (!WatchManager.IsRetired(wd))
                Log.UnknownWatch(Logger, wd);
            return;
        }
        if (_tree.IsSuperseded(_readTotal - (_tail - _head)))
        {
            if (IsWanted(watch, mask)) InotifyMetrics.EventsLost(MetricsKind); // metrics
            _tree.ProcessSuperseded(watch, mask, cookie, name);
        }
        else if (TreeTracker.NeedsBookkeeping(watch, mask))
            _tree.Process(watch, mask, cookie, name);
        else if (IsWanted(watch, mask))
            Invoke(watch.Handler ?? DefaultHandler, new InotifyEvent(wd, mask, cookie, name, watch));
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
            var text = e.ToString();
            Log.HandlerFailed(Logger, ex, text);
            HandlerFailed?.Invoke(this, new HandlerFailedEventArgs(ex, e.ToOwned()));
        }
    }

    private bool IsDuplicate(int wd, EventMask mask, uint cookie, ReadOnlySpan<byte> name)
    {
        _seen ??= new();
        return !_seen.Add((wd, mask, cookie, Convert.ToBase64String(name)));
    }

    private void MakeRoom(int bytes)
    {
        if (_queue.Length - _tail >= bytes)
            return;
        var live = _tail - _head;
        // Compacting in place would move bytes under a span a handler may still hold; grow into a new array instead.
        var target = !_dispatching && live + bytes <= _queue.Length ? _queue : new byte[Math.Max(_queue.Length * 2, live + bytes)];
        Buffer.BlockCopy(_queue, _head, target, 0, live);
        _queue = target;
        _head = 0;
        _tail = live;
    }

    private void SleepUntil(DateTime until)
    {
        var left = until - DateTime.UtcNow;
        if (left > TimeSpan.Zero)
            WaitReadable(left, watchInotify: false); // returns early on Stop
    }

    private void Wake()
    {
        ulong one = 1;
        unsafe
        {
            try { Libc.Write(_wake, (byte*)&one, sizeof(ulong)); }
            catch (ObjectDisposedException) { } // already closed: nothing left to wake
        }
    }

    /// <summary>poll() on the wake fd and, optionally, the inotify fd. EINTR is retried with the time left.</summary>
    private unsafe bool WaitReadable(TimeSpan? timeout, bool watchInotify)
    {
        if (IsStopped)
            return false;
        var inotify = WatchManager.Handle;
        bool addedInotify = false, addedWake = false;
        try
        {
            inotify.DangerousAddRef(ref addedInotify);
            _wake.DangerousAddRef(ref addedWake);
            var fds = stackalloc Libc.PollFd[2];
            fds[0] = new Libc.PollFd { Fd = _wake.Fd, Events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { Fd = watchInotify ? inotify.Fd : -1, Events = Libc.POLLIN };
            var deadline = timeout is { } t ? DateTime.UtcNow + t : DateTime.MaxValue;
            while (true)
            {
                var ms = timeout is null ? -1 : (int)Math.Clamp(Math.Ceiling((deadline - DateTime.UtcNow).TotalMilliseconds), 0, int.MaxValue);
                var rc = Libc.Poll(fds, 2, ms);
                if (rc < 0)
                {
                    var errno = InotifyErrors.LastErrno;
                    if (errno == Libc.EINTR)
                        continue;
                    throw InotifyErrors.ForCall("poll", errno);
                }
                if (IsStopped || fds[0].REvents != 0)
                    return false;
                return rc > 0 && fds[1].REvents != 0;
            }
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (addedInotify) inotify.DangerousRelease();
            if (addedWake) _wake.DangerousRelease();
        }
    }
}

/// <summary>A handler exception that the notifier logged and moved past.</summary>
public sealed class HandlerFailedEventArgs : EventArgs
{
    internal HandlerFailedEventArgs(Exception exception, OwnedInotifyEvent @event)
    {
        Exception = exception;
        Event = @event;
    }

    /// <summary>What the handler threw.</summary>
    public Exception Exception { get; }

    /// <summary>The event it was handling.</summary>
    public OwnedInotifyEvent Event { get; }
}
