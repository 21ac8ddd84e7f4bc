using System.Runtime.InteropServices;
using System.Text;
using InotifyGen.Tests.Support;

namespace InotifyGen.Tests;

/// <summary>The walk behind recursive watches (<see cref="DirectoryWalk"/>), and what it means for AddWatch.</summary>
public partial class DirectoryWalkTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AddWatch_Recursive_AllEvents_ReportsNoEventsOfItsOwnSetUp(bool autoAdd)
    {
        using var dir = new TempDir(tmpfs: true);
        dir.CreateDirectory("a/b/c");
        dir.CreateDirectory("a/d");
        dir.CreateDirectory("e");
        dir.WriteFile("a/file");
        dir.WriteFile("a/b/c/deep");
        using var rec = new EventRecorder();

        var wds = rec.WatchManager.AddWatch(dir.Path, EventMask.AllEvents, recursive: true, autoAdd: autoAdd);
        Assert.Equal(6, wds.Count);
        Assert.All(wds.Values, wd => Assert.True(wd > 0));

        // Reading the directories would have queued IN_OPEN/IN_ACCESS/IN_CLOSE_NOWRITE before the sentinel's events:
        // once the sentinel's IN_CLOSE_WRITE is recorded, everything queued before it has been too.
        dir.WriteFile("a/b/c/sentinel");
        rec.WaitFor(e => e.Name == "sentinel" && e.Mask.HasFlag(EventMask.CloseWrite));
        var others = rec.Events.Where(e => e.Name != "sentinel").ToList();
        Assert.True(others.Count == 0, "the set-up reported events of its own:\n" + string.Join("\n", others));
    }

    [Fact]
    public void AddWatch_Recursive_AllEvents_WidensEveryWatch_SoALaterReadingIsReported()
    {
        using var dir = new TempDir(tmpfs: true);
        dir.CreateDirectory("a/b");
        using var rec = new EventRecorder();
        rec.WatchManager.AddWatch(dir.Path, EventMask.AllEvents, recursive: true);

        // The set-up watched each directory without IN_OPEN first: each watch, the top's included, asks for it now.
        Directory.GetFileSystemEntries(dir["a/b"]);
        Directory.GetFileSystemEntries(dir.Path);
        rec.WaitFor(e => e.Mask == (EventMask.Open | EventMask.IsDir) && e.Path == dir["a"] && e.Name == "b");
        rec.WaitFor(e => e.Mask == (EventMask.Open | EventMask.IsDir) && e.Path == dir["a/b"] && e.Name.Length == 0);
        rec.WaitFor(e => e.Mask == (EventMask.Open | EventMask.IsDir) && e.Path == dir.Path && e.Name.Length == 0);
    }

    [Fact]
    public void Walk_VisitsParentsBeforeChildren_Sorted_WithoutFollowingLinks()
    {
        using var dir = new TempDir(tmpfs: true);
        foreach (var d in new[] { "b/y", "a/x/deep", "a/w", "c" })
            dir.CreateDirectory(d);
        dir.WriteFile("a/file");
        File.CreateSymbolicLink(dir["a/link"], dir["b"]);

        Assert.Equal([dir.Path, dir["a"], dir["a/w"], dir["a/x"], dir["a/x/deep"], dir["b"], dir["b/y"], dir["c"]],
            DirectoryWalk.Directories(dir.Path));
        // A file (or a missing path) is visited alone.
        Assert.Equal([dir["a/file"]], DirectoryWalk.Directories(dir["a/file"]));
    }

    [Fact]
    public void Walk_PrunedDirectories_AndDirectoriesTheVisitRefuses_AreNotWalked()
    {
        using var dir = new TempDir(tmpfs: true);
        foreach (var d in new[] { "keep/sub", "skip/sub", "refuse/sub" })
            dir.CreateDirectory(d);
        var visited = new List<string>();

        DirectoryWalk.Run(dir.Path, d => { visited.Add(d); return d != dir["refuse"]; }, prune: d => d.EndsWith("/skip", StringComparison.Ordinal));

        Assert.Equal([dir.Path, dir["keep"], dir["keep/sub"], dir["refuse"]], visited);
    }

    [Fact]
    public void Walk_ADirectoryCreatedAfterItsParentWasListed_IsStillVisited()
    {
        using var dir = new TempDir(tmpfs: true);
        dir.CreateDirectory("a");
        dir.CreateDirectory("later");
        var visited = new List<string>();

        // Each directory is visited (watched) just before it is listed: a directory made in "later" after its
        // parent was listed (here, while "a" is visited) is found by the listing of "later", with no stamp compared.
        DirectoryWalk.Run(dir.Path, d =>
        {
            visited.Add(d);
            if (d == dir["a"])
                dir.CreateDirectory("later/new");
            return true;
        });

        Assert.Equal([dir.Path, dir["a"], dir["later"], dir["later/new"]], visited);
    }

    [Fact]
    public void AddWatch_Recursive_NamesThatAreNotUtf8_AreWatchedByTheirExactBytes_AndWalkedInByteOrder()
    {
        using var dir = new TempDir(tmpfs: true);
        var top = Encoding.UTF8.GetBytes(dir.Path + "/");
        byte[] bad = [(byte)'b', 0xff, (byte)'d']; // not UTF-8: "b\uDCFFd" decoded (surrogateescape)
        Assert.Equal(0, Mkdir([.. top, .. bad, 0], 0x1ed));
        Assert.Equal(0, Mkdir([.. top, .. bad, .. "/inner"u8, 0], 0x1ed));
        dir.CreateDirectory("\uFF5A"); // fullwidth z, EF BD 9A: before the emoji in byte (code point) order...
        dir.CreateDirectory("\U0001F600"); // ...F0 9F 98 80, though its UTF-16 (D83D DE00) sorts first

        Assert.Equal([dir.Path, dir["b\uDCFFd"], dir["b\uDCFFd/inner"], dir["\uFF5A"], dir["\U0001F600"]], DirectoryWalk.Directories(dir.Path));

        using var rec = new EventRecorder();
        var wds = rec.WatchManager.AddWatch(dir.Path, EventMask.Create, recursive: true, quiet: false);
        Assert.Equal(5, wds.Count);
        Assert.All(wds.Values, wd => Assert.True(wd > 0));
        // The watch on inner is on that directory (its path went to the kernel as the exact bytes): a file made there is reported there.
        var fd = Creat([.. top, .. bad, .. "/inner/f"u8, 0], 0x1a4);
        Assert.True(fd >= 0, $"creat failed: errno {Marshal.GetLastPInvokeError()}");
        Close(fd);
        var e = rec.WaitFor(e => e.Name == "f");
        Assert.Equal([.. top, .. bad, .. "/inner"u8], FileNames.Encode(e.Path));
        Assert.Equal(wds[dir["b\uDCFFd/inner"]], e.Wd);
    }

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static partial int Mkdir(byte[] path, int mode);

    [LibraryImport("libc", EntryPoint = "creat", SetLastError = true)]
    private static partial int Creat(byte[] path, int mode);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
