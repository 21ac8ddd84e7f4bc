using System.Globalization;
using System.Runtime.InteropServices;
using InotifyGen.Cli.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Cli.Tests;

/// <summary>-s (pyinotify's Stats) and the daemon options.</summary>
public sealed partial class StatsAndDaemonTests
{
    [Fact]
    public void Stats_PrintsReprAndChartPeriodicallyAndAtExit()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartWatching("-s", "-e", "IN_CREATE", dir.Path);

        for (var i = 0; i < 3; i++)
            new FileStream(dir[$"f{i}"], FileMode.CreateNew).Dispose();
        Directory.CreateDirectory(dir["sub"]);
        // The periodic print comes within 5 s of the events; no event lines are printed with -s, as in pyinotify.
        cli.WaitForLine(l => l.StartsWith("<Stats ", StringComparison.Ordinal) && l.Contains("IN_CREATE=4", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20));
        cli.WaitForLines(3); // the chart rows follow the repr line: let them arrive before counting
        var periodic = cli.Stdout.Count;
        cli.Signal();

        Assert.Equal(0, cli.ExitCode);
        var lines = cli.Stdout;
        Assert.Equal(6, lines.Count); // repr + two chart rows, twice: periodic, then final
        Assert.Equal(3, periodic);
        var final = lines.Skip(3).ToList();
        Assert.Matches(@"^<Stats ElapsedTime=\d+sec IN_CREATE=4 IN_ISDIR=1 >$", final[0]);
        Assert.Equal("IN_CREATE".PadRight(26) + new string('@', 45).PadRight(46) + "4", final[1]);
        Assert.Equal("IN_ISDIR".PadRight(26) + new string('@', (int)(1 * (45.0 / 4))).PadRight(46) + "1", final[2]);
    }

    [Fact]
    public void Stats_WithAnExplicitFormat_AlsoPrintsEvents()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartWatching("-s", "--csv", "-e", "IN_CREATE", dir.Path);
        new FileStream(dir["a"], FileMode.CreateNew).Dispose();
        cli.WaitForLine(l => l == $"{dir.Path}/,CREATE,a");
        cli.Signal();
        Assert.Matches(@"^<Stats ElapsedTime=\d+sec IN_CREATE=1 >$", cli.Stdout[1]);
    }

    [Fact]
    public void Daemon_DetachesWritesPidFileAndStopsCleanlyOnSigterm()
    {
        using var dir = new TempDir();
        var watched = dir.CreateDirectory("w");
        var pidFile = dir["run/inotifygen.pid"];
        var outFile = dir["daemon.out"];
        using var parent = CliProcess.Run("--daemon", "--pid-file", pidFile, "--stdout", outFile, "--stderr", dir["daemon.err"],
            "-e", "IN_CREATE", watched);
        Assert.Equal(0, parent.ExitCode);
        var pid = ReadPid(pidFile);
        try
        {
            Assert.Equal($"inotifygen: daemon started (pid {pid}, pid file '{pidFile}')", Assert.Single(parent.Stderr));
            Assert.NotEqual(parent.Pid, pid);

            new FileStream(Path.Combine(watched, "a"), FileMode.CreateNew).Dispose();
            var expected = $"<Event dir=False mask=0x100 maskname=IN_CREATE name=a path={watched} pathname={watched}/a wd=1 >";
            WaitUntil(() => File.Exists(outFile) && File.ReadAllLines(outFile).Contains(expected), "the daemon's --stdout file shows the event");

            Assert.Equal(0, Kill(pid, CliProcess.SIGTERM));
            WaitUntil(() => !File.Exists(pidFile), "the daemon removes its pid file when it stops");
            WaitUntil(() => !IsAlive(pid), "the daemon exits");
            Assert.Contains("Watches established.", File.ReadAllLines(dir["daemon.err"]));
        }
        finally
        {
            Kill(pid, 9);
        }
    }

    [Fact]
    public void Daemon_AWatchedPathThatIsNotUtf8_ReachesTheDaemonByteForByte()
    {
        using var dir = new TempDir();
        byte[] name = [(byte)'d', 0xFF];
        ByteNames.MakeDirectory(dir.Path, name);
        var pidFile = dir["inotifygen.pid"];
        var outFile = dir["daemon.out"];
        // The shell passes the path's bytes; the daemon is this program started again with the same arguments.
        using var parent = CliProcess.StartProgram("/bin/sh", "-c",
            $"exec {CliProcess.ShellQuote(CliProcess.CliPath)} --daemon --pid-file {CliProcess.ShellQuote(pidFile)} --stdout {CliProcess.ShellQuote(outFile)} " +
            $"--stderr {CliProcess.ShellQuote(dir["daemon.err"])} -0 --format %w%f -e IN_CREATE \"$(printf '{dir.Path}/d\\377')\"");
        parent.WaitForExit();
        Assert.Equal(0, parent.ExitCode);
        var pid = ReadPid(pidFile);
        try
        {
            ByteNames.Create(dir.Path, [.. name, (byte)'/', (byte)'a']);
            var expected = ByteNames.Concat(ByteNames.Utf8(dir.Path + "/"), name, ByteNames.Utf8("/a"), [0]);
            Assert.Equal(expected, CliProcess.WaitForFile(outFile, b => b.Length >= expected.Length));
        }
        finally
        {
            Kill(pid, 9);
        }
    }

    [Fact]
    public void Daemon_SecondInstance_IsRefusedUnlessForceKill()
    {
        using var dir = new TempDir();
        var pidFile = dir["inotifygen.pid"];
        using var first = CliProcess.Run("--daemon", "-q", "--pid-file", pidFile, dir.Path);
        Assert.Equal(0, first.ExitCode);
        var firstPid = ReadPid(pidFile);
        var secondPid = 0;
        try
        {
            using var refused = CliProcess.Run("--daemon", "-q", "--pid-file", pidFile, dir.Path);
            Assert.Equal(1, refused.ExitCode);
            Assert.Equal(
                $"inotifygen: error: another inotifygen daemon is running (pid {firstPid}, pid file '{pidFile}'); stop it first, or add --force-kill to replace it",
                Assert.Single(refused.Stderr));

            using var forced = CliProcess.Run("--daemon", "-q", "--force-kill", "--pid-file", pidFile, dir.Path);
            Assert.Equal(0, forced.ExitCode);
            secondPid = ReadPid(pidFile);
            Assert.NotEqual(firstPid, secondPid);
            WaitUntil(() => !IsAlive(firstPid), "--force-kill stops the first daemon");
        }
        finally
        {
            Kill(firstPid, 9);
            if (secondPid > 0)
            {
                Kill(secondPid, CliProcess.SIGTERM);
                WaitUntil(() => !IsAlive(secondPid), "the second daemon exits");
            }
        }
    }

    [Fact]
    public void Daemon_FailingStart_IsReportedByTheParent()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.Run("--daemon", "--pid-file", dir["p.pid"], "--stderr", dir["err"], dir["missing"]);
        Assert.Equal(1, cli.ExitCode);
        Assert.Equal($"inotifygen: error: the daemon stopped during start-up; see '{dir["err"]}' for why", Assert.Single(cli.Stderr));
        Assert.Contains($"inotifygen: error: cannot watch '{dir["missing"]}': no such file or directory; check the path, or create it first",
            File.ReadAllLines(dir["err"]));
        Assert.False(File.Exists(dir["p.pid"]));
    }

    private static int ReadPid(string pidFile) => int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);

    private static bool IsAlive(int pid)
    {
        // A zombie (exited, not yet reaped by its parent) counts as gone.
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
            return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + CliProcess.Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
                Assert.Fail($"timed out waiting until {what}");
            Thread.Sleep(20);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int sig);
}
