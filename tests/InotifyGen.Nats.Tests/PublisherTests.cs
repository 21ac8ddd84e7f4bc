using System.Diagnostics.Metrics;
using InotifyGen.Nats.State;
using InotifyGen.Nats.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Nats.Tests;

/// <summary>The publisher in this process, on real inotify events and a real server.</summary>
public sealed class PublisherTests
{
    /// <summary>Runs a notifier on its own thread whose events go to <paramref name="handler"/>.</summary>
    private static ThreadedNotifier Watch(string dir, ProcessEvent handler)
    {
        var wm = new WatchManager();
        var notifier = new ThreadedNotifier(wm, handler);
        wm.AddWatch(dir, EventMask.CloseWrite);
        notifier.Start();
        return notifier;
    }

    [Fact]
    public void MessageId_LiveCloseWriteAndCatchUpOfTheSameFile_AreEqual()
    {
        using var dir = new TempDir();
        var builder = new MessageBuilder("host-1", "inotify.{host}.{watch}");
        builder.SetRoots([dir.Path]);
        var messages = new List<PendingMessage>();
        using var done = new ManualResetEventSlim();
        var notifier = Watch(dir.Path, new DelegateHandler(e =>
        {
            lock (messages)
                messages.Add(builder.FromEvent(in e, null));
            done.Set();
        }));
        var path = dir.WriteFile("report.csv", "1,2,3");
        Assert.True(done.Wait(TimeSpan.FromSeconds(10)), "no IN_CLOSE_WRITE within the deadline");
        notifier.Stop();

        var live = messages.Single();
        var replay = builder.FromChange(new TreeChange(path, EventMask.CloseWrite, FileStamp.Of(path)!.Value), 1, inDirectory: true);
        Assert.Equal(live.Id, replay.Id); // a restart's re-publish is dropped by JetStream's de-duplication
        Assert.Equal($"inotify.host-1.{string.Join('.', dir.Path.Split('/', StringSplitOptions.RemoveEmptyEntries))}", live.Subject);
        Assert.Contains("\"synthetic\":true", System.Text.Encoding.UTF8.GetString(replay.Body), StringComparison.Ordinal);

        File.AppendAllText(path, "4");
        var rewritten = builder.FromChange(new TreeChange(path, EventMask.CloseWrite, FileStamp.Of(path)!.Value), 1, inDirectory: true);
        Assert.NotEqual(live.Id, rewritten.Id); // new content: a new message
    }

