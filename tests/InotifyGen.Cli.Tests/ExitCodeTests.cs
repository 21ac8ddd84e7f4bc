using System.Diagnostics;
using System.Text.RegularExpressions;
using InotifyGen.Cli.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Cli.Tests;

/// <summary>Exit codes 0, 1 and 2, the error texts, -V, --help, -1, -t and the signals.</summary>
public sealed class ExitCodeTests
{
    [Fact]
    public void Version_PrintsVersionAndExitsZero()
    {
        using var cli = CliProcess.Run("-V");
        Assert.Equal(0, cli.ExitCode);
        Assert.Matches(@"^inotifygen \d+\.\d+\.\d+(-[\w.]+)?$", Assert.Single(cli.Stdout));
        Assert.Empty(cli.Stderr);
    }

    [Fact]
    public void Help_ListsEveryOptionWithADescription()
    {
        using var cli = CliProcess.Run("--help");
        Assert.Equal(0, cli.ExitCode);
        var help = string.Join("\n", cli.Stdout);
        Assert.Contains("inotifygen [<path>...] [options]", help, StringComparison.Ordinal);
        string[] options =
        [
            "-v, --verbose", "-r, --recursive", "-a, --auto-add, --auto_add", "-g, --glob", "-e, --event, --events-list <EVENT[,...]>",
            "-s, --stats", "-V, --version", "-f, --raw-format", "-c, --command <CMD>", "--json", "--csv", "--format <FMT>",
            "--timefmt <FMT>", "-0, --null, --print0", "-m, --monitor", "-1, --once", "-t, --timeout <SEC>", "--exclude <REGEX>", "--excludei <REGEX>",
            "--include <REGEX>", "--includei <REGEX>", "--fromfile <FILE>", "-o, --outfile <FILE>", "-q, --quiet",
            "--rescan-on-overflow", "-d, --daemon", "--pid-file <FILE>", "--force-kill", "--stdout <FILE>", "--stderr <FILE>", "-?, -h, --help",
        ];
        foreach (var option in options)
        {
            // The option, then at least two spaces, then a description on the same line.
            var line = cli.Stdout.SingleOrDefault(l => l.TrimStart().StartsWith(option + "  ", StringComparison.Ordinal));
            Assert.True(line is not null, $"--help does not list '{option}':\n{help}");
            Assert.Matches(@"\S+\s{2,}\S.{10,}$", line);
        }
    }

