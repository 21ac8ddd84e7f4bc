using System.Diagnostics;
using InotifyGen.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

/// <summary>IN_IGNORED, IN_ONESHOT, IN_UNMOUNT, IN_DELETE_SELF and IN_MOVE_SELF, as in pyinotify but without the noise.</summary>
[Collection(nameof(SemanticsCollection))]
public class WatchLifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public void DeleteSelf_WatchedTreeRemoved_DeleteSelfThenIgnoredForEachWatchAndNothingUnknown() =>
        Repeat.Run(output, "lifecycle: rm -r of a watched tree", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            Directory.CreateDirectory(dir["t/a/b"]);
            using var rec = new TreeRecorder();
            rec.WatchManager.AddWatch(dir.Path, EventMask.Create | EventMask.Delete | EventMask.DeleteSelf, recursive: true, autoAdd: true);
            var wds = new[] { "t", "t/a", "t/a/b" }.Select(p => rec.WatchManager.GetWd(dir[p])!.Value).ToList();

            Directory.Delete(dir["t"], recursive: true);
            rec.WaitUntil(es => wds.All(wd => es.Any(e => e.Wd == wd && e.EventType == EventMask.Ignored)));
            rec.Sync(dir.Path);
            foreach (var wd in wds)
            {
                var own = rec.Events.Where(e => e.Wd == wd && e.Name.Length == 0).Select(e => e.EventType).ToList();
                Assert.Equal([EventMask.DeleteSelf, EventMask.Ignored], own);
                Assert.Null(rec.WatchManager.GetWatch(wd));
            }
            Assert.True(rec.Events.Single(e => e.Wd == wds[0] && e.EventType == EventMask.DeleteSelf).IsDir);
            Assert.Equal([dir.Path], rec.WatchedPaths());
            Assert.DoesNotContain(rec.Log.Lines, l => l.Level >= LogLevel.Debug && l.Text.Contains("unknown", StringComparison.OrdinalIgnoreCase));
        });

    [Fact]
    public void RmWatch_IgnoredReachesHandlerThenWatchIsForgotten() =>
        Repeat.Run(output, "lifecycle: RmWatch then IN_IGNORED", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            using var rec = new TreeRecorder();
            var wd = rec.WatchManager.AddWatch(dir.Path, EventMask.Create)[dir.Path];
            Assert.True(rec.WatchManager.RmWatch(wd)[wd]);
            var ignored = rec.WaitFor(e => e.EventType == EventMask.Ignored);
            Assert.Equal((wd, dir.Path), (ignored.Wd, ignored.Path));
            Assert.Empty(rec.WatchManager.Watches);
            Assert.DoesNotContain(rec.Log.Lines, l => l.Text.Contains("unknown", StringComparison.OrdinalIgnoreCase));
        });

    [Fact]
    public void OneShot_OneEventThenIgnored() =>
        Repeat.Run(output, "lifecycle: IN_ONESHOT", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            using var rec = new TreeRecorder();
            var wd = rec.WatchManager.AddWatch(dir.Path, EventMask.Create | EventMask.OneShot)[dir.Path];
            File.WriteAllText(dir["one"], "");
            File.WriteAllText(dir["two"], "");
            rec.WaitUntil(es => es.Any(e => e.EventType == EventMask.Ignored) && rec.WatchManager.GetWatch(wd) is null);
            Assert.Equal(["IN_CREATE one", "IN_IGNORED "], rec.Events.Select(e => e.MaskName + " " + e.Name));
        });

    [Fact]
    public void Unmount_UnmountThenIgnored() =>
        Repeat.Run(output, "lifecycle: IN_UNMOUNT", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            var mnt = dir.CreateDirectory("mnt");
            Run("mount", "-t", "tmpfs", "-o", "size=1m", "none", mnt);
            try
            {
                Directory.CreateDirectory(Path.Combine(mnt, "inside"));
                using var rec = new TreeRecorder();
                rec.WatchManager.AddWatch(mnt, EventMask.Create, recursive: true);
                Assert.Equal(2, rec.WatchManager.Watches.Count);
                Run("umount", mnt);
                // The watch is forgotten right after its IN_IGNORED reached the handler.
                rec.WaitUntil(es => es.Count(e => e.EventType == EventMask.Ignored) == 2 && rec.WatchManager.Watches.Count == 0);
                foreach (var path in new[] { mnt, Path.Combine(mnt, "inside") })
                    Assert.Equal([EventMask.Unmount, EventMask.Ignored],
                        rec.Events.Where(e => e.Path == path).Select(e => e.EventType));
                Assert.Empty(rec.WatchManager.Watches);
            }
            finally
            {
                if (File.ReadAllText("/proc/self/mounts").Contains(" " + mnt + " ", StringComparison.Ordinal))
                    Run("umount", mnt);
            }
        });

    [Fact]
    public void MoveSelf_WatchedTopDirectoryMovedAway_PathMarkedUnknownAndSubWatchesRemoved()
    {
        using var outside = new TempDir(tmpfs: true);
        Repeat.Run(output, "lifecycle: IN_MOVE_SELF of a top directory", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            var top = dir.CreateDirectory("top");
            Directory.CreateDirectory(dir["top/sub/deeper"]);
            using var rec = new TreeRecorder();
            var wd = rec.WatchManager.AddWatch(top, EventMask.MoveSelf | EventMask.Create, recursive: true, autoAdd: true)[top];

            Directory.Move(top, outside["top" + i]);
            File.WriteAllText(outside[$"top{i}/sub/deeper/f"], ""); // out of sight: must not be reported
            File.WriteAllText(outside[$"top{i}/f"], "");
            var moved = rec.WaitFor(e => e.EventType == EventMask.MoveSelf);
            Assert.Equal((wd, top, true), (moved.Wd, moved.PathName, moved.IsDir));
            // pyinotify's marker: the watch follows the directory, whose new place no event told us.
            var created = rec.WaitFor(e => e.EventType == EventMask.Create && e.Name == "f");
            Assert.Equal(top + "-unknown-path", created.Path);
            Assert.Equal([top + "-unknown-path"], rec.WatchedPaths());
            Assert.DoesNotContain(rec.Events, e => e.Path.Contains("/sub", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void UnknownWatchDescriptor_NeverLoggedAboveDebug()
    {
        // Renaming and deleting under a tree makes the kernel drop watches along with their directories; nothing
        // about it may be logged as a warning (pyinotify's "Unable to retrieve Watch object" noise).
        using var dir = new TempDir(tmpfs: true);
        using var rec = new TreeRecorder();
        rec.WatchManager.AddWatch(dir.Path, EventMask.AllEvents, recursive: true, autoAdd: true);
        for (var n = 0; n < 50; n++)
        {
            Directory.CreateDirectory(dir[$"d{n}/x/y"]);
            Directory.Move(dir[$"d{n}"], dir[$"e{n}"]);
            Directory.Delete(dir[$"e{n}"], recursive: true);
        }
        rec.Sync(dir.Path);
        Assert.DoesNotContain(rec.Log.Lines, l => l.Level >= LogLevel.Information);
    }

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {err}");
    }
}
