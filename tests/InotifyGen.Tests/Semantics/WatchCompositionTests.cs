using System.Diagnostics;
using InotifyGen.Interop;
using InotifyGen.Tests.Support;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

/// <summary>
/// Issue 13's cases that peers get right: a symlink as a recursive root, a watched file moved inside a tree,
/// WatchTransientFile beside other watches, removals and walks where the kernel already agrees, a file system
/// unmounted inside a tree, and watch failures after AddWatch reaching the user.
/// </summary>
[Collection(nameof(SemanticsCollection))]
public class WatchCompositionTests(ITestOutputHelper output)
{
    [Fact]
    public void Recursive_SymlinkGivenAsRoot_IsWalkedUnderTheLinksName_AndLinksInsideAreNotFollowed()
    {
        using var dir = new TempDir(tmpfs: true);
        Directory.CreateDirectory(dir["real/sub/deep"]);
        Directory.CreateDirectory(dir["elsewhere/hidden"]);
        File.CreateSymbolicLink(dir["real/inner-link"], dir["elsewhere"]);
        var link = dir["link"];
        File.CreateSymbolicLink(link, dir["real"]);
        using var rec = new TreeRecorder();

        var results = rec.WatchManager.AddWatch(link, new WatchOptions { Mask = EventMask.Create | EventMask.CloseWrite, Recursive = true, AutoAdd = true, Quiet = false });

        Assert.Equal([link, link + "/sub", link + "/sub/deep"], results.Select(r => r.Path));
        Assert.All(results, r => Assert.Equal(WatchStatus.Watched, r.Status));
        Assert.Equal([link, link + "/sub", link + "/sub/deep"], rec.WatchedPaths());
        File.WriteAllText(dir["real/sub/deep/file"], "x");
        Directory.CreateDirectory(dir["real/sub/new"]);
        File.WriteAllText(dir["real/sub/new/late"], "x");
        rec.WaitFor(e => e.EventType == EventMask.CloseWrite && e.PathName == link + "/sub/deep/file");
        rec.WaitFor(e => e.PathName == link + "/sub/new/late");
        Assert.Contains(link + "/sub/new", rec.WatchedPaths());
        Assert.DoesNotContain(rec.Events, e => e.PathName.StartsWith(dir["real"], StringComparison.Ordinal) || e.PathName.Contains("hidden", StringComparison.Ordinal));
    }

    [Fact]
    public void Recursive_SymlinkGivenAsRoot_WithoutFollowSymlink_WatchesTheLinkItselfAlone()
    {
        using var dir = new TempDir(tmpfs: true);
        Directory.CreateDirectory(dir["real/sub"]);
        var link = dir["link"];
        File.CreateSymbolicLink(link, dir["real"]);
        using var wm = new WatchManager();

        var result = Assert.Single(wm.AddWatch(link, new WatchOptions { Mask = EventMask.Attrib, Recursive = true, FollowSymlink = false }));

        Assert.Equal((link, WatchStatus.Watched), (result.Path, result.Status));
        Assert.False(wm.GetWatch(result.Wd)!.IsDir);
    }

