using System.Diagnostics;
using InotifyGen.Async.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Async.Tests;

public sealed class AsyncNotifierTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunAsync_DispatchesRealEventsToDefaultAndWatchHandlers()
    {
        using var dir = new TempDir(tmpfs: true);
        var own = Directory.CreateDirectory(dir["own"]).FullName;
        using var wm = new WatchManager();
        var fallback = new Recorder();
        var specific = new Recorder(EventMask.Create);
        await using var notifier = new AsyncNotifier(wm, fallback);
        wm.AddWatch(dir.Path, EventMask.Create | EventMask.CloseWrite);
        wm.AddWatch(own, handler: specific);
        using var cts = new CancellationTokenSource();
        var run = notifier.RunAsync(cts.Token);

        dir.WriteFile("a.txt");
        File.WriteAllText(System.IO.Path.Combine(own, "b.txt"), "x");

        var created = fallback.WaitFor(e => e.Name == "a.txt" && e.EventType == EventMask.Create);
        var closed = fallback.WaitFor(e => e.Name == "a.txt" && e.EventType == EventMask.CloseWrite);
        var other = specific.WaitFor(e => e.Name == "b.txt");
        Assert.Equal(System.IO.Path.Combine(dir.Path, "a.txt"), created.PathName);
        Assert.Equal("IN_CLOSE_WRITE", closed.MaskName);
        Assert.Equal(EventMask.Create, other.EventType);
        Assert.DoesNotContain(fallback.Events, e => e.Name == "b.txt"); // a watch's own handler takes its events

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(wm.IsClosed, "stopping closes the inotify instance");
    }

    [Fact]
    public async Task ReadEventsAsync_YieldsOwnedEventsInKernelOrder()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        await using var notifier = new AsyncNotifier(wm);
        wm.AddWatch(dir.Path, EventMask.Create);
        using var cts = new CancellationTokenSource(Deadline);

        var names = new List<string>();
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 5; i++)
                dir.WriteFile($"f{i}");
        });
        await foreach (var e in notifier.ReadEventsAsync(cts.Token))
        {
            Assert.Equal(EventMask.Create, e.EventType);
            Assert.Equal(dir.Path, e.Path);
            names.Add(e.Name);
            if (names.Count == 5)
                break;
        }
        await writer;

        Assert.Equal(["f0", "f1", "f2", "f3", "f4"], names);
        // Leaving the loop stopped the notifier: its thread ended and closed the fd.
        await notifier.Completion.WaitAsync(Deadline);
        Assert.True(wm.IsClosed);
    }

    [Fact]
    public async Task ReadEventsAsync_CancellationEndsWithOperationCanceled()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        await using var notifier = new AsyncNotifier(wm);
        wm.AddWatch(dir.Path, EventMask.Create);
        using var cts = new CancellationTokenSource();
        var seen = 0;
        var consume = Task.Run(async () =>
        {
            await foreach (var _ in notifier.ReadEventsAsync(cts.Token))
                seen++;
        });
        dir.WriteFile("one");
        Assert.True(Probe.Eventually(() => Volatile.Read(ref seen) == 1, Deadline));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consume.WaitAsync(Deadline));
        Assert.True(notifier.Completion.IsCompleted, "the enumeration waits for the reader thread before it ends");
        Assert.True(wm.IsClosed);
    }

    [Fact]
    public async Task Stop_CompletesRunAsyncNormally()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        var notifier = new AsyncNotifier(wm, new Recorder());
        wm.AddWatch(dir.Path, EventMask.Create);
        var run = notifier.RunAsync();
        notifier.Stop();
        await run.WaitAsync(Deadline); // no exception: stopped, not cancelled
        Assert.True(run.IsCompletedSuccessfully);
        notifier.Stop(); // idempotent
        notifier.Dispose();
    }

    [Fact]
    public async Task RunAsync_HandlerException_FaultsTheTaskUnderPropagate()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        var handler = new Recorder { OnEvent = e => throw new InvalidDataException("bad " + e.Name) };
        await using var notifier = new AsyncNotifier(wm, handler);
        wm.AddWatch(dir.Path, EventMask.Create);
        var run = notifier.RunAsync();
        dir.WriteFile("boom");
        var thrown = await Assert.ThrowsAsync<InvalidDataException>(() => run.WaitAsync(Deadline));
        Assert.Equal("bad boom", thrown.Message);
        Assert.True(wm.IsClosed);
    }

    [Fact]
    public async Task RunAsync_LogAndContinue_KeepsDispatchingAfterAHandlerThrows()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        var handler = new Recorder { OnEvent = e => { if (e.Name == "bad") throw new InvalidDataException(); } };
        await using var notifier = new AsyncNotifier(wm, handler) { ExceptionPolicy = HandlerExceptionPolicy.LogAndContinue };
        var failures = 0;
        notifier.HandlerFailed += (_, _) => Interlocked.Increment(ref failures);
        wm.AddWatch(dir.Path, EventMask.Create);
        using var cts = new CancellationTokenSource();
        var run = notifier.RunAsync(cts.Token);
        dir.WriteFile("bad");
        dir.WriteFile("good");
        handler.WaitFor(e => e.Name == "good");
        Assert.Equal(1, Volatile.Read(ref failures));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task Start_Twice_Throws()
    {
        using var wm = new WatchManager();
        await using var notifier = new AsyncNotifier(wm, new Recorder());
        using var cts = new CancellationTokenSource();
        var run = notifier.RunAsync(cts.Token);
        await Assert.ThrowsAsync<InvalidOperationException>(() => notifier.RunAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in notifier.ReadEventsAsync())
                Assert.Fail("no event expected");
        });
        Assert.False(run.IsCompleted, "the failed second start left the running notifier alone");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task DropNewest_UnderAFlood_BoundsTheBufferAndMarksTheGap()
    {
        const int capacity = 64, flood = 1000;
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        await using var notifier = new AsyncNotifier(wm, options: new AsyncNotifierOptions { Capacity = capacity, FullMode = AsyncFullMode.DropNewest });
        wm.AddWatch(dir.Path, EventMask.Create);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var events = notifier.ReadEventsAsync(cts.Token).GetAsyncEnumerator();

        // Start the notifier and take one event; then the consumer stops reading while the flood comes.
        var first = events.MoveNextAsync();
        dir.WriteFile("start");
        Assert.True(await first);
        Assert.Equal("start", events.Current.Name);
        var maxBuffered = 0;
        for (var i = 0; i < flood; i++)
        {
            File.Create(dir[$"n{i:D4}"]).Dispose();
            maxBuffered = Math.Max(maxBuffered, notifier.BufferedEvents);
        }
        // The reader thread drains the kernel queue: every event is either buffered or dropped.
        Assert.True(Probe.Eventually(() => notifier.DroppedEvents == flood - capacity, Deadline),
            $"dropped {notifier.DroppedEvents}, buffered {notifier.BufferedEvents}");
        Assert.True(maxBuffered <= capacity + 1, $"buffered {maxBuffered} > capacity {capacity} + marker");
        Assert.Equal(capacity + 1, notifier.BufferedEvents);

        var kept = new List<string>();
        for (var i = 0; i < capacity; i++)
        {
            Assert.True(await events.MoveNextAsync());
            kept.Add(events.Current.Name);
        }
        Assert.Equal(Enumerable.Range(0, capacity).Select(i => $"n{i:D4}"), kept); // the oldest are kept, in order
        Assert.True(await events.MoveNextAsync());
        var marker = events.Current;
        Assert.Equal(EventMask.QueueOverflow, marker.EventType);
        Assert.Equal(-1, marker.Wd);
        Assert.True(marker.IsSynthetic);
        Assert.True(marker.Flags.HasFlag(EventFlags.EventsLost));

        dir.WriteFile("after");
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("after", events.Current.Name); // delivery resumes after the gap
        Assert.Equal(flood - capacity, notifier.DroppedEvents);
    }

    [Fact]
    public async Task Wait_UnderAFlood_BoundsTheBufferAndLosesNothing()
    {
        const int capacity = 64, flood = 1000;
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        await using var notifier = new AsyncNotifier(wm, options: new AsyncNotifierOptions { Capacity = capacity, FullMode = AsyncFullMode.Wait });
        wm.AddWatch(dir.Path, EventMask.Create);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var events = notifier.ReadEventsAsync(cts.Token).GetAsyncEnumerator();

        var first = events.MoveNextAsync();
        dir.WriteFile("start");
        Assert.True(await first);
        Assert.Equal("start", events.Current.Name);
        var maxBuffered = 0;
        for (var i = 0; i < flood; i++)
        {
            File.Create(dir[$"n{i:D4}"]).Dispose();
            maxBuffered = Math.Max(maxBuffered, notifier.BufferedEvents);
        }
        // The buffer fills to its bound and stays there: the rest waits in the kernel queue.
        Assert.True(Probe.Eventually(() => notifier.BufferedEvents == capacity, Deadline));
        Assert.True(maxBuffered <= capacity, $"buffered {maxBuffered} > capacity {capacity}");

        var names = new List<string>();
        while (names.Count < flood && await events.MoveNextAsync())
        {
            Assert.True(notifier.BufferedEvents <= capacity);
            names.Add(events.Current.Name);
        }
        Assert.Equal(Enumerable.Range(0, flood).Select(i => $"n{i:D4}"), names);
        Assert.Equal(0, notifier.DroppedEvents);
    }
}

