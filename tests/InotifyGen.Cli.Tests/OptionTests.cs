using InotifyGen.Cli.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Cli.Tests;

/// <summary>Each option, end to end, on real directories.</summary>
public sealed class OptionTests
{
    private static string Create(string dir, string name, int wd) =>
        $"<Event dir=False mask=0x100 maskname=IN_CREATE name={name} path={dir} pathname={dir}/{name} wd={wd} >";

    [Fact]
    public void Recursive_WatchesExistingSubdirectories()
    {
        using var dir = new TempDir();
        var deep = dir.CreateDirectory("a/b/c");
        using var cli = CliProcess.StartWatching("-r", "-e", "IN_CREATE", dir.Path);

        File.WriteAllText(Path.Combine(deep, "f"), "");

        Assert.Equal([Create(deep, "f", 4)], cli.WaitForLines(1));
    }

    [Fact]
    public void WithoutRecursive_SubdirectoriesAreNotWatched()
    {
        using var dir = new TempDir();
        var sub = dir.CreateDirectory("a");
        using var cli = CliProcess.StartWatching("-e", "IN_CREATE", dir.Path);

        File.WriteAllText(Path.Combine(sub, "ignored"), "");
        File.WriteAllText(dir["seen"], "");

        Assert.Equal([Create(dir.Path, "seen", 1)], cli.WaitForLines(1));
    }

    [Fact]
    public void AutoAdd_NewDirectoryIsWatched()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartWatching("-a", "-e", "IN_CREATE", dir.Path);

        var sub = dir.CreateDirectory("new");
        cli.WaitForLine(l => l.Contains("name=new ", StringComparison.Ordinal));
        // The watch on the new directory is added while its IN_CREATE is processed: a sentinel in the top directory,
        // created after that line, proves the notifier is past it.
        File.WriteAllText(Path.Combine(sub, "inner"), "");

