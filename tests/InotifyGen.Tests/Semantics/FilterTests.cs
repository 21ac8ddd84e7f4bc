using InotifyGen.Tests.Support;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

/// <summary>WatchTransientFile and ExcludeFilter for files inside watched directories.</summary>
[Collection(nameof(SemanticsCollection))]
public class FilterTests(ITestOutputHelper output)
{
    [Fact]
    public void WatchTransientFile_PidFileCreatedAndDeletedOverAndOver_EveryIncarnationFollowed()
    {
        using var dir = new TempDir(tmpfs: true);
        using var rec = new TreeRecorder();
        var pid = dir["daemon.pid"];
        var result = rec.WatchManager.WatchTransientFile(pid, EventMask.CloseWrite | EventMask.Create | EventMask.Delete);
        Assert.Equal([dir.Path], result.Keys);
        Repeat.Run(output, "WatchTransientFile: pid file created, written, deleted", 100, i =>
        {
            rec.Clear();
            File.WriteAllText(dir["other.txt"], "noise");
            File.WriteAllText(pid, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.Delete(pid);
            File.Delete(dir["other.txt"]);
            rec.WaitFor(e => e.EventType == EventMask.Delete);
            Assert.Equal([EventMask.Create, EventMask.CloseWrite, EventMask.Delete], rec.Events.Select(e => e.EventType));
            Assert.All(rec.Events, e => Assert.Equal(pid, e.PathName));
        });
    }

    [Fact]
    public void ExcludeFilter_FilesInsideWatchedDirectory_NotReported()
    {
        var filter = new ExcludeFilter(@".*\.tmp$", @".*/cache(/|$)");
        Repeat.Run(output, "ExcludeFilter: files and directories inside watched trees", 100, i =>
        {
            using var dir = new TempDir(tmpfs: true);
            using var rec = new TreeRecorder();
            rec.WatchManager.AddWatch(dir.Path, EventMask.Create | EventMask.CloseWrite, recursive: true, autoAdd: true, excludeFilter: filter);

            File.WriteAllText(dir["keep.txt"], "");
            File.WriteAllText(dir["skip.tmp"], "");
            Directory.CreateDirectory(dir["cache/inner"]);
            File.WriteAllText(dir["cache/inner/x.txt"], "");
            Directory.CreateDirectory(dir["sub"]);
            File.WriteAllText(dir["sub/a.tmp"], ""); // in a new directory: reported (or not) by the listing
            File.WriteAllText(dir["sub/b.txt"], "");
            rec.WaitFor(e => e.PathName == dir["sub/b.txt"]);
            rec.Sync(dir.Path);

            var paths = rec.Events.Select(e => e.PathName).Where(p => !p.Contains(".sync-", StringComparison.Ordinal)).ToHashSet();
            Assert.Contains(dir["keep.txt"], paths);
            Assert.Contains(dir["sub"], paths);
            Assert.DoesNotContain(paths, p => p.EndsWith(".tmp", StringComparison.Ordinal) || p.Contains("/cache", StringComparison.Ordinal));
            Assert.Null(rec.WatchManager.GetWd(dir["cache"]));
            Assert.Equal([dir.Path, dir["sub"]], rec.WatchedPaths());
        });
    }
}
