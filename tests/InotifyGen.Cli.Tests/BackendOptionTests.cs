using InotifyGen.Cli.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Cli.Tests;

/// <summary>--backend: fanotify end to end, its fallback to inotify where the kernel refuses it, and bad values.</summary>
public sealed class BackendOptionTests
{
    [Fact]
    public void Fanotify_Recursive_ReportsDeepEventsThroughTheOneWatch()
    {
        using var dir = new TempDir(tmpfs: true);
        var deep = dir.CreateDirectory("a/b/c");
        using var cli = CliProcess.StartWatching("--backend", "fanotify", "-r", "-e", "IN_CREATE", dir.Path);

        File.WriteAllText(Path.Combine(deep, "f"), "");

        var line = Assert.Single(cli.WaitForLines(1));
        Assert.Equal($"<Event dir=False mask=0x100 maskname=IN_CREATE name=f path={deep} pathname={deep}/f wd=1 >", line);
        Assert.DoesNotContain(cli.Stderr, l => l.Contains("fanotify", StringComparison.Ordinal)); // no fallback
    }

    [Fact]
    public void Fanotify_InAUserNamespace_FallsBackToInotify_SayingWhy()
    {
        using var dir = new TempDir(tmpfs: true);
        var sub = dir.CreateDirectory("sub");
        // Root of a user namespace has no CAP_SYS_ADMIN over the file system: fanotify_mark(FAN_MARK_FILESYSTEM) is EPERM.
        using var cli = CliProcess.StartProgram("unshare", "-U", "-r", CliProcess.CliPath, "--backend", "fanotify", "-r", "-e", "IN_CREATE", dir.Path);
        cli.WaitForStderr(l => l == "Watches established.");

        var why = Assert.Single(cli.Stderr, l => l.Contains("fanotify", StringComparison.Ordinal));
        Assert.Contains("so inotify is used", why, StringComparison.Ordinal);
        Assert.Contains("CAP_SYS_ADMIN", why, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(sub, "f"), "");
        Assert.Contains($"pathname={sub}/f wd=2 >", cli.WaitForLines(1)[0], StringComparison.Ordinal); // inotify: a wd per directory
    }

    [Fact]
    public void UnknownBackend_IsAUsageError_NamingTheChoices()
    {
        using var dir = new TempDir();
        using var cli = CliProcess.Run("--backend", "kqueue", dir.Path);

        Assert.Equal(2, cli.ExitCode);
        Assert.Contains(cli.Stderr, l => l.Contains("--backend: no backend 'kqueue'; choose inotify or fanotify", StringComparison.Ordinal));
    }
}
