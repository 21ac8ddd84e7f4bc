namespace InotifyGen;

/// <summary>
/// Where the reader gets its bytes: the kernel's inotify fd plus a wake-up, or a simulated kernel in tests.
/// The reader (<see cref="EventQueue"/>) is its only user.
/// </summary>
internal interface IEventSource : IDisposable
{
    /// <summary>Reads whole <c>struct inotify_event</c> records into <paramref name="buffer"/>; 0 when none is queued or the source is closed.</summary>
    int Read(Span<byte> buffer);

    /// <summary>How many bytes of events are queued and not read; 0 when closed.</summary>
    int Pending();

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (null: no limit) until events can be read (only when
    /// <paramref name="forEvents"/>) or <see cref="Wake"/> is called. True only when events can be read.
    /// </summary>
    bool Wait(TimeSpan? timeout, bool forEvents);

    /// <summary>Ends a <see cref="Wait"/> in progress, and every later one, at once. Safe from any thread and a signal handler.</summary>
    void Wake();
}
