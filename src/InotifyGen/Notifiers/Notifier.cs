using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InotifyGen;

/// <summary>
/// Reads events from a <see cref="WatchManager"/> and dispatches them to handlers, pyinotify's <c>Notifier</c>.
/// Each event goes to its watch's own handler when it has one, else to <see cref="DefaultHandler"/>.
/// </summary>
public class Notifier : IDisposable
{
    private readonly int _threshold;
    private readonly TimeSpan _readFreq;
    private readonly TimeSpan? _timeout;
    private readonly EventQueue _queue;
    private readonly Dispatcher _dispatcher;
    private readonly IEventRouter _tree;
    private bool _processing;
    private int _processingThreadId;
    private int _stopRequested;
    private int _closed;
    private int _loopThreadId;

    /// <summary>Creates a notifier.</summary>
    /// <param name="watchManager">The watches to read events from.</param>
    /// <param name="defaultHandler">Handles events of watches without their own handler; defaults to <see cref="PrintAllEvents"/>.</param>
    /// <param name="readFreq">Minimum time between two reads: events pile up in the kernel meanwhile and are read in one batch.</param>
    /// <param name="threshold">Read only once at least this many bytes of events are queued (use with <paramref name="readFreq"/>).</param>
    /// <param name="timeout">How long <see cref="CheckEvents"/> waits by default; null waits until an event or <see cref="Stop"/>.</param>
    /// <param name="logger">Where overflows, failed watches and handler errors are logged.</param>
    public Notifier(WatchManager watchManager, ProcessEvent? defaultHandler = null, TimeSpan readFreq = default,
        int threshold = 0, TimeSpan? timeout = null, ILogger? logger = null)
        : this(watchManager, defaultHandler, new NotifierOptions { ReadFreq = readFreq, Threshold = threshold, Timeout = timeout }, logger)
    {
    }

    /// <summary>Creates a notifier configured by <paramref name="options"/>.</summary>
    /// <param name="watchManager">The watches to read events from.</param>
    /// <param name="defaultHandler">Handles events of watches without their own handler; defaults to <see cref="PrintAllEvents"/>.</param>
    /// <param name="options">How to read and dispatch; see <see cref="NotifierOptions"/>.</param>
    /// <param name="logger">Where overflows, failed watches and handler errors are logged.</param>
    public Notifier(WatchManager watchManager, ProcessEvent? defaultHandler, NotifierOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(watchManager);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        WatchManager = watchManager;
        DefaultHandler = defaultHandler ?? new PrintAllEvents();
        Logger = logger ?? NullLogger.Instance;
        if (ReferenceEquals(DefaultHandler.Logger, NullLogger.Instance))
            DefaultHandler.Logger = Logger;
        _readFreq = options.ReadFreq;
        _threshold = options.Threshold;
        _timeout = options.Timeout;
        watchManager.DefaultHandler = DefaultHandler;
        _queue = new EventQueue(watchManager.Kernel.OpenEvents());
        _dispatcher = new Dispatcher(DefaultHandler, Logger, this)
        {
            ExceptionPolicy = options.ExceptionPolicy,
            Coalesce = options.Coalesce,
            Settled = options.SettleCompleteFiles > TimeSpan.Zero
                ? new SettledFiles(options.SettleCompleteFiles, watchManager.Time, watchManager.FileSystem) : null,
        };
        _tree = watchManager.Kernel is FanotifyInstance
            ? new FanotifyRouter(watchManager, _dispatcher, Logger)
            : new TreeTracker(_queue, _dispatcher, watchManager, watchManager.FileSystem, watchManager.Time, Logger);
        _tree.MoveWait = options.MoveWait;
        _tree.RescanOnOverflow = options.RescanOnOverflow;
        _tree.CompleteFiles = options.CompleteFiles;
        StopOnCtrlC = options.StopOnCtrlC;
    }

    /// <summary>The watch manager this notifier reads.</summary>
    public WatchManager WatchManager { get; }

    /// <summary>The <c>inotifygen.notifier</c> tag of this notifier's metrics (<see cref="Diagnostics.InotifyMetrics"/>).</summary>
    internal string MetricsKind
    {
        get => _dispatcher.MetricsKind;
        init => _dispatcher.MetricsKind = value;
    }

    /// <summary>The handler for events of watches that have none of their own.</summary>
    public ProcessEvent DefaultHandler { get; }

    /// <summary>Where the notifier logs.</summary>
    public ILogger Logger { get; }

    /// <summary>What happens when a handler throws. Default: <see cref="HandlerExceptionPolicy.Propagate"/>, as in pyinotify.</summary>
    public HandlerExceptionPolicy ExceptionPolicy
    {
        get => _dispatcher.ExceptionPolicy;
        set => _dispatcher.ExceptionPolicy = value;
    }

    /// <summary>Raised for each handler exception under <see cref="HandlerExceptionPolicy.LogAndContinue"/>.</summary>
    public event EventHandler<HandlerFailedEventArgs>? HandlerFailed
    {
        add => _dispatcher.HandlerFailed += value;
        remove => _dispatcher.HandlerFailed -= value;
    }

    /// <summary>Whether <see cref="Loop"/> stops on Ctrl-C (SIGINT), as pyinotify's loop does. Default true.</summary>
    public bool StopOnCtrlC { get; set; } = true;

    /// <summary>
    /// How long an IN_MOVED_FROM waits for its IN_MOVED_TO before it is reported as a move out of the tree
    /// (<see cref="EventFlags.MovedOut"/>); see <see cref="NotifierOptions.MoveWait"/>. Default 10 ms.
    /// </summary>
    public TimeSpan MoveWait
    {
        get => _tree.MoveWait;
        set => _tree.MoveWait = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MoveWait must be zero or positive");
    }

