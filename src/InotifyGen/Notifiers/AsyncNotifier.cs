using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InotifyGen;

/// <summary>
/// The async notifier, for <c>async</c> code (pyinotify's <c>AsyncNotifier</c>/<c>AsyncioNotifier</c>):
/// <see cref="RunAsync"/> dispatches events to handlers until cancelled, and <see cref="ReadEventsAsync"/> yields
/// owned events to <c>await foreach</c>. Use one or the other, once per instance.
/// </summary>
/// <remarks>
/// <para>
/// <b>Mechanism: one dedicated reader thread.</b> A <see cref="Notifier"/> runs its <see cref="Notifier.Loop"/> on a
/// thread of its own, blocked in poll() on the inotify fd and a wake-up eventfd. .NET has no public way to register an
/// arbitrary fd with its socket event loop (epoll), and a poll() inside a thread-pool work item would hold a pool
/// thread for as long as the watch is idle. A dedicated thread costs one stack and no CPU while idle, no thread-pool
/// thread is ever blocked, and the synchronous notifier's semantics (move pairing, auto-add, IN_IGNORED bookkeeping)
/// and its allocation-free dispatch are reused unchanged. Cancellation writes to the eventfd, so poll() returns at
/// once; the thread leaves the loop, closes the inotify fd and the eventfd, and ends.
/// </para>
/// <para>
/// <b><see cref="RunAsync"/></b> calls the handlers on that reader thread, one event at a time, in kernel order (a
/// watch's own handler, else the default handler). While a handler runs nothing is read, so a slow handler's backlog
/// waits in the kernel queue (bounded by fs.inotify.max_queued_events; past it the kernel reports IN_Q_OVERFLOW).
/// </para>
/// <para>
/// <b><see cref="ReadEventsAsync"/></b> copies each event of the default handler (watches added without a handler of
/// their own) into a bounded channel of <see cref="AsyncNotifierOptions.Capacity"/> owned events. When the consumer
/// is slower, <see cref="AsyncNotifierOptions.FullMode"/> decides: wait (the kernel queue absorbs the backlog) or drop
/// with a synthetic IN_Q_OVERFLOW marking the gap. Either way memory is bounded.
/// </para>
/// <para>When the notifier stops it closes its <see cref="WatchManager"/>, as <see cref="Notifier.Loop"/> does.</para>
/// </remarks>
/// <example><code>
/// using var wm = new WatchManager();
/// await using var notifier = new AsyncNotifier(wm);
/// wm.AddWatch("/var/spool/in", EventMask.CloseWrite, recursive: true, autoAdd: true);
/// await foreach (var e in notifier.ReadEventsAsync(stoppingToken))
///     Console.WriteLine(e.PathName);
/// </code></example>
public sealed class AsyncNotifier : IDisposable, IAsyncDisposable
{
    private const string ThreadName = "inotify-async"; // Linux shows 15 characters of a thread name

    private readonly Notifier _notifier;
    private readonly Router _router;
    private readonly AsyncNotifierOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Channel<OwnedInotifyEvent>? _channel;
    private Thread? _thread;
    private int _started;
    private long _dropped;
    private bool _gapMarked;

