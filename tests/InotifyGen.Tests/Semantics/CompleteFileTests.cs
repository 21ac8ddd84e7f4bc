using System.Diagnostics;
using InotifyGen.Tests.Support;
using Xunit.Abstractions;

namespace InotifyGen.Tests.Semantics;

/// <summary>
/// Complete files on the real kernel: every regular file that appears in an autoAdd tree is closed exactly once
/// (IN_CLOSE_WRITE, the kernel's or a synthesised one) and complete exactly once per arrival (IN_FILE_COMPLETE).
/// </summary>
[Collection(nameof(SemanticsCollection))]
public class CompleteFileTests(ITestOutputHelper output)
{
    private const EventMask Mask = EventMask.Create | EventMask.CloseWrite | EventMask.FileComplete;

    [Fact]
    public void TarExtract_IntoAutoAddTree_EveryRegularFileIsClosedOnceAndCompleteOnce()
    {
        using var source = new TempDir(tmpfs: true);
        // 3,000 files in 150 directories, 3 levels deep: tar writes each directory's files right after making it,
        // so most are written before the new directory's watch exists.
        for (var a = 0; a < 5; a++)
            for (var b = 0; b < 5; b++)
                for (var c = 0; c < 6; c++)
                {
                    var d = source.CreateDirectory($"tree/a{a}/b{b}/c{c}");
                    for (var f = 0; f < 20; f++)
                        File.WriteAllText(Path.Combine(d, $"f{f}.txt"), new string('x', 100 + f));
                }
        var archive = source["tree.tar"];
        Run("tar", "-cf", archive, "-C", source.Path, "tree");
        var files = Directory.GetFiles(source["tree"], "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(source.Path, p)).ToList();
        Assert.Equal(3000, files.Count);

        using var dir = new TempDir(tmpfs: true);
        // Part of the tree exists and is watched before the extraction (the kernel reports those closes); the rest
        // is new (the listings find most of those files already closed).
        for (var b = 0; b < 5; b++)
            for (var c = 0; c < 6; c++)
                Directory.CreateDirectory(dir[$"tree/a0/b{b}/c{c}"]);
        using var rec = new TreeRecorder();
        rec.WatchManager.AddWatch(dir.Path, Mask, recursive: true, autoAdd: true, quiet: false);
        Run("tar", "-xf", archive, "-C", dir.Path);

        var expected = files.Select(f => Path.Combine(dir.Path, f)).ToHashSet(StringComparer.Ordinal);
        rec.WaitUntil(es => expected.All(p => es.Any(e => e.EventType == EventMask.FileComplete && e.PathName == p)), TimeSpan.FromSeconds(60));
        rec.Sync(dir.Path); // a second one, if any were queued, is dispatched by now

        var events = rec.Events.Where(e => expected.Contains(e.PathName)).ToList();
        var closes = events.Where(e => e.EventType == EventMask.CloseWrite).GroupBy(e => e.PathName).ToDictionary(g => g.Key, g => g.Count());
        var completes = events.Where(e => e.EventType == EventMask.FileComplete).GroupBy(e => e.PathName).ToDictionary(g => g.Key, g => g.Count());
        var synthesised = events.Count(e => e.EventType == EventMask.CloseWrite && e.IsSynthetic);
        output.WriteLine($"{files.Count} files; {synthesised} IN_CLOSE_WRITE synthesised by listings, {files.Count - synthesised} from the kernel");
        Assert.InRange(synthesised, 1, files.Count - 600); // both ways were taken: a0's 600 files are closed under a watch
        Assert.All(expected, p => Assert.Equal(1, closes.GetValueOrDefault(p)));
        Assert.All(expected, p => Assert.Equal(1, completes.GetValueOrDefault(p)));
        // The probes that told closed from open are not reported as anyone's IN_OPEN / IN_CLOSE_NOWRITE.
        Assert.DoesNotContain(rec.Events, e => (e.EventType & (EventMask.Open | EventMask.CloseNoWrite)) != 0);
    }

    [Fact]
    public void FileHeldOpenAcrossTheListing_GetsOnlyTheKernelsCloseWrite_Later()
    {
        using var staging = new TempDir(tmpfs: true);
        using var dir = new TempDir(tmpfs: true);
        Directory.CreateDirectory(staging["incoming"]);
        File.WriteAllText(staging["incoming/done.txt"], "finished");
        using var writer = new FileStream(staging["incoming/upload.bin"], FileMode.Create, FileAccess.Write);
        writer.Write(new byte[4096]);
        writer.Flush();

        using var rec = new TreeRecorder();
        rec.WatchManager.AddWatch(dir.Path, Mask | EventMask.MovedTo, recursive: true, autoAdd: true, quiet: false);
        // Moved in: the directory's listing is the only way its files are reported, with upload.bin still open.
        Directory.Move(staging["incoming"], dir["incoming"]);
        rec.WaitFor(e => e.PathName == dir["incoming/upload.bin"] && e.EventType == EventMask.Create);
        rec.Sync(dir["incoming"]); // the listing, and its probes, are over

        var early = rec.Events.Where(e => e.PathName == dir["incoming/upload.bin"]).ToList();
        Assert.DoesNotContain(early, e => e.EventType is EventMask.CloseWrite or EventMask.FileComplete);
        Assert.Single(rec.Events, e => e.PathName == dir["incoming/done.txt"] && e.EventType == EventMask.CloseWrite && e.IsSynthetic);

        writer.Write(new byte[4096]);
        writer.Dispose();
        var close = rec.WaitFor(e => e.PathName == dir["incoming/upload.bin"] && e.EventType == EventMask.CloseWrite);
        rec.WaitFor(e => e.PathName == dir["incoming/upload.bin"] && e.EventType == EventMask.FileComplete);
        rec.Sync(dir["incoming"]);
        Assert.False(close.IsSynthetic);
        Assert.Single(rec.Events, e => e.PathName == dir["incoming/upload.bin"] && e.EventType == EventMask.CloseWrite);
        Assert.Single(rec.Events, e => e.PathName == dir["incoming/upload.bin"] && e.EventType == EventMask.FileComplete);
    }

    [Fact]
    public void RenamedIntoPlace_OrMovedIn_IsCompleteOnceUnderItsFinalName()
    {
        using var outside = new TempDir(tmpfs: true);
        using var dir = new TempDir(tmpfs: true);
        File.WriteAllText(outside["moved-in.txt"], "from elsewhere");
        using var rec = new TreeRecorder();
        rec.WatchManager.AddWatch(dir.Path, EventMask.FileComplete | EventMask.Create, recursive: true, autoAdd: true, quiet: false);

        File.WriteAllText(dir[".report.tmp"], "written under a temporary name");
        File.Move(dir[".report.tmp"], dir["report.txt"]);
        File.Move(outside["moved-in.txt"], dir["moved-in.txt"]);
        // Renamed while still open for writing: complete only when closed.
        var stillOpen = new FileStream(dir[".late.tmp"], FileMode.Create, FileAccess.Write);
        stillOpen.Write(new byte[10]);
        File.Move(dir[".late.tmp"], dir["late.txt"]);
        rec.Sync(dir.Path);
        Assert.DoesNotContain(rec.Events, e => e.PathName == dir["late.txt"] && e.EventType == EventMask.FileComplete);
        stillOpen.Dispose();

        rec.WaitFor(e => e.PathName == dir["late.txt"] && e.EventType == EventMask.FileComplete);
        rec.Sync(dir.Path);
        foreach (var name in new[] { "report.txt", "moved-in.txt", "late.txt" })
            Assert.Single(rec.Events, e => e.PathName == dir[name] && e.EventType == EventMask.FileComplete);
    }

    [Fact]
    public void GitClone_IntoWatchedTree_EveryCheckedOutFileIsCompleteOnce()
    {
        using var source = new TempDir(tmpfs: true);
        var repo = source.CreateDirectory("repo");
        for (var d = 0; d < 12; d++)
            for (var f = 0; f < 20; f++)
            {
                var sub = Directory.CreateDirectory(Path.Combine(repo, $"src/m{d % 4}/p{d}")).FullName;
                File.WriteAllText(Path.Combine(sub, $"file{f}.cs"), $"// {d} {f}\n" + new string('x', 200 * f));
            }
        Git(repo, "init", "-q");
        Git(repo, "add", ".");
        Git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "files");

        using var dir = new TempDir(tmpfs: true);
        using var rec = new TreeRecorder();
        rec.WatchManager.AddWatch(dir.Path, EventMask.FileComplete | EventMask.Create, recursive: true, autoAdd: true, quiet: false);
        Git(dir.Path, "clone", "-q", "--no-hardlinks", repo, "clone");
        var checkedOut = Git(Path.Combine(dir.Path, "clone"), "ls-files").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => Path.Combine(dir.Path, "clone", f)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(240, checkedOut.Count);

        rec.WaitUntil(es => checkedOut.All(p => es.Any(e => e.EventType == EventMask.FileComplete && e.PathName == p)), TimeSpan.FromSeconds(60));
        rec.Sync(dir.Path);
        var completes = rec.Events.Where(e => e.EventType == EventMask.FileComplete && checkedOut.Contains(e.PathName))
            .GroupBy(e => e.PathName).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(checkedOut, p => Assert.Equal(1, completes.GetValueOrDefault(p)));
    }

