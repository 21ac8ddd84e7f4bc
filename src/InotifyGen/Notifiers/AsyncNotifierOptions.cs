namespace InotifyGen;

/// <summary>What <see cref="AsyncNotifier.ReadEventsAsync"/> does when its buffer is full (the consumer is slower than the kernel).</summary>
public enum AsyncFullMode
{
    /// <summary>
    /// The reader thread waits for room and stops reading meanwhile, so events pile up in the kernel's own queue
    /// (fs.inotify.max_queued_events per instance). Nothing is lost unless that queue overflows too, and then the
    /// kernel's IN_Q_OVERFLOW event is delivered in order. The default.
    /// </summary>
    Wait,

    /// <summary>
    /// New events are dropped while the buffer is full, and the gap is marked: the next item the consumer sees after
    /// the events that were kept is a synthetic IN_Q_OVERFLOW (wd -1, <see cref="EventFlags.Synthetic"/> |
    /// <see cref="EventFlags.EventsLost"/>). <see cref="AsyncNotifier.DroppedEvents"/> counts what was dropped.
    /// The kernel queue is always drained, so the kernel itself never overflows.
    /// </summary>
    DropNewest,
}

/// <summary>Settings of an <see cref="AsyncNotifier"/>: the <see cref="NotifierOptions"/> plus the buffer of <see cref="AsyncNotifier.ReadEventsAsync"/>.</summary>
public sealed class AsyncNotifierOptions : NotifierOptions
{
    /// <summary>The default <see cref="Capacity"/>.</summary>
    public const int DefaultCapacity = 4096;

    /// <summary>
    /// How many owned events <see cref="AsyncNotifier.ReadEventsAsync"/> buffers between the reader thread and the
    /// consumer (default 4096). Memory is bounded by this many events plus one read buffer of kernel events.
    /// </summary>
    public int Capacity { get; set; } = DefaultCapacity;

    /// <summary>What happens when the buffer is full; default <see cref="AsyncFullMode.Wait"/>.</summary>
    public AsyncFullMode FullMode { get; set; } = AsyncFullMode.Wait;
}
