using Microsoft.Extensions.Logging;

namespace InotifyGen;

/// <summary>
/// A notifier that runs <see cref="Notifier.Loop"/> on its own thread, pyinotify's <c>ThreadedNotifier</c>.
/// Unlike pyinotify's, it never dies silently: an exception that ends the thread raises <see cref="Faulted"/>
/// and is rethrown by <see cref="Stop"/>.
/// </summary>
public sealed class ThreadedNotifier : Notifier
{
    private Thread? _thread;
    private Exception? _fault;
    private int _faultReported;

    /// <summary>Creates the notifier; see <see cref="Notifier"/> for the parameters. Call <see cref="Start"/> to begin.</summary>
    public ThreadedNotifier(WatchManager watchManager, ProcessEvent? defaultHandler = null, TimeSpan readFreq = default,
        int threshold = 0, TimeSpan? timeout = null, ILogger? logger = null)
        : base(watchManager, defaultHandler, readFreq, threshold, timeout, logger)
    {
        StopOnCtrlC = false;
        MetricsKind = "threaded"; // metrics
    }

    /// <summary>Creates the notifier configured by <paramref name="options"/> (Ctrl-C never stops it). Call <see cref="Start"/> to begin.</summary>
    /// <param name="watchManager">The watches to read events from.</param>
    /// <param name="defaultHandler">Handles events of watches without their own handler; defaults to <see cref="PrintAllEvents"/>.</param>
    /// <param name="options">How to read and dispatch; see <see cref="NotifierOptions"/>.</param>
    /// <param name="logger">Where overflows, failed watches, handler errors and the thread's fault are logged.</param>
    public ThreadedNotifier(WatchManager watchManager, ProcessEvent? defaultHandler, NotifierOptions options, ILogger? logger = null)
        : base(watchManager, defaultHandler, options, logger)
    {
        StopOnCtrlC = false;
        MetricsKind = "threaded"; // metrics
    }

    /// <summary>Raised on the notifier thread when an exception ends it.</summary>
    public event EventHandler<NotifierFaultedEventArgs>? Faulted;

    /// <summary>The exception that ended the thread, or null.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>True while the notifier thread runs.</summary>
    public bool IsAlive => _thread?.IsAlive ?? false;

    /// <summary>Starts the notifier thread.</summary>
    public void Start()
    {
        if (_thread is not null)
            throw new InvalidOperationException("this ThreadedNotifier was already started; create a new one to start again");
        ObjectDisposedException.ThrowIf(IsStopped, this);
        _thread = new Thread(Run) { IsBackground = true, Name = "InotifyGen notifier" };
        _thread.Start();
    }

    /// <summary>Waits for the notifier thread to end; returns false on timeout.</summary>
    public bool Join(TimeSpan? timeout = null) =>
        _thread is null || (timeout is { } t ? _thread.Join(t) : _thread.Join(Timeout.Infinite));

    /// <summary>
    /// Stops the thread (waking it at once), waits for it, and closes the notifier and its watch manager.
    /// Idempotent. If an exception ended the thread, the first call throws it, wrapped.
    /// </summary>
    /// <exception cref="InvalidOperationException">The notifier thread had died; the inner exception says why.</exception>
    public override void Stop()
    {
        StopAndJoin();
        if (_fault is not null && Interlocked.Exchange(ref _faultReported, 1) == 0)
            throw new InvalidOperationException("the notifier thread died because of an exception; see the inner exception", _fault);
    }

    /// <inheritdoc/>
    protected override void DisposeCore() => StopAndJoin();

    private void StopAndJoin()
    {
        RequestStop();
        if (_thread is not null && _thread != Thread.CurrentThread)
            _thread.Join();
        Close();
    }

    private void Run()
    {
        try
        {
            Loop();
        }
        catch (Exception e)
        {
            Volatile.Write(ref _fault, e);
            Logger.LogError(e, "The notifier thread stopped because of an exception.");
            Faulted?.Invoke(this, new NotifierFaultedEventArgs(e));
        }
    }
}

/// <summary>The exception that ended a <see cref="ThreadedNotifier"/>'s thread.</summary>
public sealed class NotifierFaultedEventArgs : EventArgs
{
    internal NotifierFaultedEventArgs(Exception exception) => Exception = exception;

    /// <summary>What was thrown.</summary>
    public Exception Exception { get; }
}