    /// <summary>
    /// On IN_Q_OVERFLOW, walk every recursive or autoAdd tree again; see <see cref="NotifierOptions.RescanOnOverflow"/>.
    /// Off by default (pyinotify does no rescan).
    /// </summary>
    public bool RescanOnOverflow
    {
        get => _tree.RescanOnOverflow;
        set => _tree.RescanOnOverflow = value;
    }

    /// <summary>
    /// Whether files a new directory's listing finds already closed get a synthesised IN_CLOSE_WRITE; see
    /// <see cref="NotifierOptions.CompleteFiles"/>. Default true; false is pyinotify's exact stream.
    /// </summary>
    public bool CompleteFiles
    {
        get => _tree.CompleteFiles;
        set => _tree.CompleteFiles = value;
    }

    /// <summary>True once <see cref="Stop"/> was called.</summary>
    public bool IsStopped => Volatile.Read(ref _stopRequested) != 0;

    /// <summary>
    /// Drops duplicate events (same wd, mask, cookie and name) within each batch, pyinotify's <c>coalesce_events</c>:
    /// six alternating MODIFYs of two files become two events.
    /// </summary>
    public void CoalesceEvents(bool coalesce = true) => _dispatcher.Coalesce = coalesce;

    /// <summary>
    /// Waits until events can be read, up to <paramref name="timeout"/> (default: the constructor's timeout; null
    /// waits indefinitely), or until a complete file held for <see cref="NotifierOptions.SettleCompleteFiles"/> falls
    /// due. Returns false on timeout (or that) or when <see cref="Stop"/> was called.
    /// </summary>
    public bool CheckEvents(TimeSpan? timeout = null)
    {
        var wait = timeout ?? _timeout;
        // A held complete file falls due: wake for it (ProcessEvents delivers it).
        if (_dispatcher.Settled?.UntilNext() is { } due && (wait is not { } w || w == Timeout.InfiniteTimeSpan || due < w))
            wait = due;
        return _queue.WaitForEvents(wait);
    }

    /// <summary>
    /// Reads the queued events into this notifier's queue, unless fewer than <c>threshold</c> bytes are waiting.
    /// Does not block.
    /// </summary>
    public void ReadEvents()
    {
        var below = _queue.Fill(_threshold);
        if (below >= 0)
            Log.BelowThreshold(Logger, below, _threshold);
    }

    /// <summary>Test seam: the most bytes one read() asks for (at least <see cref="RawEventReader.MinBuffer"/>), to split event pairs across reads.</summary>
    internal int ReadLimit
    {
        get => _queue.ReadLimit;
        set => _queue.ReadLimit = value;
    }

    /// <summary>
    /// Dispatches every queued event, in kernel order. It returns as soon as <see cref="Stop"/> is called (from any
    /// thread, or from a handler), leaving the events not dispatched yet queued, in order. If a handler throws
    /// (policy <see cref="HandlerExceptionPolicy.Propagate"/>), the events after it stay queued for the next call:
    /// none is lost. The tree bookkeeping may read more events from the kernel meanwhile (and dispatch them too),
    /// and an IN_MOVED_FROM whose IN_MOVED_TO is not queued yet may make it wait up to <see cref="MoveWait"/>.
    /// </summary>
    public void ProcessEvents()
    {
        if (_processing)
            throw new InvalidOperationException("ProcessEvents was called from inside a handler; return from the handler instead");
        _processing = true;
        _processingThreadId = Environment.CurrentManagedThreadId;
        _queue.BeginBatch();
        _dispatcher.BeginBatch();
        try
        {
            _dispatcher.ReleaseSettled();
            while (!_queue.IsStopping && _queue.TryTake(out var wd, out var mask, out var cookie, out var name))
            {
                Diagnostics.InotifyMetrics.EventRead(MetricsKind); // metrics
                if (_dispatcher.IsDuplicate(wd, mask, cookie, name))
                    continue;
                _tree.Route(wd, mask, cookie, name);
            }
        }
        finally
        {
            _processing = false;
            _processingThreadId = 0;
            _queue.EndBatch();
            _tree.EndBatch();
            if (IsStopped && Volatile.Read(ref _loopThreadId) == 0)
                Close(); // stopped from a handler: closing had to wait until dispatch was out of the way
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
                // The clock only for a read frequency: read twice per batch, it cost 1.6% of a streamed event's CPU.
                var started = _readFreq > TimeSpan.Zero ? DateTime.UtcNow : default;
                if (CheckEvents())
                {
                    if (_readFreq > TimeSpan.Zero)
                        _queue.Pause(started + _readFreq - DateTime.UtcNow);
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
    /// Stops <see cref="Loop"/> and <see cref="ProcessEvents"/> (waking them at once, from any thread, a handler or
    /// a signal handler) and closes the notifier and its watch manager, as pyinotify's <c>stop</c> does. Idempotent.
    /// </summary>
    public virtual void Stop()
    {
        // A loop running on another thread (or a handler inside it) closes everything itself when it wakes up.
        if (RequestStop() && Volatile.Read(ref _loopThreadId) == 0
            && Volatile.Read(ref _processingThreadId) != Environment.CurrentManagedThreadId)
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
        _queue.RequestStop();
        return true;
    }

    /// <summary>Closes the wake-up fd and the watch manager. Runs once.</summary>
    protected void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        RequestStop();
        WatchManager.Dispose();
        _queue.Dispose();
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
