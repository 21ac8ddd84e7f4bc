using System.Diagnostics;
using InotifyGen.Tests.Support;

namespace InotifyGen.Tests;

/// <summary>
/// Tests that count the process's fds and threads, or change a kernel limit that every new inotify instance
/// reads: they run alone, after the parallel tests, so nothing else moves the numbers.
/// </summary>
[Collection(ProcessWide.Name)]
public class ProcessWideTests
{
    [Fact]
    public void Dispose_ClosesEveryFd_AndIsIdempotent()
    {
        using var dir = new TempDir();
                // Warm up everything that opens fds once per process (the runtime's own handles).
        using (var warm = new Notifier(new WatchManager(), new PrintAllEvents(TextWriter.Null))) { }
        var before = Leaks.Fds();

        for (var i = 0; i < 50; i++)
        {
            var wm = new WatchManager();
            wm.AddWatch(dir.Path, EventMask.Create);
            var notifier = new Notifier(wm, new PrintAllEvents(TextWriter.Null));
            notifier.Dispose();
            notifier.Dispose();
            wm.Dispose();
            Assert.True(wm.IsClosed);
        }

        Assert.Empty(Leaks.OpenedSince(before));
    }

    [Fact]
    public void ThreadedNotifier_StartStop_LeavesNoThreadAndNoFd()
    {
        using var dir = new TempDir();
                using (var warm = new ThreadedNotifier(new WatchManager(), new PrintAllEvents(TextWriter.Null))) { warm.Start(); }
        var fds = Leaks.Fds();
        var threads = Leaks.Threads();

        for (var i = 0; i < 20; i++)
        {
            var wm = new WatchManager();
            wm.AddWatch(dir.Path, EventMask.Create);
            var notifier = new ThreadedNotifier(wm, new PrintAllEvents(TextWriter.Null));
            notifier.Start();
            notifier.Stop();
            Assert.False(notifier.IsAlive);
        }

        Assert.Empty(Leaks.OpenedSince(fds));
        Assert.True(Leaks.Threads() <= threads + 2); // the runtime's own pool may breathe
    }

    [Fact]
    public void QueueOverflow_AsDeliveredByTheKernel_ReachesTheDefaultHandler()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = KernelLimits.CreateWithQueueOf(16);
        wm.AddWatch(dir.Path, EventMask.Create);
        var masks = new List<EventMask>();
        using var notifier = new Notifier(wm, new DelegateHandler(e => masks.Add(e.Mask)));
        for (var i = 0; i < 40; i++)
            File.Create(dir["f" + i]).Dispose();
        notifier.ReadEvents();
        notifier.ProcessEvents();

        Assert.Equal(16, masks.Count(m => m == EventMask.Create));
        Assert.Equal(EventMask.QueueOverflow, masks[^1]);
    }

    [Fact]
    public void InotifyLimits_ReadAndWriteProcSys()
    {
        Assert.True(InotifyLimits.MaxUserWatches > 0);
        Assert.True(InotifyLimits.MaxUserInstances > 0);
        using var _ = KernelLimits.Lock();
        var old = InotifyLimits.MaxQueuedEvents;
        try
        {
            InotifyLimits.MaxQueuedEvents = old + 42;
            Assert.Equal(old + 42, InotifyLimits.MaxQueuedEvents);
        }
        finally
        {
            InotifyLimits.MaxQueuedEvents = old;
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => InotifyLimits.MaxQueuedEvents = 0);
    }
}
