using InotifyGen.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

[Collection(nameof(SemanticsCollection))]
public class OverflowTests(ITestOutputHelper output)
{
    /// <summary>A WatchManager whose kernel queue holds only <paramref name="events"/> events. The limit is read at inotify_init, and restored at once.</summary>
    internal static WatchManager WithTinyQueue(int events, ILogger? logger = null)
    {
        var old = InotifyLimits.MaxQueuedEvents;
        InotifyLimits.MaxQueuedEvents = events;
        try { return new WatchManager(logger: logger); }
        finally { InotifyLimits.MaxQueuedEvents = old; }
    }

    [Fact]
    public void Overflow_ReachesDefaultHandlerAndIsLogged() =>
        Repeat.Run(output, "overflow: default handler and log", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            var log = new ListLogger();
            using var wm = WithTinyQueue(16, log);
            var events = new List<OwnedInotifyEvent>();
            using var notifier = new Notifier(wm, new DelegateHandler(e => events.Add(e.ToOwned())), timeout: TimeSpan.FromSeconds(5), logger: log);
            wm.AddWatch(dir.Path, EventMask.Create);
            for (var n = 0; n < 40; n++)
                File.WriteAllText(dir["f" + n], "");
            while (notifier.CheckEvents(TimeSpan.Zero))
            {
                notifier.ReadEvents();
                notifier.ProcessEvents();
            }
            var overflow = Assert.Single(events, e => e.EventType == EventMask.QueueOverflow);
            Assert.Equal(("", EventFlags.None), (overflow.Path, overflow.Flags));
            Assert.Equal(16, events.Count(e => e.EventType == EventMask.Create));
            Assert.Contains(log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("overflowed", StringComparison.Ordinal));
        });

    [Fact]
    public void Overflow_WithRescan_WatchSetMatchesDiskAndTreeIsToldEventsWereLost() =>
        Repeat.Run(output, "overflow: rescan restores the watch set", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            for (var n = 0; n < 6; n++)
                Directory.CreateDirectory(dir[$"old{n}/x"]);
            using var wm = WithTinyQueue(32);
            var events = new List<OwnedInotifyEvent>();
            using var notifier = new Notifier(wm, new DelegateHandler(e => events.Add(e.ToOwned())), timeout: TimeSpan.FromSeconds(5))
            {
                RescanOnOverflow = true,
            };
            var rootWd = wm.AddWatch(dir.Path, EventMask.Create | EventMask.Delete, recursive: true, autoAdd: true)[dir.Path];

            // While nothing reads: remove some watched trees, move one, and build new ones, far past 32 events.
            Directory.Delete(dir["old0"], recursive: true);
            Directory.Delete(dir["old1/x"]);
            Directory.Move(dir["old2"], dir["renamed2"]);
            for (var n = 0; n < 40; n++)
            {
                Directory.CreateDirectory(dir[$"new{n}/a/b"]);
                File.WriteAllText(dir[$"new{n}/a/file"], "");
            }
            while (notifier.CheckEvents(TimeSpan.Zero))
            {
                notifier.ReadEvents();
                notifier.ProcessEvents();
            }

            Assert.True(events.Count(e => e.EventType == EventMask.QueueOverflow && e.Wd == -1) == 1, string.Join("\n", events.Select(TreeRecorder.Describe)));
            var lost = Assert.Single(events, e => e.Flags.HasFlag(EventFlags.EventsLost));
            Assert.Equal((EventMask.QueueOverflow, rootWd, dir.Path), (lost.Mask, lost.Wd, lost.Path));
            Assert.Equal(MoveTests.DirectoriesOnDisk(dir.Path), new SortedSet<string>(wm.Watches.Values.Select(w => w.Path), StringComparer.Ordinal));

            // And the tree works afterwards, down to a directory only the rescan could have watched.
            File.WriteAllText(dir["new39/a/b/after"], "");
            File.WriteAllText(dir["renamed2/x/after"], "");
            while (events.Count(e => e.Name == "after") < 2 && notifier.CheckEvents(TimeSpan.FromSeconds(5)))
            {
                notifier.ReadEvents();
                notifier.ProcessEvents();
            }
            Assert.Contains(events, e => e.PathName == dir["new39/a/b/after"]);
            Assert.Contains(events, e => e.PathName == dir["renamed2/x/after"]);
        });
}
