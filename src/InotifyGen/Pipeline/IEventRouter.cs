namespace InotifyGen;

/// <summary>
/// The middle stage as the notifier sees it: each event in kernel order, then the end of the batch. The inotify
/// backend's is <see cref="TreeTracker"/>; the fanotify backend's is <see cref="FanotifyRouter"/>.
/// </summary>
internal interface IEventRouter
{
    /// <summary>See <see cref="NotifierOptions.MoveWait"/>.</summary>
    TimeSpan MoveWait { get; set; }

    /// <summary>See <see cref="NotifierOptions.RescanOnOverflow"/>.</summary>
    bool RescanOnOverflow { get; set; }

    /// <summary>See <see cref="NotifierOptions.CompleteFiles"/>.</summary>
    bool CompleteFiles { get; set; }

    /// <summary>Takes one event read from the backend.</summary>
    void Route(int wd, EventMask mask, uint cookie, ReadOnlySpan<byte> name);

    /// <summary>The batch is dispatched.</summary>
    void EndBatch();
}