    [Fact]
    public async Task ServerAway_FullBuffer_LosesEventsAndReportsThemAsOverflow_ThenSendsTheRest()
    {
        using var server = new NatsServer(start: false);
        using var dir = new TempDir();
        long lost = 0, buffered = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == "InotifyGen" && i.Name.StartsWith("inotifygen.nats.", StringComparison.Ordinal))
                l.EnableMeasurementEvents(i);
        };
        listener.SetMeasurementEventCallback<long>((i, value, _, _) =>
        {
            if (i.Name == "inotifygen.nats.lost")
                Interlocked.Add(ref lost, value);
            else if (i.Name == "inotifygen.nats.buffered")
                Interlocked.Exchange(ref buffered, value);
        });
        listener.Start();

        await using var publisher = new JetStreamPublisher(new JetStreamPublisherOptions { Url = server.Url, BufferCapacity = 5, InFlight = 1 });
        await publisher.StartAsync();
        var accepted = 0;
        var notifier = Watch(dir.Path, new DelegateHandler(e =>
        {
            if (publisher.Publish(in e))
                Interlocked.Increment(ref accepted);
        }));
        for (var i = 0; i < 20; i++)
            dir.WriteFile($"g{i}.txt");
        // No server answers: the buffer fills and the rest is counted lost.
        SpinWait.SpinUntil(() => Interlocked.Read(ref lost) >= 20 - 6, Collector.Deadline);
        notifier.Stop();
        Assert.True(Interlocked.Read(ref lost) >= 14, $"lost {lost}");
        Assert.InRange(accepted, 5, 6); // the buffer, and at most the one message being sent
        Assert.Equal(accepted, publisher.Buffered);
        listener.RecordObservableInstruments();
        Assert.True(Interlocked.Read(ref buffered) >= accepted, $"buffered {buffered}"); // summed over every publisher (tests run in parallel)

        server.Start();
        await using var worker = new Collector(server.Url);
        var items = worker.WaitFor(x => x.Count >= accepted + 1, "the accepted events and the lost-events marker");
        var marker = Assert.Single(items, i => i.EventsLost);
        Assert.Equal(EventMask.QueueOverflow, marker.Mask);
        Assert.True(marker.IsSynthetic);
        await publisher.StopAsync();
        Assert.Equal(0, publisher.Buffered);
    }

    [Fact]
    public async Task Worker_HandlerFails_MessageIsDeliveredAgain_ThenAcknowledged()
    {
        using var server = new NatsServer();
        using var dir = new TempDir();
        await using (var publisher = new JetStreamPublisher(new JetStreamPublisherOptions { Url = server.Url }))
        {
            await publisher.StartAsync();
            var notifier = Watch(dir.Path, publisher.Handler);
            dir.WriteFile("flaky.txt");
            await using var worker = new Collector(server.Url, fail: item => item.Delivery == 1);
            var item = Assert.Single(worker.WaitFor(x => x.Count >= 1, "the file on its second delivery"));
            Assert.Equal(2UL, item.Delivery);
            Assert.Equal(dir["flaky.txt"], item.PathName);
            notifier.Stop();
            await publisher.StopAsync();
        }
        Assert.Equal(1UL, (await server.StreamCountsAsync()).Stored);
        await WaitAsync(async () => (await server.StreamCountsAsync()).Held == 0, "the acknowledged message removed from the work queue");
    }

    [Fact]
    public async Task CatchUp_FileStillBeingWritten_IsLeftToItsOwnCloseWrite_SoTheWorkerGetsItOnceAndWhole()
    {
        using var server = new NatsServer();
        using var dir = new TempDir();
        using var stateDir = new TempDir();
        var options = new JetStreamPublisherOptions { Url = server.Url, StatePath = Path.Combine(stateDir.Path, "state"), InFlight = 1 };
        await using (var first = new JetStreamPublisher(options))
        {
            await first.StartAsync();
            Assert.Equal(0, first.CatchUp([dir.Path], recursive: true, EventMask.CloseWrite)); // no state yet: the empty tree becomes it
            await first.StopAsync();
        }

        // While no watcher runs: one file written and closed, one opened and half written.
        var closed = dir.WriteFile("closed.csv", "1,2,3");
        using var half = new FileStream(dir["half.csv"], FileMode.CreateNew, FileAccess.Write);
        half.Write("1,"u8);
        half.Flush();

        await using var second = new JetStreamPublisher(options);
        await second.StartAsync();
        var notifier = Watch(dir.Path, second.Handler);
        Assert.Equal(1, second.CatchUp([dir.Path], recursive: true, EventMask.CloseWrite)); // closed.csv only
        half.Write("2,3"u8);
        half.Dispose(); // its IN_CLOSE_WRITE, now that the watch is up

        await using var worker = new Collector(server.Url);
        var items = worker.WaitFor(x => x.Any(i => i.PathName == dir["half.csv"]), "half.csv's own IN_CLOSE_WRITE");
        notifier.Stop();
        await second.StopAsync();
        // One sender (InFlight = 1) sends in order: a catch-up message for half.csv would have come before its own.
        Assert.Equal(2, items.Count);
        Assert.True(Assert.Single(items, i => i.PathName == closed).IsSynthetic);
        var whole = Assert.Single(items, i => i.PathName == dir["half.csv"]);
        Assert.False(whole.IsSynthetic);
        Assert.Equal(2UL, (await server.StreamCountsAsync()).Stored);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + Collector.Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"not within the deadline: {what}");
            await Task.Delay(20);
        }
    }
}
