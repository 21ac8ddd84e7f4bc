namespace InotifyGen.Tests.Support;

/// <summary>
/// Kernel limits are global, and test assemblies run in parallel processes. A test that saved the limit while another
/// had lowered it for a moment would restore the lowered value for good, so every change goes through one lock file
/// shared by all test processes, and the value restored is the one read under that lock (KernelLimits.Lock.cs, which
/// the CLI tests share).
/// </summary>
public static partial class KernelLimits
{
    /// <summary>A WatchManager whose kernel queue holds <paramref name="events"/> events (read when it is created).</summary>
    public static WatchManager CreateWithQueueOf(int events)
    {
        using var _ = Lock();
        var old = InotifyLimits.MaxQueuedEvents;
        InotifyLimits.MaxQueuedEvents = events;
        try { return new WatchManager(); }
        finally { InotifyLimits.MaxQueuedEvents = old; }
    }
}