    /// <summary>Creates the notifier. Nothing is read until <see cref="RunAsync"/> or <see cref="ReadEventsAsync"/>.</summary>
    /// <param name="watchManager">The watches to read; closed when the notifier stops.</param>
    /// <param name="defaultHandler">For <see cref="RunAsync"/>: handles events of watches without their own handler
    /// (default <see cref="PrintAllEvents"/>). It also decides the events of an AddWatch without a mask.</param>
    /// <param name="options">How to read and dispatch (<see cref="NotifierOptions"/>), and the buffer size and full behaviour of <see cref="ReadEventsAsync"/>.</param>
    /// <param name="logger">Where overflows, failed watches and handler errors are logged.</param>
    public AsyncNotifier(WatchManager watchManager, ProcessEvent? defaultHandler = null, AsyncNotifierOptions? options = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(watchManager);
        _options = options ?? new AsyncNotifierOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Capacity, 1, nameof(options));
        _router = new Router(this, defaultHandler);
        _notifier = new Notifier(watchManager, _router, _options, logger) { StopOnCtrlC = false, MetricsKind = "async" };
        if (defaultHandler is not null && ReferenceEquals(defaultHandler.Logger, NullLogger.Instance))
            defaultHandler.Logger = _notifier.Logger;
    }

    /// <summary>The watch manager this notifier reads.</summary>
    public WatchManager WatchManager => _notifier.WatchManager;

    /// <summary>What happens when a handler throws (see <see cref="Notifier.ExceptionPolicy"/>). Under the default,
    /// <see cref="HandlerExceptionPolicy.Propagate"/>, the exception ends <see cref="RunAsync"/>'s task.</summary>
    public HandlerExceptionPolicy ExceptionPolicy
    {
        get => _notifier.ExceptionPolicy;
        set => _notifier.ExceptionPolicy = value;
    }

    /// <summary>Raised (on the reader thread) for each handler exception under <see cref="HandlerExceptionPolicy.LogAndContinue"/>.</summary>
    public event EventHandler<HandlerFailedEventArgs>? HandlerFailed
    {
        add => _notifier.HandlerFailed += value;
        remove => _notifier.HandlerFailed -= value;
    }

    /// <summary>The bound of <see cref="ReadEventsAsync"/>'s buffer, in events.</summary>
    public int Capacity => _options.Capacity;

    /// <summary>What <see cref="ReadEventsAsync"/> does when its buffer is full.</summary>
    public AsyncFullMode FullMode => _options.FullMode;

    /// <summary>Events dropped under <see cref="AsyncFullMode.DropNewest"/> so far.</summary>
    public long DroppedEvents => Interlocked.Read(ref _dropped);

    /// <summary>Events waiting in <see cref="ReadEventsAsync"/>'s buffer now; never more than <see cref="Capacity"/>
    /// (plus the overflow marker under <see cref="AsyncFullMode.DropNewest"/>).</summary>
    public int BufferedEvents => _channel?.Reader.Count ?? 0;

    /// <summary>Completes when the reader thread has left its loop and closed its file descriptors.</summary>
    public Task Completion => _exited.Task;

    /// <summary>
    /// Dispatches events to the handlers until <paramref name="cancellationToken"/> is cancelled (then the task is
    /// cancelled, within milliseconds) or <see cref="Stop"/> is called (then it completes). A handler exception under
    /// <see cref="HandlerExceptionPolicy.Propagate"/> faults the task. The handlers run on the notifier's own thread;
    /// no thread-pool thread waits while the watches are idle.
    /// </summary>
    /// <exception cref="InvalidOperationException">The notifier was already started.</exception>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        Start(dispatch: true);
        using (cancellationToken.UnsafeRegister(static s => ((AsyncNotifier)s!).Stop(), this))
            await _exited.Task.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Yields the events of watches without a handler of their own, as <see cref="OwnedInotifyEvent"/>s, until
    /// <paramref name="cancellationToken"/> is cancelled (an <see cref="OperationCanceledException"/> ends the
    /// enumeration) or <see cref="Stop"/> is called (it ends normally). Leaving the <c>await foreach</c> early stops
    /// the notifier. Buffering is bounded; see <see cref="AsyncNotifierOptions"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The notifier was already started.</exception>
    public async IAsyncEnumerable<OwnedInotifyEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Under DropNewest one slot more than the capacity: room for the overflow marker when the rest is full.
        var channel = Channel.CreateBounded<OwnedInotifyEvent>(new BoundedChannelOptions(
            _options.FullMode == AsyncFullMode.Wait ? _options.Capacity : _options.Capacity + 1)
            { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        Start(dispatch: false, channel);
        try
        {
            var reader = channel.Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var e))
                    yield return e;
            }
        }
        finally
        {
            Stop();
            await ((Task)_exited.Task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Stops the notifier from any thread: the reader thread wakes at once, closes its fds and ends. Idempotent.</summary>
    public void Stop()
    {
        try { _stopping.Cancel(); }
        catch (ObjectDisposedException) { }
        _notifier.Stop();
        if (Volatile.Read(ref _started) == 0)
            _exited.TrySetResult(); // never started: nothing to wait for
    }

    /// <summary>Stops the notifier and waits for its thread to end.</summary>
    public void Dispose()
    {
        Stop();
        var thread = _thread;
        if (thread is not null && thread != Thread.CurrentThread)
            thread.Join();
    }

    /// <summary>Stops the notifier and waits, without blocking, for its thread to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Stop();
        await ((Task)_exited.Task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void Start(bool dispatch, Channel<OwnedInotifyEvent>? channel = null)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("this AsyncNotifier was already started; create a new one to run again");
        _channel = channel;
        if (_stopping.IsCancellationRequested || _notifier.IsStopped)
        {
            _exited.TrySetResult();
            _channel?.Writer.TryComplete();
            return;
        }
        _router.Dispatch = dispatch;
        _thread = new Thread(ReaderThread) { IsBackground = true, Name = ThreadName };
        _thread.UnsafeStart(); // no ExecutionContext (AsyncLocals) captured into a long-lived thread
    }

    private void ReaderThread()
    {
        Exception? fault = null;
        try
        {
            _notifier.Loop();
        }
        catch (Exception e)
        {
            fault = e;
            _notifier.Logger.LogError(e, "The async notifier stopped because of an exception.");
        }
        finally
        {
            _notifier.Stop(); // Loop closed everything already unless it never ran
        }
        _channel?.Writer.TryComplete(fault);
        if (fault is null)
            _exited.TrySetResult();
        else
            _exited.TrySetException(fault);
    }

    /// <summary>Puts an event in the channel, applying the full mode. Runs on the reader thread only.</summary>
    private void Enqueue(in InotifyEvent e)
    {
        var channel = _channel!;
        if (_options.FullMode == AsyncFullMode.DropNewest)
        {
            if (channel.Reader.Count >= _options.Capacity)
            {
                Interlocked.Increment(ref _dropped);
                Diagnostics.InotifyMetrics.EventsLost("async"); // metrics
                if (!_gapMarked)
                    _gapMarked = channel.Writer.TryWrite(OverflowMarker());
                return;
            }
            _gapMarked = false;
            channel.Writer.TryWrite(e.ToOwned());
            return;
        }
        var owned = e.ToOwned();
        while (!channel.Writer.TryWrite(owned))
        {
            // Full: wait on this dedicated thread; meanwhile nothing is read and the kernel queue holds the backlog.
            try
            {
                if (!channel.Writer.WaitToWriteAsync(_stopping.Token).AsTask().GetAwaiter().GetResult())
                    return;
            }
            catch (OperationCanceledException)
            {
                return; // stopping: the event would never be read anyway
            }
        }
    }

    private static OwnedInotifyEvent OverflowMarker() =>
        new(-1, EventMask.QueueOverflow, 0, [], "", "", false, null, EventFlags.Synthetic | EventFlags.EventsLost, false);

    /// <summary>The notifier's default handler: the user's handler for RunAsync, the channel for ReadEventsAsync.</summary>
    private sealed class Router(AsyncNotifier owner, ProcessEvent? handler) : ProcessEvent
    {
        private ProcessEvent? _handler = handler;

        public bool Dispatch { get; set; }

        protected override EventMask HandledEvents => _handler?.HandledMask ?? EventMask.AllEvents;

        protected override bool DispatchEvent(in InotifyEvent e)
        {
            if (!Dispatch)
            {
                owner.Enqueue(in e);
                return false;
            }
            _handler ??= new PrintAllEvents();
            return _handler.Invoke(in e);
        }
    }
}
