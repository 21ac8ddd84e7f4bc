using InotifyGen.Tests.Support;
using Xunit;

namespace InotifyGen.Tests;

/// <summary>The fast paths bench/compare measures keep the documented behaviour.</summary>
public class FastPathTests
{
    [Fact]
    public void ReadEvents_WithoutThreshold_ReadsEverythingQueued_BeyondTheFirstBuffer()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        wm.AddWatch(dir.Path, EventMask.Create);
        var names = new HashSet<string>();
        using var notifier = new Notifier(wm, new DelegateHandler(e => names.Add(e.Name)));
        // 4,000 IN_CREATEs of 32 bytes each: 125 KiB queued, about twice the first 64 KiB read.
        const int files = 4000;
        for (var i = 0; i < files; i++)
            File.Create(dir[$"f{i:D4}"]).Dispose();

        notifier.ReadEvents();
        notifier.ProcessEvents();

        Assert.Equal(files, names.Count);
        Assert.False(notifier.CheckEvents(TimeSpan.Zero)); // nothing left in the kernel
    }

    [Fact]
    public void ReadEvents_WithThreshold_StillLeavesTooFewEventsInTheKernel()
    {
        using var dir = new TempDir(tmpfs: true);
        using var wm = new WatchManager();
        wm.AddWatch(dir.Path, EventMask.Create);
        var seen = 0;
        // An IN_CREATE of a 1-char name is 16 + 16 bytes; ask for at least 3 of them.
        using var notifier = new Notifier(wm, new DelegateHandler(_ => seen++), threshold: 3 * 32);
        File.Create(dir["a"]).Dispose();
        File.Create(dir["b"]).Dispose();

        notifier.ReadEvents();
        notifier.ProcessEvents();
        Assert.Equal(0, seen);

        File.Create(dir["c"]).Dispose();
        notifier.ReadEvents();
        notifier.ProcessEvents();
        Assert.Equal(3, seen);
    }

    [Fact]
    public void AddWatch_Recursive_MarksEveryWalkedDirectoryAsADirectory_AndTheTopFileAsAFile()
    {
        using var dir = new TempDir(tmpfs: true);
        dir.CreateDirectory("a/b");
        File.WriteAllText(dir["a/file"], "x");
        using var wm = new WatchManager();

        var added = wm.AddWatch(dir.Path, EventMask.Create, recursive: true);
        var file = wm.AddWatch(dir["a/file"], EventMask.Modify, recursive: true);

        Assert.Equal(3, added.Count);
        Assert.All(added.Values, wd => Assert.True(wm.GetWatch(wd)!.IsDir));
        Assert.False(wm.GetWatch(file[dir["a/file"]])!.IsDir);
    }
}
