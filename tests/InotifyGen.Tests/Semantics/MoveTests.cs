using InotifyGen.Tests.Support;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

[Collection(nameof(SemanticsCollection))]
public class MoveTests(ITestOutputHelper output)
{
    private const EventMask Tree = EventMask.Create | EventMask.Delete | EventMask.Move | EventMask.CloseWrite;

    [Fact]
    public void Move_FileRenamedInsideTree_PairedWithSrcPathName() =>
        Repeat.Run(output, "move: file renamed inside the tree is paired", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            Directory.CreateDirectory(dir["sub"]);
            using var rec = new TreeRecorder();
            rec.WatchManager.AddWatch(dir.Path, Tree, recursive: true, autoAdd: true);
            File.WriteAllText(dir["a"], "");
            File.Move(dir["a"], dir["sub/b"]);

            var to = rec.WaitFor(e => e.EventType == EventMask.MovedTo);
            var from = rec.Events.Single(e => e.EventType == EventMask.MovedFrom);
            Assert.Equal(dir["sub/b"], to.PathName);
            Assert.Equal(dir["a"], to.SrcPathName);
            Assert.Equal(from.Cookie, to.Cookie);
            Assert.Equal(EventFlags.None, from.Flags);
        });

    [Fact]
    public void Move_HalvesInDifferentReads_StillPaired()
    {
        // Reads of one event at a time put the two halves of every move in different read() calls.
        var pairs = 0;
        Repeat.Run(output, "move: halves split across reads are paired", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            using var wm = new WatchManager();
            var events = new List<OwnedInotifyEvent>();
            using var notifier = new Notifier(wm, new DelegateHandler(e => events.Add(e.ToOwned())), timeout: TimeSpan.FromSeconds(5))
            {
                ReadLimit = RawEventReader.MinBuffer,
            };
            wm.AddWatch(dir.Path, EventMask.Move | EventMask.Create);
            for (var n = 0; n < 10; n++)
            {
                File.WriteAllText(dir["f" + n], "");
                File.Move(dir["f" + n], dir["g" + n]);
            }
            while (events.Count(e => e.EventType == EventMask.MovedTo) < 10 && notifier.CheckEvents())
            {
                notifier.ReadEvents();
                notifier.ProcessEvents();
            }
            for (var n = 0; n < 10; n++)
            {
                var to = Assert.Single(events, e => e.EventType == EventMask.MovedTo && e.Name == "g" + n);
                Assert.Equal(dir["f" + n], to.SrcPathName);
                Assert.Equal(EventFlags.None, Assert.Single(events, e => e.EventType == EventMask.MovedFrom && e.Name == "f" + n).Flags);
                pairs++;
            }
        });
        output.WriteLine($"{pairs} moves paired");
    }

    [Fact]
    public void Move_FileMovedOutOfTree_ReportedAsMovedOutAfterMoveWait()
    {
        using var outside = new TempDir(tmpfs: true);
        Repeat.Run(output, "move: file moved out is reported as moved out", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            using var rec = new TreeRecorder(configure: n => n.MoveWait = TimeSpan.FromMilliseconds(5));
            rec.WatchManager.AddWatch(dir.Path, Tree, recursive: true, autoAdd: true);
            File.WriteAllText(dir["a"], "");
            File.Move(dir["a"], outside["a" + i]);

            var from = rec.WaitFor(e => e.EventType == EventMask.MovedFrom);
            Assert.Equal(EventFlags.MovedOut, from.Flags);
            Assert.Equal(dir["a"], from.PathName);
        });
    }

    [Fact]
    public void Move_DirectoryMovedInsideTree_EverySubWatchPathRewritten() =>
        Repeat.Run(output, "move: directory moved inside the tree, sub-watch paths rewritten", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            Directory.CreateDirectory(dir["a/b/c/d"]);
            Directory.CreateDirectory(dir["x"]);
            using var rec = new TreeRecorder();
            rec.WatchManager.AddWatch(dir.Path, Tree, recursive: true, autoAdd: true);

            Directory.Move(dir["a/b"], dir["x/b2"]);
            File.WriteAllText(dir["x/b2/c/d/file"], "");
            File.WriteAllText(dir["x/b2/c/file"], "");

            var to = rec.WaitFor(e => e.EventType == EventMask.MovedTo);
            Assert.Equal((dir["x/b2"], dir["a/b"]), (to.PathName, to.SrcPathName));
            rec.WaitFor(e => e.PathName == dir["x/b2/c/d/file"] && e.EventType == EventMask.CloseWrite);
            rec.WaitFor(e => e.PathName == dir["x/b2/c/file"] && e.EventType == EventMask.CloseWrite);
            Assert.DoesNotContain(rec.Events, e => e.PathName.StartsWith(dir["a/b"] + "/", StringComparison.Ordinal));
            Assert.Equal(DirectoriesOnDisk(dir.Path), rec.WatchedPaths());
        });

    [Fact]
    public void Move_DirectoryMovedOutOfTree_SubWatchesRemovedAndNoStalePath()
    {
        using var outside = new TempDir(tmpfs: true);
        Repeat.Run(output, "move: directory moved out, sub-watches removed", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            Directory.CreateDirectory(dir["a/b/c"]);
            using var rec = new TreeRecorder();
            rec.WatchManager.AddWatch(dir.Path, Tree | EventMask.MoveSelf | EventMask.DeleteSelf, recursive: true, autoAdd: true);

            var away = outside["a" + i];
            Directory.Move(dir["a"], away);
            File.WriteAllText(Path.Combine(away, "b/c/file"), ""); // happens outside: must not be reported
            File.Delete(Path.Combine(away, "b/c/file"));
            Directory.Delete(Path.Combine(away, "b/c"));
            rec.Sync(dir.Path);

            var from = Assert.Single(rec.Events, e => e.EventType == EventMask.MovedFrom);
            Assert.Equal((dir["a"], EventFlags.MovedOut), (from.PathName, from.Flags));
            var after = rec.Events.SkipWhile(e => e.EventType != EventMask.MovedFrom).Skip(1).ToList();
            Assert.False(after.Any(e => e.PathName.StartsWith(dir["a"], StringComparison.Ordinal)), RecorderText(rec));
            Assert.Equal(DirectoriesOnDisk(dir.Path), rec.WatchedPaths());
            Assert.False(rec.Log.Lines.Any(l => l.Text.Contains("unknown watch", StringComparison.OrdinalIgnoreCase)),
                string.Join("\n", rec.Log.Lines) + "\n" + RecorderText(rec));
        });
    }

    [Fact]
    public void Move_DirectoryMovedInFromOutside_WatchedRecursivelyAndContentReported()
    {
        using var outside = new TempDir(tmpfs: true);
        Repeat.Run(output, "move: directory moved in from outside, watched and reported", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            using var rec = new TreeRecorder();
            rec.WatchManager.AddWatch(dir.Path, Tree, recursive: true, autoAdd: true);
            var m = outside["m" + i];
            Directory.CreateDirectory(Path.Combine(m, "n/o"));
            File.WriteAllText(Path.Combine(m, "top"), "");
            File.WriteAllText(Path.Combine(m, "n/o/deep"), "");

            Directory.Move(m, dir["m"]);
            var to = rec.WaitFor(e => e.EventType == EventMask.MovedTo);
            Assert.True(to.IsDir);
            Assert.Null(to.SrcPathName);
            foreach (var p in new[] { "m/n", "m/n/o", "m/top", "m/n/o/deep" })
            {
                var e = rec.WaitFor(e => e.PathName == dir[p]);
                Assert.True(e.IsSynthetic && e.EventType == EventMask.Create, RecorderText(rec));
            }
            File.WriteAllText(dir["m/n/o/new"], "");
            rec.WaitFor(e => e.PathName == dir["m/n/o/new"] && e.EventType == EventMask.Create && !e.IsSynthetic);
            Assert.Equal(DirectoriesOnDisk(dir.Path), rec.WatchedPaths());
        });
    }

    [Fact]
    public void Move_RenamedThenSameNameRecreated_WatchesFollowTheRightDirectory() =>
        Repeat.Run(output, "move: rename then recreate the same name", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            using var rec = new TreeRecorder();
            rec.WatchManager.AddWatch(dir.Path, Tree, recursive: true, autoAdd: true);
            Directory.CreateDirectory(dir["a/inner"]);
            Directory.Move(dir["a"], dir["b"]);
            Directory.CreateDirectory(dir["a/other"]);
            File.WriteAllText(dir["b/inner/f"], "");
            File.WriteAllText(dir["a/other/f"], "");

            // Written before its directory was watched or after: either CREATE (synthesised) or CLOSE_WRITE arrives.
            rec.WaitFor(e => e.PathName == dir["b/inner/f"]);
            rec.WaitFor(e => e.PathName == dir["a/other/f"]);
            rec.Sync(dir.Path);
            Assert.Equal(DirectoriesOnDisk(dir.Path), rec.WatchedPaths());
            Assert.DoesNotContain(rec.Events, e => e.PathName == dir["a/inner/f"] || e.PathName == dir["b/other/f"]);
        });

    internal static SortedSet<string> DirectoriesOnDisk(string root) =>
        new(WatchManager.WalkDirectories(root), StringComparer.Ordinal);

    private static string RecorderText(TreeRecorder rec) => string.Join("\n", rec.Events.Select(TreeRecorder.Describe));
}