    [Fact]
    public void CompleteFilesOff_IsPyinotifysStream_NoSynthesisedClose()
    {
        using var staging = new TempDir(tmpfs: true);
        using var dir = new TempDir(tmpfs: true);
        Directory.CreateDirectory(staging["x"]);
        File.WriteAllText(staging["x/f"], "done");
        using var rec = new TreeRecorder(configure: n => n.CompleteFiles = false);
        rec.WatchManager.AddWatch(dir.Path, EventMask.Create | EventMask.CloseWrite | EventMask.MovedTo, recursive: true, autoAdd: true);
        Directory.Move(staging["x"], dir["x"]);
        rec.WaitFor(e => e.PathName == dir["x/f"] && e.EventType == EventMask.Create && e.IsSynthetic);
        rec.Sync(dir["x"]);
        Assert.DoesNotContain(rec.Events, e => e.PathName == dir["x/f"] && e.EventType == EventMask.CloseWrite);
    }

    [Fact]
    public void SettleCompleteFiles_AChunkedUploadThatClosesAndReopens_IsCompleteOnce_AfterItsLastClose()
    {
        using var dir = new TempDir(tmpfs: true);
        var completes = new List<(string Path, long At)>();
        var lastClose = 0L;
        using var wm = new WatchManager();
        var handler = new DelegateHandler(e =>
        {
            lock (completes)
            {
                if (e.EventType == EventMask.CloseWrite && e.Name == "upload.bin")
                    lastClose = Environment.TickCount64;
                else if (e.EventType == EventMask.FileComplete)
                    completes.Add((e.PathName, Environment.TickCount64));
                Monitor.PulseAll(completes);
            }
        });
        // 1.5 s: the chunks below come within milliseconds of each other, even on a loaded machine.
        using var notifier = new ThreadedNotifier(wm, handler, new NotifierOptions { SettleCompleteFiles = TimeSpan.FromSeconds(1.5) });
        wm.AddWatch(dir.Path, EventMask.FileComplete | EventMask.CloseWrite, recursive: true, autoAdd: true, quiet: false);
        notifier.Start();

        for (var chunk = 0; chunk < 4; chunk++)
            using (var part = new FileStream(dir["upload.bin"], FileMode.Append, FileAccess.Write))
                part.Write(new byte[64 * 1024]);
        File.WriteAllText(dir["other.txt"], "settles on its own");

        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        lock (completes)
            while (completes.Count < 2 && DateTime.UtcNow < until)
                Monitor.Wait(completes, TimeSpan.FromMilliseconds(100));
        // Anything more would have come 1.5 s after the last close; the sync file's own completion, 1.5 s after it.
        File.WriteAllText(dir["sync"], "");
        lock (completes)
            while (!completes.Exists(c => c.Path == dir["sync"]) && DateTime.UtcNow < until)
                Monitor.Wait(completes, TimeSpan.FromMilliseconds(100));
        lock (completes)
        {
            Assert.Single(completes, c => c.Path == dir["upload.bin"]);
            Assert.Single(completes, c => c.Path == dir["other.txt"]);
            var settled = completes.Single(c => c.Path == dir["upload.bin"]).At - lastClose;
            output.WriteLine($"upload.bin complete {settled} ms after its last close; completes: {string.Join(", ", completes.Select(c => Path.GetFileName(c.Path) + "@" + (c.At - lastClose)))}");
            Assert.True(settled >= 1400, $"complete {settled} ms after the last close");
            Assert.Contains(completes, c => c.Path == dir["sync"]);
        }
    }

    private static void Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        var (code, _, stderr) = ChildProcess.Run(psi, TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"{program} {string.Join(' ', args)} exited {code}: {stderr}");
    }

    private static string Git(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = cwd };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        var (code, stdout, stderr) = ChildProcess.Run(psi, TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"git {string.Join(' ', args)} exited {code}: {stderr}");
        return stdout;
    }
}
