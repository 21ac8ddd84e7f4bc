using InotifyGen.Tests.Support;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

/// <summary>
/// The watch table can be ahead of the event stream: a listing (or an overflow rescan) finds a directory at its new
/// place by its inode, or drops a watch whose directory already left the tree, while the kernel events of those
/// changes are still queued. These replay such a window deterministically, with a plain Notifier (and a handler that
/// changes the disk at a chosen point of the dispatch), so the queued events are read against a table that already
/// caught up with them.
/// </summary>
[Collection(nameof(SemanticsCollection))]
public class CatchUpTests(ITestOutputHelper output)
{
    private const EventMask Tree = EventMask.Create | EventMask.Delete | EventMask.Move;

    [Fact]
    public void CatchUp_DirectoryFoundAtNewPlaceByListing_ItsQueuedMoveSelfDoesNotDropWatchesAddedBelowIt()
    {
        using var outside = new TempDir(tmpfs: true);
        Repeat.Run(output, "catch-up: a queued IN_MOVE_SELF of a directory a listing re-pointed", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            Directory.CreateDirectory(dir["a/c/d"]);
            using var wm = new WatchManager();
            var events = new List<OwnedInotifyEvent>();
            using var notifier = new Notifier(wm, new DelegateHandler(e => events.Add(e.ToOwned())), timeout: TimeSpan.FromSeconds(5));
            wm.AddWatch(dir.Path, Tree, recursive: true, autoAdd: true);

            // All three happen before any event is processed:
            Directory.CreateDirectory(outside[$"in{i}/p/q"]);
            Directory.Move(outside[$"in{i}"], dir["in"]);          // IN_MOVED_TO "in": watched and listed when processed
            Directory.CreateDirectory(outside[$"t{i}/u"]);
            Directory.Move(outside[$"t{i}"], dir["a/c/d/t"]);      // IN_MOVED_TO "t" on d: d is still at a/c/d then
            Directory.Move(dir["a/c"], dir["in/p/q/m"]);           // q is not watched yet: IN_MOVED_FROM, then IN_MOVE_SELF on c
            // Listing "in" finds c at in/p/q/m by its inode and re-points c and d. When "t" is then watched and listed
            // under in/p/q/m/d, c's IN_MOVE_SELF is still queued: it tells of the move already caught up with, not of
            // a removal to come, so "t" must stay watched.
            File.WriteAllText(dir["done"], "");
            Drain(notifier, events, dir["done"]);

            Assert.Equal(MoveTests.DirectoriesOnDisk(dir.Path), WatchedPaths(wm));
            Assert.Contains(events, e => e.PathName == dir["in/p/q/m/d/t/u"] && e.EventType == EventMask.Create && e.IsSynthetic);
        });
    }

    [Fact]
    public void CatchUp_DirectoryMovedIntoOneThatLeftTheTree_ItsWatchesGoWithIt()
    {
        using var outside = new TempDir(tmpfs: true);
        Repeat.Run(output, "catch-up: a move whose IN_MOVED_TO lands on a dropped watch", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            Directory.CreateDirectory(dir["a/x/y"]);
            using var wm = new WatchManager();
            var events = new List<OwnedInotifyEvent>();
            var acted = false;
            using var notifier = new Notifier(wm, new DelegateHandler(e =>
            {
                events.Add(e.ToOwned());
                // Reported by the listing of the new "d": "sub" is watched now, but not listed yet.
                if (!acted && e.IsSynthetic && e.Name == "sub")
                {
                    acted = true;
                    Directory.Move(dir["a/x"], dir["d/sub/m"]);       // IN_MOVED_TO "m" lands on sub's watch
                    Directory.Move(dir["d/sub"], outside[$"sub{i}"]);  // then sub leaves the tree, with x inside
                }
            }), timeout: TimeSpan.FromSeconds(5));
            wm.AddWatch(dir.Path, Tree, recursive: true, autoAdd: true);
            Directory.CreateDirectory(dir["d/sub"]);
            // Listing sub sees its IN_MOVED_FROM queued and drops sub's watch. x's IN_MOVED_FROM, processed next, has
            // its partner on that dropped watch: x went where no watch follows, so x and y must be dropped, not kept
            // at a/x, where nothing is any more.
            File.WriteAllText(dir["done"], "");
            Drain(notifier, events, dir["done"]);

            Assert.True(acted);
            Assert.Equal(MoveTests.DirectoriesOnDisk(dir.Path), WatchedPaths(wm));
            var from = Assert.Single(events, e => e.EventType == EventMask.MovedFrom && e.Name == "x");
            Assert.Equal(EventFlags.MovedOut, from.Flags);
        });
    }

    private static SortedSet<string> WatchedPaths(WatchManager wm) =>
        new(wm.Watches.Values.Select(w => w.Path), StringComparer.Ordinal);

    /// <summary>Dispatches until the marker's IN_CREATE is seen (kernel order: everything before it is dispatched too).</summary>
    private static void Drain(Notifier notifier, List<OwnedInotifyEvent> events, string marker)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!events.Any(e => e.PathName == marker && e.EventType == EventMask.Create))
        {
            Assert.True(DateTime.UtcNow < deadline, $"marker {marker} not seen; events:\n" + string.Join("\n", events.Select(TreeRecorder.Describe)));
            if (notifier.CheckEvents())
                notifier.ReadEvents();
            notifier.ProcessEvents();
        }
    }
}
