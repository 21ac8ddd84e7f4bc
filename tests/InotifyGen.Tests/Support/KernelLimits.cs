namespace InotifyGen.Tests.Support;

/// <summary>
/// Kernel limits are global, and test assemblies run in parallel processes. A test that saved the limit while another
/// had lowered it for a moment would restore the lowered value for good, so every change goes through one lock file
/// shared by all test processes, and the value restored is the one read under that lock.
/// </summary>
public static class KernelLimits
{
    private const string LockPath = "/tmp/inotifygen-tests-kernel-limits.lock";

    /// <summary>A WatchManager whose kernel queue holds <paramref name="events"/> events (read when it is created).</summary>
    public static WatchManager CreateWithQueueOf(int events)
    {
        using var _ = Lock();
        var old = InotifyLimits.MaxQueuedEvents;
        InotifyLimits.MaxQueuedEvents = events;
        try { return new WatchManager(); }
        finally { InotifyLimits.MaxQueuedEvents = old; }
    }

    /// <summary>Holds the cross-process lock (an exclusive flock) until disposed; waits for it with a deadline.</summary>
    public static IDisposable Lock()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5); // another test process holds it for the few microseconds of its change
            }
        }
    }
}