    [Fact]
    public void WatchedFile_MovedInsideTheTree_KeepsItsWatchAtTheNewPath() =>
        Repeat.Run(output, "watched file moved inside a tree", 20, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            Directory.CreateDirectory(dir["a"]);
            Directory.CreateDirectory(dir["b"]);
            File.WriteAllText(dir["a/f"], "x");
            using var rec = new TreeRecorder();
            rec.WatchManager.AddWatch(dir.Path, EventMask.Create, recursive: true, autoAdd: true, quiet: false);
            var wd = rec.WatchManager.AddWatch(dir["a/f"], EventMask.CloseWrite | EventMask.MoveSelf, quiet: false)[dir["a/f"]];

            File.Move(dir["a/f"], dir["b/g"]);
            rec.WaitFor(e => e.Wd == wd && e.EventType == EventMask.MoveSelf);
            File.WriteAllText(dir["b/g"], "y");

            var closed = rec.WaitFor(e => e.Wd == wd && e.EventType == EventMask.CloseWrite);
            Assert.Equal(dir["b/g"], closed.PathName);
            Assert.Equal(dir["b/g"], rec.WatchManager.GetPath(wd));
            Assert.Equal(wd, rec.WatchManager.GetWd(dir["b/g"]));
            Assert.Null(rec.WatchManager.GetWd(dir["a/f"]));
            Assert.DoesNotContain(rec.Events, e => e.PathName.Contains("-unknown-path", StringComparison.Ordinal));
        });

    [Fact]
    public void WatchTransientFile_InsideARecursiveTree_TheTreeKeepsItsEvents_AndRmWatchOfTheTreeKeepsTheFile()
    {
        using var dir = new TempDir(tmpfs: true);
        Directory.CreateDirectory(dir["sub"]);
        using var rec = new TreeRecorder();
        var pidEvents = new EventLog();
        rec.WatchManager.AddWatch(dir.Path, EventMask.Create | EventMask.CloseWrite, recursive: true, autoAdd: true, quiet: false);
        var subWd = rec.WatchManager.GetWd(dir["sub"]);

        var transient = rec.WatchManager.WatchTransientFile(dir["sub/daemon.pid"], EventMask.CloseWrite, pidEvents.Handler);

        Assert.Equal(subWd, transient[dir["sub"]]); // one wd per inode: the tree's
        File.WriteAllText(dir["sub/other.txt"], "noise");
        File.WriteAllText(dir["sub/daemon.pid"], "1");
        Directory.CreateDirectory(dir["sub/new"]);
        File.WriteAllText(dir["sub/new/inside"], "x");
        rec.WaitFor(e => e.PathName == dir["sub/new/inside"] && e.EventType == EventMask.Create); // the kernel's or the listing's
        pidEvents.WaitFor(es => es.Count(e => e.EventType == EventMask.CloseWrite) == 1);

        foreach (var name in new[] { "sub/other.txt", "sub/daemon.pid" })
            Assert.Equal([EventMask.Create, EventMask.CloseWrite], rec.Events.Where(e => e.PathName == dir[name]).Select(e => e.EventType));
        Assert.Equal([EventMask.Create, EventMask.CloseWrite], pidEvents.Events.Select(e => e.EventType));
        Assert.All(pidEvents.Events, e => Assert.Equal(dir["sub/daemon.pid"], e.PathName));
        Assert.Contains(dir["sub/new"], rec.WatchedPaths()); // autoAdd still works where the transient file lives

        // Removing the tree leaves the transient file's watch on the same wd.
        var root = rec.WatchManager.GetWd(dir.Path)!.Value;
        Assert.All(rec.WatchManager.RmWatch(root, recursive: true, quiet: false).Values, Assert.True);
        rec.WaitUntil(es => es.Count(e => e.EventType == EventMask.Ignored) == 2); // the root and sub/new; sub stays
        File.Delete(dir["sub/daemon.pid"]);
        pidEvents.WaitFor(es => es.Any(e => e.EventType == EventMask.Delete));
        Assert.Equal(subWd, rec.WatchManager.GetWd(dir["sub"]));
    }

    [Fact]
    public void WatchTransientFile_TwoFilesInOneDirectory_EachFollowedWithItsOwnHandler() =>
        Repeat.Run(output, "two transient files in one directory", 20, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            using var rec = new TreeRecorder();
            var a = new EventLog();
            var b = new EventLog();
            var wdA = rec.WatchManager.WatchTransientFile(dir["a.pid"], EventMask.CloseWrite, a.Handler)[dir.Path];
            var wdB = rec.WatchManager.WatchTransientFile(dir["b.pid"], EventMask.CloseWrite, b.Handler)[dir.Path];
            Assert.Equal(wdA, wdB);

            File.WriteAllText(dir["a.pid"], "1");
            File.WriteAllText(dir["b.pid"], "2");
            File.WriteAllText(dir["c.pid"], "3");
            File.Delete(dir["a.pid"]);
            File.Delete(dir["b.pid"]);
            a.WaitFor(es => es.Any(e => e.EventType == EventMask.Delete));
            b.WaitFor(es => es.Any(e => e.EventType == EventMask.Delete));

            Assert.Equal([EventMask.Create, EventMask.CloseWrite, EventMask.Delete], a.Events.Select(e => e.EventType));
            Assert.Equal([EventMask.Create, EventMask.CloseWrite, EventMask.Delete], b.Events.Select(e => e.EventType));
            Assert.All(a.Events, e => Assert.Equal(dir["a.pid"], e.PathName));
            Assert.All(b.Events, e => Assert.Equal(dir["b.pid"], e.PathName));
            Assert.Empty(rec.Events); // the default handler was given no watch here
        });

    [Fact]
    public void RmWatch_RecursiveNotQuiet_AfterRmRfOfASubDirectory_KernelDroppedWatchesCountAsRemoved()
    {
        // Nothing reads the queue: the kernel has dropped the sub-directories' watches, their IN_IGNORED is pending,
        // and inotify_rm_watch answers EINVAL for them.
        using var dir = new TempDir(tmpfs: true);
        Directory.CreateDirectory(dir["a/b/c"]);
        var wm = new WatchManager();
        var recorded = new EventLog();
        using var notifier = new Notifier(wm, recorded.Handler);
        var wds = wm.AddWatch(dir.Path, EventMask.Create, recursive: true, quiet: false).Values.ToList();
        Directory.Delete(dir["a"], recursive: true);

        var removed = wm.RmWatch(wds[0], recursive: true, quiet: false);

        Assert.Equal(wds.Order(), removed.Keys.Order());
        Assert.All(removed.Values, Assert.True);
        // Every IN_IGNORED still reaches the handler, then the watch is forgotten.
        var deadline = Stopwatch.StartNew();
        while (recorded.Events.Count(e => e.EventType == EventMask.Ignored) < wds.Count && deadline.Elapsed < TimeSpan.FromSeconds(10))
            if (notifier.CheckEvents(TimeSpan.FromSeconds(1)))
            {
                notifier.ReadEvents();
                notifier.ProcessEvents();
            }
        Assert.Equal(wds.Order(), recorded.Events.Where(e => e.EventType == EventMask.Ignored).Select(e => e.Wd).Order());
        Assert.Empty(wm.Watches);
    }

    [Fact]
    public void RmWatch_RecursiveNotQuiet_RightAfterRmRf_WhileTheNotifierRuns_NeverThrows() =>
        Repeat.Run(output, "RmWatch(recursive, quiet: false) racing the kernel's IN_IGNORED", 50, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            Directory.CreateDirectory(dir["a/b/c"]);
            using var rec = new TreeRecorder();
            var root = rec.WatchManager.AddWatch(dir.Path, EventMask.Create, recursive: true, autoAdd: true, quiet: false)[dir.Path];
            Directory.Delete(dir["a"], recursive: true);
            if (i % 2 == 1)
                rec.WaitFor(e => e.EventType == EventMask.Ignored); // some already forgotten
            Assert.All(rec.WatchManager.RmWatch(root, recursive: true, quiet: false).Values, Assert.True);
            rec.WaitUntil(es => es.Count(e => e.EventType == EventMask.Ignored) == 4 && rec.WatchManager.Watches.Count == 0);
        });

    [Fact]
    public void AddWatch_RecursiveNotQuiet_SubDirectoryVanishesDuringTheWalk_IsReportedNotThrown()
    {
        using var dir = new TempDir(tmpfs: true);
        Directory.CreateDirectory(dir["a/deep"]);
        Directory.CreateDirectory(dir["gone/below"]);
        // The real file system, but "gone" is deleted right after the walk listed its parent, before its watch.
        var fs = new DeletingAfterListing(dir["gone"], after: dir.Path);
        using var wm = new WatchManager(new InotifyInstance(), fs, TimeProvider.System);

        var results = wm.AddWatch(dir.Path, new WatchOptions { Mask = EventMask.Create, Recursive = true, Quiet = false });

        Assert.True(fs.Deleted);
        var gone = Assert.Single(results, r => r.Path == dir["gone"]);
        Assert.Equal((WatchStatus.Failed, Libc.ENOENT, true), (gone.Status, gone.Errno, gone.Vanished));
        Assert.Equal([dir.Path, dir["a"], dir["a/deep"]], results.Where(r => r.Succeeded).Select(r => r.Path));
        Assert.Equal(WatchManager.WatchFailed, wm.AddWatch(dir.Path, recursive: true, quiet: false).GetValueOrDefault(dir["gone"], WatchManager.WatchFailed));
    }

    [Fact]
    public void AddWatch_Recursive_DirectoryMovedAndMadeAgainDuringTheWalk_WhatTheWalkFindsAfterIsWatchedAtItsPath()
    {
        using var dir = new TempDir(tmpfs: true);
        Directory.CreateDirectory(dir["a/x"]);
        // Right after the walk lists a: a moves to b (and the table with it, as the notifier would move it), and a new
        // a/x is made. The walk then watches the a/x it listed, by its path: the new one, which is not below b.
        var fs = new MovingAfterListing(dir["a"], dir["b"]);
        using var wm = new WatchManager(new InotifyInstance(), fs, TimeProvider.System);
        fs.Manager = wm;

        var results = wm.AddWatch(dir.Path, new WatchOptions { Mask = EventMask.Create, Recursive = true, Quiet = false });

        Assert.True(fs.Moved);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Path));
        Assert.Equal(dir["b"], wm.WatchAt(dir["b"])?.Path);
        var x = wm.WatchAt(dir["a/x"]);
        Assert.NotNull(x);
        Assert.Equal(dir["a/x"], x.Path);
        Assert.Null(wm.WatchAt(dir["b/x"])); // the old x moved with b unseen by this walk; the new one is not there
        Assert.Equal(new[] { dir.Path, dir["a/x"], dir["b"] }.Order(StringComparer.Ordinal), wm.Watches.Values.Select(w => w.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Unmount_TmpfsInsideARecursiveTree_TheMountPointIsWatchedAgain_AndTheWatchesAboveStay() =>
        Repeat.Run(output, "tmpfs unmounted under a recursive watch", 10, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            var mnt = dir.CreateDirectory("t/mnt");
            Directory.CreateDirectory(dir["t/side"]);
            File.WriteAllText(dir["t/mnt/under"], "hidden by the mount"); // in the file system above
            Mount("-t", "tmpfs", "-o", "size=1m", "none", mnt);
            try
            {
                Directory.CreateDirectory(Path.Combine(mnt, "inside"));
                using var rec = new TreeRecorder();
                rec.WatchManager.AddWatch(dir["t"], EventMask.Create, recursive: true, autoAdd: true, quiet: false);
                var before = rec.WatchManager.Watches.Values.ToDictionary(w => w.Path, w => w.Wd);
                Assert.Equal(4, before.Count);

                Mount("umount", mnt);

                rec.WaitUntil(es => es.Count(e => e.EventType == EventMask.Ignored) == 2
                    && rec.WatchManager.GetWd(mnt) is { } again && again != before[mnt]);
                Assert.Equal([dir["t"], mnt, dir["t/side"]], rec.WatchedPaths());
                Assert.Equal(before[dir["t"]], rec.WatchManager.GetWd(dir["t"]));
                Assert.Equal(before[dir["t/side"]], rec.WatchManager.GetWd(dir["t/side"]));
                // What the mount hid is the tree's again: listed like a new directory's content, then watched.
                rec.WaitFor(e => e.PathName == dir["t/mnt/under"] && e.IsSynthetic);
                File.WriteAllText(dir["t/mnt/after"], "");
                rec.WaitFor(e => e.PathName == dir["t/mnt/after"] && !e.IsSynthetic);
            }
            finally
            {
                if (File.ReadAllText("/proc/self/mounts").Contains(" " + mnt + " ", StringComparison.Ordinal))
                    Mount("umount", mnt);
            }
        });

    [Fact]
    public void AutoAdd_PermissionDenied_ReachesTheTreesWatchFailedCallback()
    {
        // As root nothing is denied: the probe runs as nobody, in a directory nobody may write.
        using var dir = new TempDir();
        var top = dir.CreateDirectory("tree");
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0x1ed); // 0755
        File.SetUnixFileMode(top, (UnixFileMode)0x1ff); // 0777

        var probe = ChildProcess.Run(ChildProcess.Dotnet("InotifyGen.WatchProbe", [top, "autoadd"], asUser: "65534"));

        Assert.True(probe.ExitCode == 0, probe.Stdout + probe.Stderr);
        var locked = Path.Combine(top, "locked");
        Assert.Equal(
            [$"failed {locked} errno=13: cannot watch '{locked}': permission denied; the process needs read access to it",
             $"watched {top}", $"watched {top}/a", $"watched {top}/b"],
            probe.Stdout.TrimEnd().Split('\n'));
    }

    [SkippableUnlessUserNamespaces]
    public void AutoAdd_WatchLimitOfTheUserNamespace_ReachesTheCallback_AndTheMessageNamesThatLimit()
    {
        using var dir = new TempDir();
        var top = dir.CreateDirectory("tree");

        var probe = ChildProcess.Run(ChildProcess.DotnetInUserNamespace("InotifyGen.WatchProbe", [top, "autoadd"],
            "echo 2 > /proc/sys/user/max_inotify_watches"));

        Assert.True(probe.ExitCode == 0, probe.Stdout + probe.Stderr);
        var lines = probe.Stdout.TrimEnd().Split('\n');
        Assert.Equal([$"watched {top}", $"watched {top}/a"], lines.Where(l => l.StartsWith("watched", StringComparison.Ordinal)));
        foreach (var name in new[] { "b", "locked" })
            Assert.Contains($"failed {top}/{name} errno=28: inotify watch limit reached (user.max_inotify_watches = 2, this user namespace's limit, " +
                $"below fs.inotify.max_user_watches) while watching '{top}/{name}': raise it with `sysctl user.max_inotify_watches=<n>` in the user " +
                "namespace's parent (for a container: its runtime's settings); raising fs.inotify.max_user_watches does not help, or watch fewer directories",
                lines);
    }

    [SkippableUnlessUserNamespaces]
    public void WatchLimitOfTheUserNamespace_AddWatchNotQuiet_NamesThatLimit()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["a/b"]);

        var probe = ChildProcess.Run(ChildProcess.DotnetInUserNamespace("InotifyGen.WatchProbe", [dir.Path, "tree"],
            "echo 2 > /proc/sys/user/max_inotify_watches"));

        Assert.True(probe.ExitCode == 3, probe.Stdout + probe.Stderr);
        Assert.StartsWith($"WatchManagerException errno=28: inotify watch limit reached (user.max_inotify_watches = 2, this user namespace's limit, " +
            $"below fs.inotify.max_user_watches) while watching '{dir["a/b"]}': raise it with `sysctl user.max_inotify_watches=<n>`", probe.Stdout);
    }

    [SkippableUnlessUserNamespaces]
    public void InstanceLimitOfTheUserNamespace_NamesThatLimit()
    {
        var probe = ChildProcess.Run(ChildProcess.DotnetInUserNamespace("InotifyGen.WatchProbe", [],
            "echo 0 > /proc/sys/user/max_inotify_instances"));

        Assert.True(probe.ExitCode == 3, probe.Stdout + probe.Stderr);
        Assert.Equal("InotifyException errno=24: inotify instance limit reached (user.max_inotify_instances = 0, this user namespace's limit, " +
            "below fs.inotify.max_user_instances): close unused WatchManagers, or raise it with `sysctl user.max_inotify_instances=<n>` in the " +
            "user namespace's parent (for a container: its runtime's settings); raising fs.inotify.max_user_instances does not help",
            probe.Stdout.Trim());
    }

    private static void Mount(string file, params string[] args)
    {
        var command = file == "umount" ? "umount" : "mount";
        string[] all = file == "umount" ? args : [file, .. args];
        using var p = Process.Start(new ProcessStartInfo(command, all) { RedirectStandardError = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{command} {string.Join(' ', all)}: {err}");
    }

    /// <summary>The real file system, except that <paramref name="from"/> moves to <paramref name="to"/> right after it is listed, and a new one is made in its place.</summary>
    private sealed class MovingAfterListing(string from, string to) : IFileSystem
    {
        public WatchManager? Manager { get; set; }

        public bool Moved { get; private set; }

        public List<DirectoryEntry> List(string directory, bool directoriesOnly = false)
        {
            var entries = LinuxFileSystem.Instance.List(directory, directoriesOnly);
            if (directory == from && !Moved)
            {
                Directory.Move(from, to);
                Manager!.RenameTree(from, to);
                Directory.CreateDirectory(Path.Combine(from, "x"));
                Moved = true;
            }
            return entries;
        }

        public bool IsDirectory(string path, bool followLinks) => LinuxFileSystem.Instance.IsDirectory(path, followLinks);

        public WriteState Writers(string path) => LinuxFileSystem.Instance.Writers(path);
    }

    /// <summary>The real file system, except that one directory is deleted right after <paramref name="after"/> is listed.</summary>
    private sealed class DeletingAfterListing(string victim, string after) : IFileSystem
    {
        public bool Deleted { get; private set; }

        public List<DirectoryEntry> List(string directory, bool directoriesOnly = false)
        {
            var entries = LinuxFileSystem.Instance.List(directory, directoriesOnly);
            if (directory == after && !Deleted)
            {
                Directory.Delete(victim, recursive: true);
                Deleted = true;
            }
            return entries;
        }

        public bool IsDirectory(string path, bool followLinks) => LinuxFileSystem.Instance.IsDirectory(path, followLinks);

        public WriteState Writers(string path) => LinuxFileSystem.Instance.Writers(path);
    }
}

/// <summary>A handler of its own that records owned events, for tests that give a watch another handler than the default.</summary>
public sealed class EventLog
{
    private readonly List<OwnedInotifyEvent> _events = new();

    public EventLog() => Handler = new DelegateHandler(e =>
    {
        lock (_events)
        {
            _events.Add(e.ToOwned());
            Monitor.PulseAll(_events);
        }
    });

    public ProcessEvent Handler { get; }

    public IReadOnlyList<OwnedInotifyEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    public void WaitFor(Func<IReadOnlyList<OwnedInotifyEvent>, bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        lock (_events)
            while (!done(_events))
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException("condition not met; events:\n" + string.Join("\n", _events));
                Monitor.Wait(_events, left);
            }
    }
}