    [Fact]
    public void BadEventName_IsPyinotifysErrorAndExitTwo()
    {
        using var cli = CliProcess.Run("-e", "IN_CREATE,IN_BOGUS", "/tmp");
        Assert.Equal(2, cli.ExitCode);
        var line = Assert.Single(cli.Stderr);
        Assert.StartsWith("inotifygen: error: The event 'IN_BOGUS' specified with option -e is not valid; valid events: IN_ACCESS,", line);
        Assert.Contains("ALL_EVENTS", line, StringComparison.Ordinal);
        Assert.Empty(cli.Stdout);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "inotifygen: error: unknown option '--bogus' (see inotifygen --help; a path that starts with '-' goes after --)")]
    [InlineData(new[] { "-t" }, "inotifygen: error: Required argument missing for option: '-t'. (see inotifygen --help)")]
    [InlineData(new[] { "-t", "soon" }, "inotifygen: error: -t/--timeout needs a number of seconds (0 or more), not 'soon'")]
    [InlineData(new[] { "--json", "--csv" }, "inotifygen: error: --json, --csv and --format cannot be combined; choose one output format")]
    [InlineData(new[] { "--exclude", "(" }, null)]
    [InlineData(new[] { "--pid-file", "/tmp/x.pid" }, "inotifygen: error: --pid-file only applies with --daemon; add --daemon or drop --pid-file")]
    [InlineData(new[] { "--rescan-on-overflow", "/tmp" }, "inotifygen: error: --rescan-on-overflow rescans -r and -a trees; add -r (or -a), or drop --rescan-on-overflow")]
    [InlineData(new[] { "-e", "IN_ISDIR" }, "inotifygen: error: -e lists only flags and no event; add at least one event, e.g. -e IN_CREATE")]
    public void UsageErrors_AreOneLineAndExitTwo(string[] args, string? expected)
    {
        using var cli = CliProcess.Run(args);
        Assert.Equal(2, cli.ExitCode);
        var line = Assert.Single(cli.Stderr);
        if (expected is null)
            Assert.StartsWith("inotifygen: error: --exclude '(' is not a valid regular expression: ", line);
        else
            Assert.Equal(expected, line);
    }

    [Fact]
    public void MissingPath_IsOneLineNamingTheFixAndExitOne()
    {
        using var dir = new TempDir();
        var missing = dir["nope"];
        using var cli = CliProcess.Run("-q", missing);
        Assert.Equal(1, cli.ExitCode);
        Assert.Equal($"inotifygen: error: cannot watch '{missing}': no such file or directory; check the path, or create it first",
            Assert.Single(cli.Stderr));
    }

    [Fact]
    public void GlobMatchingNothing_IsAnErrorAndExitOne()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.Run("-q", "-g", dir["x*"]);
        Assert.Equal(1, cli.ExitCode);
        Assert.Equal($"inotifygen: error: cannot watch '{dir["x*"]}': no file or directory matches this glob; check the pattern (or drop -g to watch a literal path)",
            Assert.Single(cli.Stderr));
    }

    [SkippableUnlessUserNamespaces]
    public void WatchLimit_IsOneLineNamingTheSysctlAndExitOne()
    {
        // The limit is lowered inside a fresh user namespace only (/proc/sys/user is per namespace), never globally.
        using var dir = new TempDir();
        dir.CreateDirectory("a/b/c/d");
        using var cli = CliProcess.StartProgram("unshare", "-U", "-r", "sh", "-c",
            $"echo 2 > /proc/sys/user/max_inotify_watches && exec '{CliProcess.CliPath}' -q -r '{dir.Path}'");
        cli.WaitForExit();
        Assert.Equal(1, cli.ExitCode);
        var line = Assert.Single(cli.Stderr);
        // The namespace's limit is the one that applied, and the one to raise: the message says so.
        Assert.Matches(@"^inotifygen: error: inotify watch limit reached \(user\.max_inotify_watches = 2, this user namespace's limit, "
            + @"below fs\.inotify\.max_user_watches\) while watching '" + Regex.Escape(dir.Path)
            + @"/a/b': raise it with `sysctl user\.max_inotify_watches=<n>` in the user namespace's parent", line);
    }

    [SkippableUnlessUserNamespaces]
    public void WatchLimit_ReachedByAutoAdd_NamesTheDirectoryNotWatched_WithoutVerbose()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartProgram("unshare", "-U", "-r", "sh", "-c",
            $"echo 2 > /proc/sys/user/max_inotify_watches && exec '{CliProcess.CliPath}' -r -a -e IN_CREATE '{dir.Path}'");
        cli.WaitForStderr(l => l == "Watches established.");
        Directory.CreateDirectory(dir["a"]);
        Directory.CreateDirectory(dir["b"]);
        File.WriteAllText(dir["a/after"], "");
        cli.WaitForLine(l => l.Contains($"pathname={dir["a/after"]} ", StringComparison.Ordinal)); // the tree goes on
        var line = cli.WaitForStderr(l => l.Contains("not watched", StringComparison.Ordinal));
        Assert.StartsWith($"inotifygen: warning: not watched: inotify watch limit reached (user.max_inotify_watches = 2, this user namespace's limit, " +
            $"below fs.inotify.max_user_watches) while watching '{dir["b"]}': raise it with `sysctl user.max_inotify_watches=<n>`", line);
        cli.Signal();
        Assert.Equal(0, cli.ExitCode);
        Assert.Single(cli.Stderr, l => l.Contains("not watched", StringComparison.Ordinal));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void PermissionDenied_InTheWalkAndUnderAutoAdd_NamesTheDirectoryNotWatched_WithoutVerbose()
    {
        // As root nothing is denied: inotifygen runs as nobody. "secret" is root's (0700): the walk cannot watch it;
        // "locked" is made by nobody with mode 000 while watched: autoAdd cannot.
        using var dir = new TempDir();
        var top = dir.CreateDirectory("tree");
        var secret = dir.CreateDirectory("tree/secret");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0x1ed); // 0755
        File.SetUnixFileMode(top, (UnixFileMode)0x1ff); // 0777
        using var cli = CliProcess.StartProgram("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
            CliProcess.CliPath, "-r", "-a", "-e", "IN_CREATE", top);
        cli.WaitForStderr(l => l == "Watches established.");
        using (var mkdir = Process.Start("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "mkdir", "-m", "000", Path.Combine(top, "locked")]))
            mkdir.WaitForExit();
        cli.WaitForLine(l => l.Contains($"pathname={top}/locked ", StringComparison.Ordinal));
        cli.WaitForStderr(l => l.Contains($"'{top}/locked'", StringComparison.Ordinal));
        cli.Signal();

        Assert.Equal(0, cli.ExitCode);
        Assert.Equal(
            [$"inotifygen: warning: not watched: cannot watch '{secret}': permission denied; the process needs read access to it",
             $"inotifygen: warning: not watched: cannot watch '{top}/locked': permission denied; the process needs read access to it"],
            cli.Stderr.Where(l => l.Contains("not watched", StringComparison.Ordinal)));
    }

    [SkippableUnlessUserNamespaces]
    public void InstanceLimit_IsOneLineNamingTheSysctlAndExitOne()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartProgram("unshare", "-U", "-r", "sh", "-c",
            $"echo 0 > /proc/sys/user/max_inotify_instances && exec '{CliProcess.CliPath}' -q '{dir.Path}'");
        cli.WaitForExit();
        Assert.Equal(1, cli.ExitCode);
        Assert.StartsWith("inotifygen: error: inotify instance limit reached (user.max_inotify_instances = 0, this user namespace's limit, " +
            "below fs.inotify.max_user_instances): close unused WatchManagers, or raise it with `sysctl user.max_inotify_instances=<n>`", Assert.Single(cli.Stderr));
    }

    [Fact]
    public void Once_ExitsZeroAfterTheFirstEvent()
    {
        using var dir = new TempDir();
        var d = dir.Path;
        using var cli = CliProcess.StartWatching("-1", "-e", "IN_CREATE", d);

        // Several events in one batch: only the first is reported.
        File.WriteAllText(dir["a"], "");
        File.WriteAllText(dir["b"], "");
        cli.WaitForExit();

        Assert.Equal(0, cli.ExitCode);
        Assert.Equal([$"<Event dir=False mask=0x100 maskname=IN_CREATE name=a path={d} pathname={d}/a wd=1 >"], cli.Stdout);
    }

    [Fact]
    public void Timeout_WithoutEvents_ExitsTwoAfterTheTimeout()
    {
        using var dir = new TempDir();
        var clock = Stopwatch.StartNew();
        using var cli = CliProcess.Run("-t", "1", dir.Path);
        Assert.Equal(2, cli.ExitCode);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.0, 10);
        Assert.Empty(cli.Stdout);
    }

    [Fact]
    public void Timeout_WithOnce_AndAnEvent_ExitsZero()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.StartWatching("-1", "-t", "30", "-e", "IN_CREATE", dir.Path);
        File.WriteAllText(dir["a"], "");
        cli.WaitForExit();
        Assert.Equal(0, cli.ExitCode);
        Assert.Single(cli.Stdout);
    }

    [Theory]
    [InlineData(CliProcess.SIGTERM)]
    [InlineData(CliProcess.SIGINT)]
    public void Signal_StopsCleanlyWithExitZero(int signal)
    {
        using var dir = new TempDir();
        var d = dir.Path;
        using var cli = CliProcess.StartWatching("-e", "IN_CREATE", d);
        File.WriteAllText(dir["a"], "");
        cli.WaitForLine(l => l.Contains("name=a ", StringComparison.Ordinal));

        cli.Signal(signal);

        Assert.Equal(0, cli.ExitCode);
        Assert.Equal([$"<Event dir=False mask=0x100 maskname=IN_CREATE name=a path={d} pathname={d}/a wd=1 >"], cli.Stdout);
        Assert.Equal(["Setting up watches.", "Watches established."], cli.Stderr);
    }
}

