using InotifyGen.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

/// <summary>A handler that throws: propagate (pyinotify's way, nothing lost), log and continue, and a ThreadedNotifier that never dies silently.</summary>
[Collection(nameof(SemanticsCollection))]
public class HandlerFailureTests(ITestOutputHelper output)
{
    [Fact]
    public void Propagate_ExceptionLeavesProcessEventsAndLaterEventsStayQueued() =>
        Repeat.Run(output, "handler exception: Propagate keeps the rest queued", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            using var wm = new WatchManager();
            var seen = new List<string>();
            using var notifier = new Notifier(wm, new DelegateHandler(e =>
            {
                seen.Add(e.Name);
                if (e.Name == "boom")
                    throw new InvalidOperationException("handler failed on purpose");
            }), timeout: TimeSpan.FromSeconds(5));
            wm.AddWatch(dir.Path, EventMask.Create);
            foreach (var name in new[] { "a", "boom", "b", "c" })
                File.WriteAllText(dir[name], "");
            while (seen.Count < 4 && notifier.CheckEvents(TimeSpan.FromSeconds(5)))
            {
                notifier.ReadEvents();
                var e = Record.Exception(notifier.ProcessEvents);
                if (e is not null)
                {
                    Assert.Equal("handler failed on purpose", e.Message);
                    Assert.Equal(HandlerExceptionPolicy.Propagate, notifier.ExceptionPolicy);
                    notifier.ProcessEvents(); // the events after the failing one are still there
                }
            }
            Assert.Equal(["a", "boom", "b", "c"], seen);
        });

    [Fact]
    public void LogAndContinue_LogsRaisesHandlerFailedAndDeliversTheRest() =>
        Repeat.Run(output, "handler exception: LogAndContinue", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            var log = new ListLogger();
            using var wm = new WatchManager();
            var seen = new List<string>();
            var failures = new List<HandlerFailedEventArgs>();
            using var notifier = new Notifier(wm, new DelegateHandler(e =>
            {
                seen.Add(e.Name);
                if (e.Name.StartsWith("boom", StringComparison.Ordinal))
                    throw new InvalidOperationException("handler failed on purpose");
            }), timeout: TimeSpan.FromSeconds(5), logger: log)
            {
                ExceptionPolicy = HandlerExceptionPolicy.LogAndContinue,
            };
            notifier.HandlerFailed += (_, args) => failures.Add(args);
            wm.AddWatch(dir.Path, EventMask.Create);
            foreach (var name in new[] { "a", "boom1", "b", "boom2", "c" })
                File.WriteAllText(dir[name], "");
            while (seen.Count < 5 && notifier.CheckEvents(TimeSpan.FromSeconds(5)))
            {
                notifier.ReadEvents();
                notifier.ProcessEvents();
            }
            Assert.Equal(["a", "boom1", "b", "boom2", "c"], seen);
            Assert.Equal(["boom1", "boom2"], failures.Select(f => f.Event.Name));
            Assert.All(failures, f => Assert.IsType<InvalidOperationException>(f.Exception));
            Assert.Equal(2, log.Lines.Count(l => l.Level == LogLevel.Error));
        });

    [Fact]
    public void ThreadedNotifier_HandlerThrows_FaultedRaisedThreadEndsAndStopRethrows() =>
        Repeat.Run(output, "ThreadedNotifier never dies silently", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            var wm = new WatchManager();
            var notifier = new ThreadedNotifier(wm, new DelegateHandler(_ => throw new FormatException("bad event " + i)));
            using var faulted = new ManualResetEventSlim();
            Exception? reported = null;
            notifier.Faulted += (_, args) => { reported = args.Exception; faulted.Set(); };
            wm.AddWatch(dir.Path, EventMask.Create);
            notifier.Start();
            File.WriteAllText(dir["x"], "");

            Assert.True(faulted.Wait(TimeSpan.FromSeconds(10)), "Faulted was not raised");
            Assert.True(notifier.Join(TimeSpan.FromSeconds(10)));
            Assert.False(notifier.IsAlive);
            Assert.IsType<FormatException>(reported);
            Assert.Same(reported, notifier.Fault);
            var stop = Assert.Throws<InvalidOperationException>(notifier.Stop);
            Assert.Same(reported, stop.InnerException);
            notifier.Stop(); // reported once; stopping again is quiet
            notifier.Dispose();
            Assert.True(wm.IsClosed);
        });
}
