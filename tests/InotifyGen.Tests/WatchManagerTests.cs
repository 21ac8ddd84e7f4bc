using InotifyGen.Tests.Support;

namespace InotifyGen.Tests;

public class WatchManagerTests
{
    [Fact]
    public void AddWatch_Recursive_WatchesEveryDirectoryOfANestedTree_AndNotFilesOrSymlinks()
    {
        using var dir = new TempDir();
        dir.CreateDirectory("a/b/c");
        dir.CreateDirectory("a/d");
        dir.CreateDirectory("e");
        dir.WriteFile("a/file");
        File.CreateSymbolicLink(dir["link"], dir["a"]);
        using var wm = new WatchManager();

        var result = wm.AddWatch(dir.Path, EventMask.Create, recursive: true);

        string[] expected = [dir.Path, dir["a"], dir["a/b"], dir["a/b/c"], dir["a/d"], dir["e"]];
        Assert.Equal(expected.Order(), result.Keys.Order());
        Assert.All(result.Values, wd => Assert.True(wd > 0));
        Assert.Equal(result.Values.Distinct().Count(), result.Count);
        foreach (var (path, wd) in result)
        {
            Assert.Equal(wd, wm.GetWd(path));
            Assert.Equal(path, wm.GetPath(wd));
        }
    }

    [Fact]
    public void AddWatch_Recursive_EventsInDeepDirectoriesCarryTheirDirectoryPath()
    {
        using var dir = new TempDir();
        dir.CreateDirectory("x/y/z");
        using var rec = new EventRecorder();
        var wds = rec.WatchManager.AddWatch(dir.Path, EventMask.Create, recursive: true);

        dir.WriteFile("x/y/z/deep");

        var e = rec.WaitFor(e => e.Name == "deep");
        Assert.Equal(wds[dir["x/y/z"]], e.Wd);
        Assert.Equal(dir["x/y/z/deep"], e.PathName);
    }

    [Fact]
    public void AddWatch_Glob_WatchesEveryMatch_AndNothingElse()
    {
        using var dir = new TempDir();
        dir.CreateDirectory("log1");
        dir.CreateDirectory("log2");
        dir.CreateDirectory("logx");
        dir.CreateDirectory("other");
        dir.CreateDirectory(".loghidden");
        using var wm = new WatchManager();

        var result = wm.AddWatch(dir.Path + "/log[0-9]", EventMask.Create, doGlob: true);
        Assert.Equal([dir["log1"], dir["log2"]], result.Keys.Order());

        var star = wm.AddWatch(dir.Path + "/*og*", EventMask.Create, doGlob: true);
        Assert.Equal([dir["log1"], dir["log2"], dir["logx"]], star.Keys.Order()); // like Python's glob, * skips dot files

        Assert.Empty(wm.AddWatch(dir.Path + "/nomatch*", EventMask.Create, doGlob: true));
    }

    [Fact]
    public void AddWatch_WithOptions_AnswersTypedResults_AndThePyinotifyFormIsTheSameAsWds()
    {
        using var dir = new TempDir();
        dir.CreateDirectory("keep/sub");
        dir.CreateDirectory("node_modules/pkg");
        using var wm = new WatchManager();
        var filter = new ExcludeFilter(".*/node_modules");

        var typed = wm.AddWatch([dir.Path, dir["missing"]], new WatchOptions { Mask = EventMask.Create, Recursive = true, ExcludeFilter = filter });
        var wds = wm.AddWatch([dir.Path, dir["missing"]], EventMask.Create, recursive: true, excludeFilter: filter);

        Assert.Equal([dir.Path, dir["keep"], dir["keep/sub"], dir["node_modules"], dir["node_modules/pkg"], dir["missing"]], typed.Select(r => r.Path));
        Assert.Equal([WatchStatus.Watched, WatchStatus.Watched, WatchStatus.Watched, WatchStatus.Excluded, WatchStatus.Excluded, WatchStatus.Failed],
            typed.Select(r => r.Status));
        var missing = typed[^1];
        Assert.Equal((2, false, WatchManager.WatchFailed), (missing.Errno, missing.Vanished, missing.Wd));
        Assert.Equal($"cannot watch '{dir["missing"]}': no such file or directory; check the path, or create it first", missing.Error!.Message);
        Assert.Equal(typed.ToDictionary(r => r.Path, r => r.Wd), wds); // watching again keeps every wd

        var e = Assert.Throws<WatchManagerException>(() => wm.AddWatch(dir["missing"], new WatchOptions { Mask = EventMask.Create, Quiet = false }));
        Assert.Equal(WatchStatus.Failed, Assert.Single(e.Results!).Status);
        Assert.Equal(WatchManager.WatchFailed, e.Added![dir["missing"]]);
    }

