using System.Diagnostics;
using InotifyGen.Interop;
using InotifyGen.Tests.Support;

namespace InotifyGen.Tests;

public class NotifierTests
{
    private static DelegateHandler Counter(Action<EventMask> onEvent) => new(e => onEvent(e.Mask));

    [Fact]
    public void Stop_FromAnotherThread_WakesABlockedLoopWithin100ms()
    {
        using var dir = new TempDir();
        var latencies = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var wm = new WatchManager();
            wm.AddWatch(dir.Path, EventMask.Create);
            var notifier = new Notifier(wm, Counter(_ => { }));
            var looping = new ManualResetEventSlim();
            var stopwatch = new Stopwatch();
            var thread = new Thread(() => notifier.Loop(_ => { looping.Set(); return false; }));
            thread.Start();
            Assert.True(looping.Wait(TimeSpan.FromSeconds(10)));
            Assert.False(thread.Join(20)); // blocked in poll, no timeout
            stopwatch.Start();
            notifier.Stop();
            Assert.True(thread.Join(TimeSpan.FromSeconds(10)));
            latencies.Add(stopwatch.Elapsed.TotalMilliseconds);
            Assert.True(wm.IsClosed); // stop closes the watch manager, as in pyinotify
            notifier.Stop();          // idempotent
        }
        latencies.Sort();
        Assert.True(latencies[2] < 100, $"median wake-up {latencies[2]:F1} ms; all: {string.Join(", ", latencies)}");
    }

    [Fact]
    public void Loop_StopsWhenTheCallbackReturnsTrue_AndRunsTheCallbackOnTimeouts()
    {
        using var dir = new TempDir();
        using var wm = new WatchManager();
        wm.AddWatch(dir.Path, EventMask.Create);
        using var notifier = new Notifier(wm, Counter(_ => { }), timeout: TimeSpan.FromMilliseconds(10));
        var calls = 0;
        notifier.Loop(_ => ++calls == 5); // no events at all: the timeout drives the callback
        Assert.Equal(5, calls);
        Assert.True(wm.IsClosed);
    }

    [Fact]
    public void CheckEvents_TimesOutWithoutEvents_AndSeesQueuedEvents()
    {
        using var dir = new TempDir();
        using var wm = new WatchManager();
        wm.AddWatch(dir.Path, EventMask.Create);
        using var notifier = new Notifier(wm, Counter(_ => { }));

        Assert.False(notifier.CheckEvents(TimeSpan.FromMilliseconds(20)));
        dir.WriteFile("x");
        Assert.True(notifier.CheckEvents(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void ReadEvents_BelowThreshold_LeavesEventsInTheKernel_UntilEnoughAreQueued()
    {
        using var dir = new TempDir();
        using var wm = new WatchManager();
        wm.AddWatch(dir.Path, EventMask.Create);
        var seen = 0;
        // One IN_CREATE of a 1-char name is 16 + 16 bytes (names are padded); ask for at least 3 of them.
        using var notifier = new Notifier(wm, Counter(_ => seen++), threshold: 3 * 32);

        dir.WriteFile("a");
        dir.WriteFile("b");
        notifier.ReadEvents();
        notifier.ProcessEvents();
        Assert.Equal(0, seen);
        Assert.True(notifier.CheckEvents(TimeSpan.Zero)); // still queued in the kernel

        dir.WriteFile("c");
        notifier.ReadEvents();
        notifier.ProcessEvents();
        Assert.Equal(3, seen);
    }

    [Fact]
    public void Loop_WithReadFreq_ReadsAtMostOncePerPeriod_InBatches()
    {
        using var dir = new TempDir();
        using var wm = new WatchManager();
        wm.AddWatch(dir.Path, EventMask.Create);
        var readFreq = TimeSpan.FromMilliseconds(150);
        var batches = new List<(DateTime At, int Events)>();
        var pending = 0;
        var notifier = new Notifier(wm, Counter(_ => pending++), readFreq: readFreq, timeout: TimeSpan.FromMilliseconds(5));
        const int files = 30;
        var total = 0;
        var loop = new Thread(() => notifier.Loop(_ =>
        {
            if (pending > 0)
            {
                batches.Add((DateTime.UtcNow, pending));
                total += pending;
                pending = 0;
            }
            return total >= files;
        }));
        loop.Start();
        for (var i = 0; i < files; i++)
        {
            dir.WriteFile("f" + i);
            Thread.Sleep(15); // pace the workload over ~450 ms, so an unthrottled loop would read ~30 times
        }
        Assert.True(loop.Join(TimeSpan.FromSeconds(20)));

        Assert.Equal(files, batches.Sum(b => b.Events));
        Assert.True(batches.Count < files / 3, $"{batches.Count} batches");
        for (var i = 2; i < batches.Count; i++) // the first read may come at once after an idle wait
            Assert.True(batches[i].At - batches[i - 1].At >= readFreq - TimeSpan.FromMilliseconds(5),
                $"reads {(batches[i].At - batches[i - 1].At).TotalMilliseconds} ms apart");
    }

    [Fact]
    public void CoalesceEvents_DropsDuplicatesWithinABatch()
    {
        using var dir = new TempDir();
        dir.WriteFile("a");
        dir.WriteFile("b");
        foreach (var coalesce in new[] { true, false })
        {
            using var wm = new WatchManager();
            wm.AddWatch(dir.Path, EventMask.Modify);
            var names = new List<string>();
            using var notifier = new Notifier(wm, new DelegateHandler(e => names.Add(e.Name)));
            notifier.CoalesceEvents(coalesce);
            for (var i = 0; i < 3; i++)
            {
                File.AppendAllText(dir["a"], "x"); // events are queued by the time write() returns
                File.AppendAllText(dir["b"], "x");
            }
            notifier.ReadEvents();
            notifier.ProcessEvents();
            Assert.Equal(coalesce ? ["a", "b"] : ["a", "b", "a", "b", "a", "b"], names);
        }
    }

    [Fact]
    public void ProcessEvents_10000EventsToADelegateReadingOnlyMask_AllocatesNothing()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        wm.AddWatch(dir.Path, EventMask.Create);
        long masks = 0;
        using var notifier = new Notifier(wm, new DelegateHandler(e => masks += (long)e.Mask));

        void Round(int count, int start)
        {
            for (var i = 0; i < count; i++)
                File.Create(dir["f" + (start + i)]).Dispose();
            notifier.ReadEvents(); // reading may grow the queue; dispatching must not allocate
        }

        Round(100, 0);
        notifier.ProcessEvents(); // warm up
        Round(10_000, 100);
        masks = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        notifier.ProcessEvents();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10_000L * (long)EventMask.Create, masks);
        Assert.Equal(0, allocated);
    }

    /// <summary>A notifier over files "1".."count" whose handler records each name and throws on "2"; the events are read.</summary>
    private static Notifier ThrowingOnTwo(TempDir dir, int count, List<string> names, HandlerExceptionPolicy policy)
    {
        var wm = new WatchManager();
        wm.AddWatch(dir.Path, EventMask.Create);
        var notifier = new Notifier(wm, new DelegateHandler(e =>
        {
            names.Add(e.Name);
            if (e.Name == "2")
                throw new InvalidOperationException("boom");
        })) { ExceptionPolicy = policy };
        for (var i = 1; i <= count; i++)
            dir.WriteFile(i.ToString());
        notifier.ReadEvents();
        return notifier;
    }

    [Fact]
    public void HandlerException_Propagate_LeavesTheRestOfTheBatchQueued()
    {
        using var dir = new TempDir();
        var names = new List<string>();
        using var notifier = ThrowingOnTwo(dir, 4, names, HandlerExceptionPolicy.Propagate);

        Assert.Equal("boom", Assert.Throws<InvalidOperationException>(notifier.ProcessEvents).Message);
        Assert.Equal(["1", "2"], names);
        notifier.ProcessEvents();
        Assert.Equal(["1", "2", "3", "4"], names); // nothing lost, nothing twice
    }

    [Fact]
    public void HandlerException_LogAndContinue_ReportsItAndGoesOn()
    {
        using var dir = new TempDir();
        var names = new List<string>();
        using var notifier = ThrowingOnTwo(dir, 3, names, HandlerExceptionPolicy.LogAndContinue);
        var failures = new List<HandlerFailedEventArgs>();
        notifier.HandlerFailed += (_, a) => failures.Add(a);
        notifier.ProcessEvents();

        Assert.Equal(["1", "2", "3"], names);
        var failure = Assert.Single(failures);
        Assert.Equal("boom", failure.Exception.Message);
        Assert.Equal("2", failure.Event.Name);
    }

    [Fact]
    public void ThreadedNotifier_HandlerException_RaisesFaulted_AndStopRethrowsIt()
    {
        using var dir = new TempDir();
        var wm = new WatchManager();
        wm.AddWatch(dir.Path, EventMask.Create);
        var notifier = new ThreadedNotifier(wm, new DelegateHandler(_ => throw new InvalidOperationException("handler bug")));
        var faulted = new ManualResetEventSlim();
        notifier.Faulted += (_, _) => faulted.Set();
        notifier.Start();

        dir.WriteFile("x");

        Assert.True(faulted.Wait(TimeSpan.FromSeconds(10)));
        Assert.True(notifier.Join(TimeSpan.FromSeconds(10)));
        var e = Assert.Throws<InvalidOperationException>(notifier.Stop);
        Assert.Equal("handler bug", e.InnerException!.Message);
        notifier.Stop(); // reported once; then idempotent
        Assert.True(wm.IsClosed);
    }

    [Fact]
    public void ErrorMessages_NameTheLimitAndItsValue()
    {
        var enospc = InotifyErrors.ForWatch(Libc.ENOSPC, "/srv/big");
        Assert.Equal(
            $"inotify watch limit reached (fs.inotify.max_user_watches = {InotifyLimits.MaxUserWatches}) while watching '/srv/big': " +
            "raise it with `sysctl fs.inotify.max_user_watches=<n>` (InotifyLimits.MaxUserWatches), or watch fewer directories",
            enospc.Message);
        var emfile = InotifyErrors.ForInit(Libc.EMFILE);
        Assert.StartsWith($"inotify instance limit reached (fs.inotify.max_user_instances = {InotifyLimits.MaxUserInstances})", emfile.Message);
    }

}
