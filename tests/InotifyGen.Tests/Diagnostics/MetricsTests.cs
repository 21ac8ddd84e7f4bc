using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using InotifyGen.Diagnostics;
using InotifyGen.Tests.Support;

namespace InotifyGen.Tests.Diagnostics;

/// <summary>
/// The InotifyGen meter, read as dotnet-counters or OpenTelemetry would: through a <see cref="MeterListener"/>.
/// Process-wide (the meter is static), so these run alone.
/// </summary>
[Collection(ProcessWide.Name)]
public sealed class MetricsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void RealEvents_AreCountedAsReadAndDispatched_AndAHandlerFailureIsCounted()
    {
        using var metrics = new Recorder();
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        var handled = 0;
        var handler = new DelegateHandler(e =>
        {
            handled++;
            if (e.Name == "throw")
                throw new InvalidDataException("failed on purpose");
        });
        using var notifier = new Notifier(wm, handler, timeout: TimeSpan.FromMilliseconds(100)) { ExceptionPolicy = HandlerExceptionPolicy.LogAndContinue };
        wm.AddWatch(dir.Path, EventMask.CloseWrite);

        foreach (var name in new[] { "a", "b", "throw", "c", "d" })
            dir.WriteFile(name);
        var until = DateTime.UtcNow + Deadline;
        while (handled < 5 && DateTime.UtcNow < until)
        {
            if (notifier.CheckEvents())
                notifier.ReadEvents();
            notifier.ProcessEvents();
        }

        Assert.Equal(5, handled);
        Assert.Equal(5, metrics.Sum("inotifygen.events.read", "notifier"));
        Assert.Equal(4, metrics.Sum("inotifygen.events.dispatched", "notifier")); // the one that threw is a failure
        Assert.Equal(1, metrics.Sum("inotifygen.handler.failures", "notifier"));
        Assert.Equal(4, metrics.Count("inotifygen.dispatch.duration", "notifier"));
        Assert.All(metrics.Values("inotifygen.dispatch.duration"), d => Assert.InRange(d, 0, 10));
        Assert.Equal(0, metrics.Sum("inotifygen.queue.overflows", "notifier"));
    }

    [Fact]
    public void AnOverflow_IsCounted_AndItsRescanToo()
    {
        using var metrics = new Recorder();
        using var dir = new TempDir(tmpfs: true);
        using var wm = KernelLimits.CreateWithQueueOf(16);
        var overflows = 0;
        using var notifier = new Notifier(wm, new DelegateHandler(e =>
        {
            if (e.EventType == EventMask.QueueOverflow)
                overflows++;
        }), timeout: TimeSpan.FromMilliseconds(100)) { RescanOnOverflow = true };
        wm.AddWatch(dir.Path, EventMask.Create, recursive: true, autoAdd: true);
        for (var n = 0; n < 40; n++)
            dir.WriteFile("f" + n);

        var until = DateTime.UtcNow + Deadline;
        while (overflows < 2 && DateTime.UtcNow < until) // the kernel's, then the rescan's EventsLost for the tree
        {
            if (notifier.CheckEvents())
                notifier.ReadEvents();
            notifier.ProcessEvents();
        }

        Assert.Equal(2, overflows);
        Assert.Equal(1, metrics.Sum("inotifygen.queue.overflows", "notifier"));
        Assert.Equal(1, metrics.Sum("inotifygen.rescans", "notifier"));
        Assert.Equal(17, metrics.Sum("inotifygen.events.read", "notifier")); // 16 queued, then the overflow marker
    }

    [Fact]
    public void WatchesHeld_FollowsAddRemoveAndDispose()
    {
        using var metrics = new Recorder();
        using var dir = new TempDir(tmpfs: true);
        dir.CreateDirectory("a/b");
        var before = metrics.Observe("inotifygen.watches");

        var wm = new WatchManager();
        var wds = wm.AddWatch(dir.Path, EventMask.Create, recursive: true);
        Assert.Equal(3, wds.Count);
        Assert.Equal(before + 3, metrics.Observe("inotifygen.watches"));
        Assert.Equal(wm.Watches.Count, metrics.Observe("inotifygen.watches") - before);

        wm.RmWatch(wds[dir["a/b"]]);
        Assert.Equal(before + 2, metrics.Observe("inotifygen.watches"));

        wm.Dispose();
        Assert.Equal(before, metrics.Observe("inotifygen.watches"));
    }

    [Fact]
    public async Task AsyncNotifier_TagsItsEvents_AndCountsWhatAFullBufferDrops()
    {
        using var metrics = new Recorder();
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        await using var notifier = new AsyncNotifier(wm, options: new AsyncNotifierOptions { Capacity = 1, FullMode = AsyncFullMode.DropNewest });
        wm.AddWatch(dir.Path, EventMask.CloseWrite);
        using var cts = new CancellationTokenSource(Deadline);
        await using var events = notifier.ReadEventsAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var first = events.MoveNextAsync(); // starts the reader thread; nothing is read after this until the drops
        for (var n = 0; n < 5; n++)
            dir.WriteFile("f" + n);

        await first;
        var until = DateTime.UtcNow + Deadline;
        while (metrics.Sum("inotifygen.events.read", "async") < 5 && DateTime.UtcNow < until)
            await Task.Delay(10, cts.Token);

        Assert.Equal(5, metrics.Sum("inotifygen.events.read", "async"));
        Assert.Equal(notifier.DroppedEvents, metrics.Sum("inotifygen.events.lost", "async"));
        Assert.True(notifier.DroppedEvents > 0, "a buffer of one drops some of five events read at once");
    }

    /// <summary>Listens to the InotifyGen meter and keeps each measurement with its notifier tag.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, string? Notifier)> _measurements = new();

        public Recorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == InotifyMetrics.MeterName)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public long Sum(string instrument, string notifier) =>
            (long)_measurements.Where(m => m.Instrument == instrument && m.Notifier == notifier).Sum(m => m.Value);

        public int Count(string instrument, string notifier) =>
            _measurements.Count(m => m.Instrument == instrument && m.Notifier == notifier);

        public IEnumerable<double> Values(string instrument) =>
            _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value).ToList();

        /// <summary>Asks the observable instruments for their value now, and returns <paramref name="instrument"/>'s.</summary>
        public long Observe(string instrument)
        {
            _measurements.Clear();
            _listener.RecordObservableInstruments();
            return (long)Assert.Single(_measurements, m => m.Instrument == instrument).Value;
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? notifier = null;
            foreach (var tag in tags)
                if (tag.Key == InotifyMetrics.NotifierTag)
                    notifier = tag.Value as string;
            _measurements.Enqueue((instrument.Name, value, notifier));
        }
    }
}
