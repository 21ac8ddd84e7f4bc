using InotifyGen.Tests.Support;

namespace InotifyGen.Tests.Fanotify;

/// <summary>
/// The fanotify backend against the real kernel, on a tmpfs and a loop-mounted ext4 image: the behaviour tests of the
/// inotify backend where fanotify has the events, with the same handlers and the same event fields and paths.
/// </summary>
public class FanotifyBackendTests(FanotifyMounts mounts) : IClassFixture<FanotifyMounts>
{
    private const EventMask Tree = EventMask.Create | EventMask.Delete | EventMask.Move | EventMask.CloseWrite;

    private EventRecorder Watch(string fileSystem, out string top, EventMask mask = Tree, bool recursive = true)
    {
        top = mounts.NewDirectory(fileSystem);
        var rec = new EventRecorder(backend: WatchBackend.Fanotify);
        Assert.True(rec.WatchManager.Backend == WatchBackend.Fanotify, rec.WatchManager.FallbackReason);
        var added = rec.WatchManager.AddWatch(top, mask, recursive: recursive, autoAdd: recursive, quiet: false);
        Assert.Single(added); // one mark for the whole tree: no watch per directory
        return rec;
    }

    [Theory]
    [InlineData("tmpfs")]
    [InlineData("ext4")]
    public void Create_InDirectoriesMadeAfterTheWatch_ReportedWithDirectoryAndName(string fileSystem)
    {
        using var rec = Watch(fileSystem, out var top);
        Directory.CreateDirectory(Path.Combine(top, "a/b/c"));
        File.WriteAllText(Path.Combine(top, "a/b/c/f"), "x");

        var f = rec.WaitFor(e => e.EventType == EventMask.Create && e.Name == "f");
        Assert.Equal(Path.Combine(top, "a/b/c"), f.Path);
        Assert.Equal(Path.Combine(top, "a/b/c/f"), f.PathName);
        Assert.False(f.IsDir);
        var c = rec.WaitFor(e => e.EventType == EventMask.Create && e.Name == "c");
        Assert.True(c.IsDir);
        Assert.Equal(Path.Combine(top, "a/b"), c.Path);
        var wd = rec.WatchManager.GetWd(top);
        Assert.All(rec.Events, e => Assert.Equal(wd, e.Wd)); // events below come through the one watch
    }

    [Theory]
    [InlineData("tmpfs")]
    [InlineData("ext4")]
    public void CloseWrite_AfterCreate_InKernelOrder(string fileSystem)
    {
        using var rec = Watch(fileSystem, out var top, Tree | EventMask.Modify | EventMask.Open);
        File.WriteAllText(Path.Combine(top, "f"), "x");

        rec.WaitFor(e => e.EventType == EventMask.CloseWrite && e.Name == "f");
        var order = rec.Events.Where(e => e.Name == "f").Select(e => e.EventType).ToList();
        // .NET truncates, then writes: one MODIFY each, unless fanotify merged them while queued.
        Assert.Equal([EventMask.Create, EventMask.Open, EventMask.Modify, EventMask.CloseWrite],
            order.Where((e, i) => i == 0 || order[i - 1] != e));
    }

    [Theory]
    [InlineData("tmpfs")]
    [InlineData("ext4")]
    public void Delete_FileAndDirectory_Reported(string fileSystem)
    {
        var top = mounts.NewDirectory(fileSystem);
        Directory.CreateDirectory(Path.Combine(top, "d"));
        File.WriteAllText(Path.Combine(top, "d/f"), "x");
        using var rec = new EventRecorder(backend: WatchBackend.Fanotify);
        rec.WatchManager.AddWatch(top, Tree, recursive: true, quiet: false);
        File.Delete(Path.Combine(top, "d/f"));
        Directory.Delete(Path.Combine(top, "d"));

        var d = rec.WaitFor(e => e.EventType == EventMask.Delete && e.Name == "d");
        Assert.True(d.IsDir);
        Assert.Equal(top, d.Path);
        var f = Assert.Single(rec.Events, e => e.EventType == EventMask.Delete && e.Name == "f");
        Assert.Equal(Path.Combine(top, "d"), f.Path); // d was gone when read: its path comes from its own deletion record
    }