    [Fact]
    public void AddWatch_Results_AreMadeWhenRead_WithThePathsOfWhenItReturned_AndAPathHandledTwiceCountsOnce()
    {
        using var dir = new TempDir();
        dir.CreateDirectory("a/b");
        using var rec = new EventRecorder();
        var wm = rec.WatchManager;

        // Two given paths that overlap: the walk of the first handles the second's paths too.
        var typed = wm.AddWatch([dir.Path, dir["a"]], new WatchOptions { Mask = EventMask.Create, Recursive = true, AutoAdd = true });
        var wds = wm.AddWatch([dir.Path, dir["a"]], EventMask.Create, recursive: true, autoAdd: true);
        Assert.Equal(5, typed.Count);
        Assert.Equal(3, wds.Count);
        Assert.Same(typed[1], typed[1]); // made once, on the first read
        Assert.Equal(typed[1].Wd, typed[3].Wd);

        // One given path, read only after its directory moved and the notifier moved its watches: the old paths.
        var moved = wm.AddWatch(dir["a"], new WatchOptions { Mask = EventMask.Create, Recursive = true, AutoAdd = true });
        var movedWds = wm.AddWatch(dir["a"], EventMask.Create, recursive: true, autoAdd: true);
        wm.AddWatch(dir.Path, EventMask.Create | EventMask.MovedTo, autoAdd: true);
        Directory.Move(dir["a"], dir["c"]);
        rec.WaitFor(e => e.Mask.HasFlag(EventMask.MovedTo) && e.PathName == dir["c"]);
        rec.WaitUntil(_ => wm.GetPath(wm.GetWd(dir["c/b"]) ?? 0) == dir["c/b"]);
        Assert.Equal(2, movedWds.Count);
        Assert.Equal([dir["a"], dir["a/b"]], moved.Select(r => r.Path));
        Assert.Equal(new Dictionary<string, int> { [dir["a"]] = wm.GetWd(dir["c"])!.Value, [dir["a/b"]] = wm.GetWd(dir["c/b"])!.Value }, movedWds);
    }

    [Fact]
    public void AddWatch_ExcludeFilter_ReturnsMinusTwo_ForExcludedDirectories_AndDoesNotWatchThem()
    {
        using var dir = new TempDir();
        dir.CreateDirectory("keep/sub");
        dir.CreateDirectory("node_modules/pkg");
        using var wm = new WatchManager();

        var result = wm.AddWatch(dir.Path, EventMask.Create, recursive: true, excludeFilter: new ExcludeFilter(".*/node_modules"));

        Assert.Equal(WatchManager.WatchExcluded, result[dir["node_modules"]]);
        Assert.Equal(WatchManager.WatchExcluded, result[dir["node_modules/pkg"]]);
        Assert.True(result[dir["keep/sub"]] > 0);
        Assert.Null(wm.GetWd(dir["node_modules"]));
    }

