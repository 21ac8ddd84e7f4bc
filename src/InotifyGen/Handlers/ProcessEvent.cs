using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InotifyGen;

/// <summary>
/// The base of every event handler, pyinotify's <c>ProcessEvent</c>. Derive a <c>partial</c> class from it and
/// write <c>process_IN_CREATE</c>-style methods, or methods marked <c>[OnCreate]</c>; the source generator
/// compiles them into a <c>switch</c> (no reflection). The lookup order is pyinotify's: the specialised method
/// (<c>process_IN_CLOSE_WRITE</c>), then the family method (<c>process_IN_CLOSE</c>), then <c>process_default</c>.
/// pyinotify's <c>my_init</c> is simply your constructor.
/// </summary>
public abstract class ProcessEvent
{
    /// <summary>Creates a handler; <paramref name="next"/> is pyinotify's <c>pevent</c>: it runs first, and returning true stops the chain.</summary>
    protected ProcessEvent(ProcessEvent? next = null) => Next = next;

    /// <summary>The handler that runs before this one (pyinotify's <c>pevent</c>), or null.</summary>
    public ProcessEvent? Next { get; }

    /// <summary>Where this handler logs (the queue-overflow warning, for one). Notifiers set it to their own logger when unset.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// Every event this handler (and the chain before it) handles. <c>AddWatch</c> asks the kernel for exactly
    /// these when no mask is given. A handler with a default method handles <see cref="EventMask.AllEvents"/>.
    /// </summary>
    public EventMask HandledMask => HandledEvents | (Next?.HandledMask ?? EventMask.None);

    /// <summary>The events this class's own methods handle. The source generator overrides it.</summary>
    protected virtual EventMask HandledEvents => EventMask.None;

    /// <summary>
    /// Handles one event, pyinotify's <c>__call__</c>: runs <see cref="Next"/> first; unless it returned true,
    /// dispatches to this handler's method. Returns that method's result (false for a <c>void</c> method).
    /// </summary>
    // Inlined at the call site, so an unchained handler costs one virtual call into its generated switch; the
    // recursive chain walk lives in its own method because recursion would keep this one from being inlined.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Invoke(in InotifyEvent e) => Next is null ? DispatchEvent(in e) : InvokeChain(in e);

    private bool InvokeChain(in InotifyEvent e) => Next!.Invoke(in e) || DispatchEvent(in e);

    /// <summary>
    /// Calls the method that handles <paramref name="e"/>. The source generator overrides it with a <c>switch</c>;
    /// this base version handles IN_Q_OVERFLOW by logging it, as pyinotify does, and ignores everything else.
    /// </summary>
    protected virtual bool DispatchEvent(in InotifyEvent e)
    {
        if (e.EventType == EventMask.QueueOverflow)
            Log.QueueOverflowed(Logger);
        return false;
    }
}

/// <summary>A handler written as a lambda: <c>new Notifier(wm, new DelegateHandler(e =&gt; Console.WriteLine(e.PathName)))</c>.</summary>
public delegate void InotifyEventCallback(InotifyEvent e);

/// <summary>Wraps a plain callback as a handler (pyinotify accepts any callable as <c>proc_fun</c>). It receives every event.</summary>
public sealed class DelegateHandler : ProcessEvent
{
    private readonly InotifyEventCallback _callback;

    /// <summary>Creates the handler; <paramref name="next"/> runs first, as with every <see cref="ProcessEvent"/>.</summary>
    public DelegateHandler(InotifyEventCallback callback, ProcessEvent? next = null) : base(next) =>
        _callback = callback ?? throw new ArgumentNullException(nameof(callback));

    /// <inheritdoc/>
    protected override EventMask HandledEvents => EventMask.AllEvents;

    /// <inheritdoc/>
    protected override bool DispatchEvent(in InotifyEvent e)
    {
        _callback(e);
        return false;
    }
}

/// <summary>pyinotify's <c>PrintAllEvents</c>: writes each event in pyinotify's exact line format, flushed.</summary>
public sealed class PrintAllEvents : ProcessEvent
{
    private readonly TextWriter? _writer;

    /// <summary>Prints to <paramref name="writer"/>, or to the current <see cref="Console.Out"/> when null.</summary>
    public PrintAllEvents(TextWriter? writer = null, ProcessEvent? next = null) : base(next) => _writer = writer;

    /// <inheritdoc/>
    protected override EventMask HandledEvents => EventMask.AllEvents;

    /// <inheritdoc/>
    protected override bool DispatchEvent(in InotifyEvent e)
    {
        var w = _writer ?? Console.Out;
        w.WriteLine(e.ToString());
        w.Flush();
        return false;
    }
}