[Collection(Serial.Name)]
public sealed class AsyncNotifierResourceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private const string ReaderThread = "inotify-async";

    [Fact]
    public async Task RunAsync_Cancellation_StopsWithin100ms_AndLeavesNoThreadOrFd()
    {
        using var dir = new TempDir(tmpfs: true);
        var inotifyBefore = Probe.OpenFds("inotify");
        var eventfdBefore = Probe.OpenFds("eventfd");
        var latencies = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            var wm = new WatchManager();
            var handler = new Recorder();
            var notifier = new AsyncNotifier(wm, handler);
            wm.AddWatch(dir.Path, EventMask.Create);
            using var cts = new CancellationTokenSource();
            var run = notifier.RunAsync(cts.Token);
            dir.WriteFile($"ready{round}");
            handler.WaitFor(e => e.Name == $"ready{round}"); // running and idle again

            var clock = Stopwatch.StartNew();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
            clock.Stop();
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Assert.True(Probe.Eventually(() => Probe.ThreadsNamed(ReaderThread) == 0, Deadline), "reader thread still alive");
            Assert.Equal(inotifyBefore, Probe.OpenFds("inotify"));
            Assert.Equal(eventfdBefore, Probe.OpenFds("eventfd"));
        }
        AssertWithin100ms(latencies);
    }

    [Fact]
    public async Task ReadEventsAsync_Cancellation_StopsWithin100ms_AndLeavesNoThreadOrFd()
    {
        using var dir = new TempDir(tmpfs: true);
        var inotifyBefore = Probe.OpenFds("inotify");
        var eventfdBefore = Probe.OpenFds("eventfd");
        var latencies = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            var wm = new WatchManager();
            var notifier = new AsyncNotifier(wm);
            wm.AddWatch(dir.Path, EventMask.Create);
            using var cts = new CancellationTokenSource();
            var seen = 0;
            var consume = Task.Run(async () =>
            {
                await foreach (var _ in notifier.ReadEventsAsync(cts.Token))
                    Interlocked.Increment(ref seen);
            });
            dir.WriteFile($"ready{round}");
            Assert.True(Probe.Eventually(() => Volatile.Read(ref seen) == 1, Deadline));

            var clock = Stopwatch.StartNew();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consume);
            clock.Stop();
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Assert.True(Probe.Eventually(() => Probe.ThreadsNamed(ReaderThread) == 0, Deadline), "reader thread still alive");
            Assert.Equal(inotifyBefore, Probe.OpenFds("inotify"));
            Assert.Equal(eventfdBefore, Probe.OpenFds("eventfd"));
        }
        AssertWithin100ms(latencies);
    }

    /// <summary>
    /// The median of the rounds must be under 100 ms: one round on a loaded 2-core machine can be descheduled for
    /// longer, which says nothing about the notifier. Every round must still end within a second.
    /// </summary>
    private static void AssertWithin100ms(List<double> latencies)
    {
        latencies.Sort();
        var all = string.Join(", ", latencies.Select(l => $"{l:F1}"));
        Assert.True(latencies[latencies.Count / 2] < 100, $"median cancellation {latencies[latencies.Count / 2]:F1} ms; all: {all}");
        Assert.True(latencies[^1] < 1000, $"a cancellation took over a second; all: {all}");
    }

    private static readonly TimeSpan IdleWindow = TimeSpan.FromMilliseconds(500);

    /// <summary>Thread-pool work items completed during <paramref name="window"/>, and the most ever pending.</summary>
    private static long WorkItemsDuring(TimeSpan window, out long maxPending)
    {
        var before = ThreadPool.CompletedWorkItemCount;
        var clock = Stopwatch.StartNew();
        maxPending = 0;
        while (clock.Elapsed < window)
        {
            maxPending = Math.Max(maxPending, ThreadPool.PendingWorkItemCount);
            Thread.Sleep(10);
        }
        return ThreadPool.CompletedWorkItemCount - before;
    }

    [Fact]
    public async Task IdleNotifiers_BlockNoThreadPoolThread()
    {
        const int each = 4;
        using var dir = new TempDir(tmpfs: true);
        var baselineWork = WorkItemsDuring(IdleWindow, out var baselinePending);
        var threadsBefore = ThreadPool.ThreadCount;
        var notifiers = new List<AsyncNotifier>();
        var runs = new List<Task>();
        using var cts = new CancellationTokenSource();
        var seen = 0;
        var handlers = new List<Recorder>();
        for (var i = 0; i < each; i++)
        {
            var wm = new WatchManager();
            var h = new Recorder();
            handlers.Add(h);
            var n = new AsyncNotifier(wm, h);
            wm.AddWatch(dir.Path, EventMask.Create);
            notifiers.Add(n);
            runs.Add(n.RunAsync(cts.Token));

            var wm2 = new WatchManager();
            var n2 = new AsyncNotifier(wm2);
            wm2.AddWatch(dir.Path, EventMask.Create);
            notifiers.Add(n2);
            runs.Add(Task.Run(async () =>
            {
                await foreach (var _ in n2.ReadEventsAsync(cts.Token))
                    Interlocked.Increment(ref seen);
            }));
        }
        try
        {
        dir.WriteFile("wake");
        foreach (var h in handlers)
            h.WaitFor(e => e.Name == "wake");
        Assert.True(Probe.Eventually(() => Volatile.Read(ref seen) == each, Deadline));

        // Every notifier is running and idle. Watch the pool for a while: nothing may wait on it or spin through it.
        Assert.Equal(2 * each, Probe.ThreadsNamed("inotify-async")); // one dedicated thread each
        WorkItemsDuring(IdleWindow, out _); // let the continuations of the wake-up event finish
        var completedWhileIdle = WorkItemsDuring(IdleWindow, out var maxPending);
        var threadsIdle = ThreadPool.ThreadCount;

        // Pool threads held by idle notifiers would starve queued work; a stray item or two is the test host's.
        Assert.True(maxPending < each, $"{maxPending} work items were waiting for a pool thread (baseline {baselinePending})");
        // A notifier polling through the pool every 250 ms or faster would add at least two items each per window;
        // the test host itself adds a few (a standalone run of eight idle notifiers measures 0).
        Assert.True(completedWhileIdle < baselineWork + 2 * 2 * each,
            $"{completedWhileIdle} work items ran while {2 * each} notifiers idled (baseline without them: {baselineWork})");
        // Eight notifiers each blocking a pool thread would have grown the pool by eight.
        Assert.True(threadsIdle <= threadsBefore + 2, $"thread pool grew from {threadsBefore} to {threadsIdle}");
        // And the pool still serves work at once.
        var probe = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(() => { })));
        Assert.True(probe.Elapsed < TimeSpan.FromMilliseconds(200), $"thread pool took {probe.Elapsed.TotalMilliseconds} ms");
        }
        finally
        {
            cts.Cancel();
            foreach (var n in notifiers)
                await n.DisposeAsync(); // waits for each reader thread, so the next test starts clean
        }

        cts.Cancel();
        foreach (var r in runs)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => r.WaitAsync(Deadline));
        Assert.True(Probe.Eventually(() => Probe.ThreadsNamed("inotify-async") == 0, Deadline));
        foreach (var n in notifiers)
            n.Dispose();
    }
}