    [Fact]
    public void ExcludeFilter_FromFile_ReadsOnePatternALine_SkippingCommentsAndBlanks()
    {
        using var dir = new TempDir();
        var file = dir.WriteFile("patterns", "# build output\n^/srv/build\n\n  /tmp/cache  \n");
        var filter = ExcludeFilter.FromFile(file);
        Assert.Equal(["^/srv/build", "/tmp/cache"], filter.Patterns);
        Assert.True(filter.IsExcluded("/srv/build/x"));
        Assert.True(filter.IsExcluded("/tmp/cache"));
        Assert.False(filter.IsExcluded("/var/tmp/cache")); // anchored at the start, like re.match
    }

    [Fact]
    public void ExcludeFilter_InvalidRegex_NamesThePattern()
    {
        var e = Assert.Throws<ArgumentException>(() => new ExcludeFilter("(unclosed"));
        Assert.Contains("'(unclosed' is not a valid regular expression", e.Message);
    }

    [Fact]
    public void AddWatch_MissingPath_Quiet_ReturnsMinusOne()
    {
        using var dir = new TempDir();
        using var wm = new WatchManager();
        var result = wm.AddWatch([dir.Path, dir["missing"]], EventMask.Create);
        Assert.True(result[dir.Path] > 0);
        Assert.Equal(WatchManager.WatchFailed, result[dir["missing"]]);
    }

    [Fact]
    public void AddWatch_MissingPath_NotQuiet_ThrowsWithPartialResultAndAMessageNamingThePath()
    {
        using var dir = new TempDir();
        using var wm = new WatchManager();
        var e = Assert.Throws<WatchManagerException>(() => wm.AddWatch([dir.Path, dir["missing"], dir.Path + "2"], EventMask.Create, quiet: false));
        Assert.Equal(2, e.Errno); // ENOENT
        Assert.Equal(dir["missing"], e.Path);
        Assert.Equal($"cannot watch '{dir["missing"]}': no such file or directory; check the path, or create it first", e.Message);
        Assert.True(e.Added![dir.Path] > 0);
        Assert.Equal(WatchManager.WatchFailed, e.Added[dir["missing"]]);
        Assert.False(e.Added.ContainsKey(dir.Path + "2")); // stops at the failure, as pyinotify does
    }

    [Fact]
    public void AddWatch_PathWithoutPermission_AsUnprivilegedUser_QuietAndNotQuiet()
    {
        using var dir = new TempDir();
        var secret = dir.CreateDirectory("secret");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // 0700, root's
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0x1ed); // 0755: nobody may reach secret, not read it

        var quiet = ChildProcess.Run(ChildProcess.Dotnet("InotifyGen.WatchProbe", [secret, "quiet"], asUser: "65534"));
        Assert.True(quiet.ExitCode == 0, quiet.Stderr);
        Assert.Equal($"{secret}=-1", quiet.Stdout.Trim());