    [Theory]
    [InlineData("tmpfs")]
    [InlineData("ext4")]
    public void Move_InsideTree_PairedWithBothPaths_AndPathsBelowFollowTheDirectory(string fileSystem)
    {
        var top = mounts.NewDirectory(fileSystem);
        Directory.CreateDirectory(Path.Combine(top, "a/sub"));
        using var rec = new EventRecorder(backend: WatchBackend.Fanotify);
        rec.WatchManager.AddWatch(top, Tree, recursive: true, quiet: false);
        File.WriteAllText(Path.Combine(top, "a/sub/f"), "x");
        rec.WaitFor(e => e.EventType == EventMask.CloseWrite && e.Name == "f"); // a/sub's path is cached now
        File.Move(Path.Combine(top, "a/sub/f"), Path.Combine(top, "g"));
        Directory.Move(Path.Combine(top, "a"), Path.Combine(top, "b"));
        File.WriteAllText(Path.Combine(top, "b/sub/h"), "x");

        var to = rec.WaitFor(e => e.EventType == EventMask.MovedTo && e.Name == "g");
        var from = Assert.Single(rec.Events, e => e.EventType == EventMask.MovedFrom && e.Name == "f");
        Assert.Equal(Path.Combine(top, "a/sub/f"), from.PathName);
        Assert.Equal(Path.Combine(top, "a/sub/f"), to.SrcPathName);
        Assert.Equal(from.Cookie, to.Cookie);
        Assert.NotEqual(0u, to.Cookie);
        var dirTo = rec.WaitFor(e => e.EventType == EventMask.MovedTo && e.Name == "b");
        Assert.True(dirTo.IsDir);
        Assert.Equal(Path.Combine(top, "a"), dirTo.SrcPathName);
        var h = rec.WaitFor(e => e.EventType == EventMask.Create && e.Name == "h");
        Assert.Equal(Path.Combine(top, "b/sub"), h.Path);
    }

