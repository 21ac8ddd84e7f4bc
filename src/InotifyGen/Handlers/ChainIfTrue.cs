namespace InotifyGen;

/// <summary>A test on an event, for <see cref="ChainIfTrue"/> (a <c>Func</c> cannot take a ref struct on every target framework).</summary>
public delegate bool InotifyEventPredicate(InotifyEvent e);

/// <summary>
/// pyinotify's <c>ChainIfTrue</c>: put it before another handler (as its <c>next</c>) to let an event through only
/// when <see cref="InotifyEventPredicate"/> returns true; when it returns false the chain stops there.
/// <code>new MyHandler(next: new ChainIfTrue(e =&gt; !e.Name.EndsWith(".swp")))</code>
/// </summary>
public sealed class ChainIfTrue : ProcessEvent
{
    private readonly InotifyEventPredicate _func;

    /// <summary>Creates the filter; <paramref name="next"/> runs before it, as with every <see cref="ProcessEvent"/>.</summary>
    public ChainIfTrue(InotifyEventPredicate func, ProcessEvent? next = null) : base(next) =>
        _func = func ?? throw new ArgumentNullException(nameof(func));

    /// <inheritdoc/>
    protected override EventMask HandledEvents => EventMask.AllEvents;

    /// <summary>pyinotify's <c>process_default</c>: returns <c>not func(event)</c>, so true (stop) when the test fails.</summary>
    protected override bool DispatchEvent(in InotifyEvent e) =>
        // As in pyinotify, an overflow goes to ProcessEvent's own handling, never to process_default.
        e.EventType == EventMask.QueueOverflow ? base.DispatchEvent(in e) : !_func(e);
}