        cli.WaitForLine(l => l == Create(sub, "inner", 2));
    }

    [Fact]
    public void Glob_WatchesEveryMatch()
    {
        using var dir = new TempDir();
        var a1 = dir.CreateDirectory("a1");
        var a2 = dir.CreateDirectory("a2");
        var b = dir.CreateDirectory("b");
        using var cli = CliProcess.StartWatching("-g", "-e", "IN_CREATE", dir["a*"]);

        File.WriteAllText(Path.Combine(b, "not"), "");
        File.WriteAllText(Path.Combine(a2, "x"), "");
        File.WriteAllText(Path.Combine(a1, "y"), "");

        Assert.Equal([Create(a2, "x", 2), Create(a1, "y", 1)], cli.WaitForLines(2));
    }

    [Fact]
    public void MultiplePaths_AreAllWatched()
    {
        using var one = new TempDir();
        using var two = new TempDir();
        using var cli = CliProcess.StartWatching("-e", "IN_CREATE", one.Path, two.Path);

        File.WriteAllText(two["x"], "");
        File.WriteAllText(one["y"], "");

        Assert.Equal([Create(two.Path, "x", 2), Create(one.Path, "y", 1)], cli.WaitForLines(2));
    }

    [Fact]
    public void Exclude_DropsMatchingEventsAndDirectories()
    {
        using var dir = new TempDir();
        var cache = dir.CreateDirectory("cache");
        using var cli = CliProcess.StartWatching("-r", "-e", "IN_CREATE", "--exclude", @"\.tmp$", "--exclude", "/cache(/|$)", dir.Path);

        File.WriteAllText(dir["skip.tmp"], "");
        File.WriteAllText(Path.Combine(cache, "skip"), "");
        File.WriteAllText(dir["keep.txt"], "");

        Assert.Equal([Create(dir.Path, "keep.txt", 1)], cli.WaitForLines(1));
        Assert.Single(cli.Stdout);
    }

    [Fact]
    public void Excludei_IgnoresCase()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartWatching("-e", "IN_CREATE", "--excludei", "[[:upper:]]+\\.LOG$", dir.Path);

        File.WriteAllText(dir["Debug.log"], "");
        File.WriteAllText(dir["keep"], "");

        Assert.Equal([Create(dir.Path, "keep", 1)], cli.WaitForLines(1));
    }

    [Fact]
    public void Include_And_Includei_KeepOnlyMatchingEvents()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartWatching("-e", "IN_CREATE", "--include", @"\.c$", "--includei", @"\.H$", dir.Path);

        File.WriteAllText(dir["skip.txt"], "");
        File.WriteAllText(dir["main.c"], "");
        File.WriteAllText(dir["main.h"], "");

        Assert.Equal([Create(dir.Path, "main.c", 1), Create(dir.Path, "main.h", 1)], cli.WaitForLines(2));
    }

    [Fact]
    public void FromFile_ReadsPathsAndAtExclusions()
    {
        using var dir = new TempDir();
        var a = dir.CreateDirectory("a");
        var skipped = dir.CreateDirectory("a/skipped");
        var list = dir.WriteFile("paths.txt", $"{a}\n\n@{skipped}\n");
        using var cli = CliProcess.StartWatching("-r", "--fromfile", list, "-e", "IN_CREATE");

        File.WriteAllText(Path.Combine(skipped, "no"), "");
        File.WriteAllText(Path.Combine(a, "yes"), "");

        Assert.Equal([Create(a, "yes", 1)], cli.WaitForLines(1));
    }

    [Fact]
    public void FromFile_Dash_ReadsStdin()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartWithStdin(dir.Path + "\n", "--fromfile", "-", "-e", "IN_CREATE");
        cli.WaitForStderr(l => l == "Watches established.");

        File.WriteAllText(dir["x"], "");

        Assert.Equal([Create(dir.Path, "x", 1)], cli.WaitForLines(1));
    }

    [Fact]
    public void OutFile_AppendsEventsAndIgnoresItsOwnWrites()
    {
        using var dir = new TempDir();
        var outFile = dir.WriteFile("events.log", "earlier line\n");
        using var cli = CliProcess.StartWatching("-o", outFile, "-e", "IN_CREATE,IN_MODIFY", dir.Path);

        new FileStream(dir["x"], FileMode.CreateNew).Dispose();
        new FileStream(dir["last"], FileMode.CreateNew).Dispose();
        // Each batch is flushed: wait for the file to show the last event (polling a file, with a deadline).
        var expected = new[] { "earlier line", Create(dir.Path, "x", 1), Create(dir.Path, "last", 1) };
        var until = DateTime.UtcNow + CliProcess.Deadline;
        while (!File.ReadAllLines(outFile).SequenceEqual(expected) && DateTime.UtcNow < until)
            Thread.Sleep(20);
        cli.Signal();

        Assert.Equal(expected, File.ReadAllLines(outFile));
        Assert.Empty(cli.Stdout);
    }

    [Fact]
    public void Quiet_PrintsNothingButEvents()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.Start("-q", "-e", "IN_CREATE", dir.Path);
        // No "Watches established." to wait for: retry creating files until one is reported.
        var until = DateTime.UtcNow + CliProcess.Deadline;
        for (var i = 0; cli.Stdout.Count == 0 && DateTime.UtcNow < until; i++)
        {
            File.WriteAllText(dir[$"f{i}"], "");
            Thread.Sleep(50);
        }
        cli.Signal();

        Assert.NotEmpty(cli.Stdout);
        Assert.Empty(cli.Stderr);
    }

    [Fact]
    public void Verbose_LogsWatchesAdded()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartWatching("-v", dir.Path);
        cli.Signal();
        Assert.Contains($"inotifygen: debug: Added watch 1 on {dir.Path}.", cli.Stderr);
    }

    [Fact]
    public void Command_RunsPerBatchWithEventsOnStdinAndInEnvironment()
    {
        using var dir = new TempDir();
        var watched = dir.CreateDirectory("w");
        var log = dir["cmd.log"];
        using var cli = CliProcess.StartWatching("-e", "IN_CREATE", "-c",
            $"{{ echo \"count=$INOTIFYGEN_COUNT mask=$INOTIFYGEN_MASKNAME pathname=$INOTIFYGEN_PATHNAME name=$INOTIFYGEN_NAME path=$INOTIFYGEN_PATH wd=$INOTIFYGEN_WD\"; cat; }} >> '{log}'; echo ran",
            watched);

        File.WriteAllText(Path.Combine(watched, "a"), "");
        cli.WaitForLine(l => l == "ran");

        var lines = File.ReadAllLines(log);
        Assert.Equal($"count=1 mask=IN_CREATE pathname={watched}/a name=a path={watched} wd=1", lines[0]);
        Assert.Equal(Create(watched, "a", 1), lines[1]);
        // The command's own output comes after the batch's event lines.
        Assert.Equal([Create(watched, "a", 1), "ran"], cli.Stdout);
    }

    [Fact]
    public void Command_GetsTheBatchInTheChosenFormat()
    {
        using var dir = new TempDir();
        var watched = dir.CreateDirectory("w");
        var log = dir["cmd.log"];
        using var cli = CliProcess.StartWatching("--csv", "-e", "IN_CREATE", "-c", $"cat >> '{log}'; echo \"$INOTIFYGEN_PATHNAMES\" >> '{log}'; echo ran", watched);

        File.WriteAllText(Path.Combine(watched, "a"), "");
        cli.WaitForLine(l => l == "ran");

        Assert.Equal([$"{watched}/,CREATE,a", $"{watched}/a"], File.ReadAllLines(log));
    }

    [Fact]
    public void Monitor_IsAcceptedAndIsTheDefault()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartWatching("-m", "-e", "IN_CREATE", dir.Path);
        File.WriteAllText(dir["a"], "");
        File.WriteAllText(dir["b"], "");
        cli.WaitForLines(2);
        Assert.False(cli.HasExited);
    }

    [Fact]
    public void InotifywaitEventNames_AreAccepted()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartWatching("-e", "create", "-e", "close_write", dir.Path);
        File.WriteAllText(dir["a"], "x");
        Assert.Equal(
        [
            Create(dir.Path, "a", 1),
            $"<Event dir=False mask=0x8 maskname=IN_CLOSE_WRITE name=a path={dir.Path} pathname={dir.Path}/a wd=1 >",
        ], cli.WaitForLines(2));
    }

    [Fact]
    public void AllEvents_IsAccepted()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartWatching("-e", "ALL_EVENTS", dir.Path);
        new FileStream(dir["a"], FileMode.CreateNew).Dispose();
        Assert.Equal(
        [
            Create(dir.Path, "a", 1),
            $"<Event dir=False mask=0x20 maskname=IN_OPEN name=a path={dir.Path} pathname={dir.Path}/a wd=1 >",
            $"<Event dir=False mask=0x8 maskname=IN_CLOSE_WRITE name=a path={dir.Path} pathname={dir.Path}/a wd=1 >",
        ], cli.WaitForLines(3));
    }

    [Fact]
    public void Progress_NotOnATerminal_IsTwoPlainLines()
    {
        using var dir = new TempDir();
        dir.CreateDirectory("a/b");
        using var cli = CliProcess.StartWatching("-r", dir.Path);
        Assert.Equal(["Setting up watches.  Beware: since -r was given, this may take a while!", "Watches established."], cli.Stderr);
    }

    [Fact]
    public void Progress_OnATerminal_CountsDirectoriesInPlace()
    {
        using var dir = new TempDir(tmpfs: true);
        // Enough directories that setting up takes longer than one progress interval (100 ms).
        for (var i = 0; i < 40; i++)
            for (var j = 0; j < 100; j++)
                Directory.CreateDirectory(dir[$"d{i}/e{j}"]);
        using var cli = OutputFormatTests.OnTerminal(null, "-r", dir.Path);

        // "\rWatched directories: <N>" updates, then "\r\e[K" clears the line before the final message. (The reader
        // splits lines at '\r' too, so each update is a "line" here.)
        var lines = cli.Stdout.ToList();
        var counts = lines.Where(l => l.StartsWith("Watched directories: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(counts);
        Assert.All(counts, l => Assert.Matches(@"^Watched directories: \d+$", l));
        Assert.Equal("Watched directories: 1", counts[0]);
        Assert.Equal("\e[KWatches established.", lines[lines.IndexOf(counts[^1]) + 1]);
    }
}