    [Theory]
    [InlineData("tmpfs")]
    [InlineData("ext4")]
    public void Move_OutOfAndIntoTheTree_OneEndEach(string fileSystem)
    {
        var top = mounts.NewDirectory(fileSystem);
        var outside = mounts.NewDirectory(fileSystem);
        File.WriteAllText(Path.Combine(top, "leaving"), "x");
        File.WriteAllText(Path.Combine(outside, "coming"), "x");
        using var rec = new EventRecorder(backend: WatchBackend.Fanotify);
        rec.WatchManager.AddWatch(top, Tree, recursive: true, quiet: false);
        File.Move(Path.Combine(top, "leaving"), Path.Combine(outside, "left"));
        File.Move(Path.Combine(outside, "coming"), Path.Combine(top, "came"));

        var came = rec.WaitFor(e => e.EventType == EventMask.MovedTo && e.Name == "came");
        Assert.Null(came.SrcPathName);
        var left = Assert.Single(rec.Events, e => e.EventType == EventMask.MovedFrom);
        Assert.Equal(EventFlags.MovedOut, left.Flags);
        Assert.Equal(Path.Combine(top, "leaving"), left.PathName);
        Assert.DoesNotContain(rec.Events, e => e.PathName.StartsWith(outside, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tmpfs")]
    [InlineData("ext4")]
    public void EventsOutsideTheWatchedDirectory_AndBelowANonRecursiveWatch_AreNotReported(string fileSystem)
    {
        using var rec = Watch(fileSystem, out var top, recursive: false);
        var sibling = mounts.NewDirectory(fileSystem);
        Directory.CreateDirectory(Path.Combine(top, "sub"));
        File.WriteAllText(Path.Combine(sibling, "noise"), "x");
        File.WriteAllText(Path.Combine(top, "sub/deep"), "x");
        File.WriteAllText(Path.Combine(top, "last"), "x");

        rec.WaitFor(e => e.EventType == EventMask.CloseWrite && e.Name == "last");
        Assert.Equal(["sub", "last", "last"], rec.Events.Select(e => e.Name));
    }

    [Theory]
    [InlineData("tmpfs")]
    [InlineData("ext4")]
    public void RmWatch_DeliversIgnored_ThenNothingMore(string fileSystem)
    {
        using var rec = Watch(fileSystem, out var top);
        var wd = rec.WatchManager.GetWd(top)!.Value;
        Assert.True(rec.WatchManager.RmWatch(wd)[wd]);
        File.WriteAllText(Path.Combine(top, "after"), "x"); // wakes the reader, which then owes the IN_IGNORED

        rec.WaitFor(e => e.EventType == EventMask.Ignored && e.Wd == wd);
        Assert.Null(rec.WatchManager.GetWatch(wd));
        Assert.DoesNotContain(rec.Events, e => e.Name == "after");
    }

    [Theory]
    [InlineData("tmpfs")]
    [InlineData("ext4")]
    public void Overflow_MoreEventsThanTheQueueHolds_DeliversQueueOverflow_AndEventsLostPerTree(string fileSystem)
    {
        var top = mounts.NewDirectory(fileSystem);
        var events = new List<OwnedInotifyEvent>();
        using var wm = new WatchManager(WatchBackend.Fanotify);
        using var notifier = new Notifier(wm, new DelegateHandler(e => events.Add(e.ToOwned())),
            new NotifierOptions { Timeout = TimeSpan.FromSeconds(5), RescanOnOverflow = true });
        wm.AddWatch(top, EventMask.Create, recursive: true, quiet: false);
        // Distinct names are never merged: one record each, past the group's queue (fs.fanotify.max_queued_events).
        var queue = int.Parse(File.ReadAllText("/proc/sys/fs/fanotify/max_queued_events").Trim());
        for (var i = 0; i <= queue; i++)
            File.Create(Path.Combine(top, "f" + i)).Dispose();

        while (!events.Exists(e => e.Wd != -1 && e.EventType == EventMask.QueueOverflow) && notifier.CheckEvents())
        {
            notifier.ReadEvents();
            notifier.ProcessEvents();
        }
        var overflow = Assert.Single(events, e => e.EventType == EventMask.QueueOverflow && e.Wd == -1);
        Assert.Equal(-1, overflow.Wd);
        var perTree = Assert.Single(events, e => e.EventType == EventMask.QueueOverflow && e.Wd != -1);
        Assert.Equal(top, perTree.Path);
        Assert.Equal(EventFlags.Synthetic | EventFlags.EventsLost, perTree.Flags);
        Assert.Equal(queue, events.Count(e => e.EventType == EventMask.Create));
    }

    [Theory]
    [InlineData("tmpfs")]
    [InlineData("ext4")]
    public void RemoveTree_EveryDeletionReportedWithItsPath_ThoughItsDirectoriesAreGoneWhenRead(string fileSystem)
    {
        var top = mounts.NewDirectory(fileSystem);
        Directory.CreateDirectory(Path.Combine(top, "t/a/b"));
        File.WriteAllText(Path.Combine(top, "t/a/b/f"), "x");
        File.WriteAllText(Path.Combine(top, "t/a/g"), "x");
        var events = new List<OwnedInotifyEvent>();
        using var wm = new WatchManager(WatchBackend.Fanotify);
        using var notifier = new Notifier(wm, new DelegateHandler(e => events.Add(e.ToOwned())), timeout: TimeSpan.FromSeconds(5));
        wm.AddWatch(top, EventMask.Delete, recursive: true, quiet: false);
        Directory.Delete(Path.Combine(top, "t"), recursive: true); // all of it before the first read

        while (!events.Exists(e => e.Name == "t") && notifier.CheckEvents())
        {
            notifier.ReadEvents();
            notifier.ProcessEvents();
        }
        var paths = events.Select(e => e.PathName).ToList();
        Assert.Equal(new[] { "t", "t/a", "t/a/b", "t/a/b/f", "t/a/g" }.Select(p => Path.Combine(top, p)), paths.Order(StringComparer.Ordinal));
        Assert.All(paths, p => Assert.True(paths.IndexOf(p) > paths.IndexOf(p + "/a") && paths.IndexOf(p) > paths.IndexOf(p + "/b"),
            $"{p} deleted before its entries: {string.Join(", ", paths)}"));
    }

    [Theory]
    [InlineData("tmpfs", EventMask.DeleteSelf)]
    [InlineData("ext4", EventMask.DeleteSelf)]
    [InlineData("ext4", EventMask.None)]
    // The kernel's own IN_DELETE_SELF of a directory waits for its inode's eviction, which a cached dentry or the
    // manager's fd on the first watched directory (kept for open_by_handle_at) puts off for any time: the watch must
    // end at the parent's IN_DELETE, for the first watched directory too, and whether or not the mask asks for either.
    public void WatchedDirectoryDeleted_DeleteSelfThenIgnored_AndTheWatchIsForgotten(string fileSystem, EventMask asked)
    {
        using var rec = Watch(fileSystem, out var first, EventMask.CloseWrite | asked);
        var second = mounts.NewDirectory(fileSystem);
        var secondWd = rec.WatchManager.AddWatch(second, EventMask.CloseWrite | asked, recursive: true, quiet: false)[second];
        var firstWd = rec.WatchManager.GetWd(first)!.Value;

        foreach (var (dir, wd) in new[] { (second, secondWd), (first, firstWd) })
        {
            Directory.Delete(dir);
            rec.WaitFor(e => e.EventType == EventMask.Ignored && e.Wd == wd);
            var expected = asked == EventMask.DeleteSelf
                ? new[] { (EventMask.DeleteSelf | EventMask.IsDir, dir, ""), (EventMask.Ignored, dir, "") }
                : [(EventMask.Ignored, dir, "")];
            Assert.Equal(expected, rec.Events.Where(e => e.Wd == wd).Select(e => (e.Mask, e.Path, e.Name)));
            // Forgotten right after the handler got IN_IGNORED, on the notifier's thread.
            Assert.True(SpinWait.SpinUntil(() => rec.WatchManager.GetWatch(wd) is null, EventRecorder.DefaultDeadline));
        }
    }

    [Fact]
    public void FileSystemWithoutFileHandles_FallsBackToInotify_AndSaysWhy()
    {
        using var wm = new WatchManager(WatchBackend.Fanotify, ["/proc"]);
        Assert.Equal(WatchBackend.Inotify, wm.Backend);
        Assert.Contains("'/proc'", wm.FallbackReason);
        Assert.Contains("use the inotify backend", wm.FallbackReason);
    }
}