        var loud = ChildProcess.Run(ChildProcess.Dotnet("InotifyGen.WatchProbe", [secret, "loud"], asUser: "65534"));
        Assert.True(loud.ExitCode == 3, loud.Stdout + loud.Stderr);
        Assert.Equal(
            $"WatchManagerException errno=13: cannot watch '{secret}': permission denied; the process needs read access to it\n{secret}=-1",
            loud.Stdout.Trim());
    }

    [Fact]
    public void AddWatch_SamePathTwice_KeepsTheWd_AndReplacesItsSettings()
    {
        using var dir = new TempDir();
        using var wm = new WatchManager();
        var handler = new DelegateHandler(_ => { });
        var first = wm.AddWatch(dir.Path, EventMask.Create)[dir.Path];
        var second = wm.AddWatch(dir.Path + "/", EventMask.Delete, handler, autoAdd: true)[dir.Path];

        Assert.Equal(first, second);
        var w = wm.GetWatch(first)!;
        Assert.Equal(EventMask.Delete, w.Mask);
        Assert.Same(handler, w.Handler);
        Assert.True(w.AutoAdd);
        Assert.Single(wm.Watches);
    }

    [Fact]
    public void AddWatch_WithoutMask_AsksForWhatTheHandlerHandles()
    {
        using var dir = new TempDir();
        using var wm = new WatchManager();
        var wd = wm.AddWatch(dir.Path, handler: new PrintAllEvents(TextWriter.Null))[dir.Path];
        Assert.Equal(EventMask.AllEvents, wm.GetWatch(wd)!.Mask);
    }

    [Fact]
    public void UpdateWatch_ChangesTheMask_AndReturnsWdToSuccess()
    {
        using var dir = new TempDir();
        using var rec = new EventRecorder();
        var wd = rec.WatchManager.AddWatch(dir.Path, EventMask.Delete)[dir.Path];

        var result = rec.WatchManager.UpdateWatch([wd, 9999], mask: EventMask.Create);

        Assert.Equal(new Dictionary<int, bool> { [wd] = true, [9999] = false }, result);
        Assert.Equal(EventMask.Create, rec.WatchManager.GetWatch(wd)!.Mask); // pyinotify forgets to store it
        dir.WriteFile("now-seen");
        rec.WaitFor(e => e.Mask == EventMask.Create && e.Name == "now-seen");

        var loud = Assert.Throws<WatchManagerException>(() => rec.WatchManager.UpdateWatch(9999, quiet: false));
        Assert.Contains("no watch has descriptor 9999", loud.Message);
        Assert.False(loud.Updated![9999]);
    }

    [Fact]
    public void UpdateWatch_Recursive_UpdatesTheWholeSubTree()
    {
        using var dir = new TempDir();
        dir.CreateDirectory("a/b");
        using var wm = new WatchManager();
        var wds = wm.AddWatch(dir.Path, EventMask.Create, recursive: true);

        var result = wm.UpdateWatch(wds[dir["a"]], mask: EventMask.Delete, recursive: true);

        Assert.Equal([wds[dir["a"]], wds[dir["a/b"]]], result.Keys.Order());
        Assert.All(result.Values, Assert.True);
        Assert.Equal(EventMask.Delete, wm.GetWatch(wds[dir["a/b"]])!.Mask);
        Assert.Equal(EventMask.Create, wm.GetWatch(wds[dir.Path])!.Mask);
    }

    [Fact]
    public void RmWatch_Recursive_RemovesTheSubTree_AndIgnoredStillReachesTheHandler()
    {
        using var dir = new TempDir();
        dir.CreateDirectory("a/b");
        using var rec = new EventRecorder();
        var wds = rec.WatchManager.AddWatch(dir.Path, EventMask.Create, recursive: true);

        var result = rec.WatchManager.RmWatch(wds[dir["a"]], recursive: true);

        Assert.Equal(new Dictionary<int, bool> { [wds[dir["a"]]] = true, [wds[dir["a/b"]]] = true }, result);
        Assert.Null(rec.WatchManager.GetWd(dir["a"]));
        Assert.Null(rec.WatchManager.GetWd(dir["a/b"]));
        Assert.NotNull(rec.WatchManager.GetWd(dir.Path));
        var ignored = rec.WaitFor(e => e.Mask == EventMask.Ignored && e.Wd == wds[dir["a/b"]]);
        Assert.Equal(dir["a/b"], ignored.Path);

        Assert.Equal(new Dictionary<int, bool> { [wds[dir["a"]]] = false }, rec.WatchManager.RmWatch(wds[dir["a"]]));
    }

    [Fact]
    public void GetWd_IsADictionaryLookup_WithNormalisedPaths()
    {
        using var dir = new TempDir();
        using var wm = new WatchManager();
        var wd = wm.AddWatch(dir.Path, EventMask.Create)[dir.Path];
        Assert.Equal(wd, wm.GetWd(dir.Path + "/"));
        Assert.Equal(wd, wm.GetWd(dir.Path + "/./"));
        Assert.Null(wm.GetWd("/nonexistent"));
        Assert.Null(wm.GetPath(12345));
    }

    [Fact]
    public void Closed_WatchManager_SaysSoClearly()
    {
        var wm = new WatchManager();
        wm.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => wm.AddWatch("/tmp", EventMask.Create));
        Assert.Contains("create a new one", e.Message);
    }
}