public sealed class BrokenPipeTests
{
    [Fact]
    public void ReaderGoingAway_EndsTheWatchWithExitZero()
    {
        using var dir = new TempDir();
        // `inotifygen | head -n 1`: once head has its line and exits, the next write fails with EPIPE and inotifygen
        // stops (.NET's console stream would swallow EPIPE and watch forever).
        using var shell = CliProcess.StartProgram("bash", "-c",
            $"set -o pipefail; '{CliProcess.CliPath}' -q -e IN_CREATE '{dir.Path}' | head -n 1; echo \"rc=$?\"");
        var until = DateTime.UtcNow + CliProcess.Deadline;
        for (var i = 0; !shell.HasExited && DateTime.UtcNow < until; i++)
        {
            new FileStream(dir[$"f{i}"], FileMode.CreateNew).Dispose();
            Thread.Sleep(20);
        }
        shell.WaitForExit();

        Assert.Equal(2, shell.Stdout.Count);
        Assert.StartsWith("<Event dir=False mask=0x100 maskname=IN_CREATE name=f", shell.Stdout[0]);
        Assert.Equal("rc=0", shell.Stdout[1]);
    }

    [Fact]
    public void WriteFailure_IsOneLineAndExitOne()
    {
        using var dir = new TempDir();
        // /dev/full fails every write with ENOSPC.
        using var shell = CliProcess.StartProgram("/bin/sh", "-c",
            $"exec {CliProcess.ShellQuote(CliProcess.CliPath)} -e IN_CREATE {CliProcess.ShellQuote(dir.Path)} > /dev/full");
        shell.WaitForStderr(l => l == "Watches established.");

        File.WriteAllText(dir["f"], "x");
        shell.WaitForExit();

        Assert.Equal(1, shell.ExitCode);
        Assert.Equal(["Setting up watches.", "Watches established.", "inotifygen: error: cannot write events to stdout: No space left on device; watching stopped"],
            shell.Stderr);
    }
}
