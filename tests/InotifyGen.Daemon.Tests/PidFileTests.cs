using System.Diagnostics;
using System.Runtime.InteropServices;
using InotifyGen.Async.Tests.Support;
using InotifyGen.Daemon;
using InotifyGen.Tests.Support;

namespace InotifyGen.Daemon.Tests;

public sealed class PidFileTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void Acquire_WritesOurPid_HoldsTheLock_LeavesNoTempFile_AndDisposeRemovesBoth()
    {
        using var dir = new TempDir(tmpfs: true);
        var path = dir["run/daemon.pid"]; // the directory is created too
        using (var pid = PidFile.Acquire(path))
        {
            Assert.Equal(Environment.ProcessId, pid.Pid);
            Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(path));
            Assert.Equal(path + ".lock", pid.LockPath);
            Assert.Equal([path, path + ".lock"], Directory.GetFiles(dir["run"]).Order());
            Assert.Contains($"FLOCK  ADVISORY  WRITE {Environment.ProcessId} ", File.ReadAllText("/proc/locks"));
        }
        Assert.Empty(Directory.GetFiles(dir["run"]));
    }

    [Fact]
    public void Acquire_StalePidOfADeadProcess_IsTakenOver()
    {
        using var dir = new TempDir(tmpfs: true);
        var path = dir["d.pid"];
        using var dead = Process.Start("true")!;
        dead.WaitForExit();
        File.WriteAllText(path, $"{dead.Id}\n");
        Assert.False(PidFile.IsRunning(dead.Id));

        using var pid = PidFile.Acquire(path);
        Assert.Equal(Environment.ProcessId, PidFile.ReadPid(path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a pid\n")]
    [InlineData("-5\n")]
    public void Acquire_EmptyOrGarbagePidFile_IsTakenOver(string content)
    {
        using var dir = new TempDir(tmpfs: true);
        var path = dir["d.pid"];
        File.WriteAllText(path, content);
        using var pid = PidFile.Acquire(path);
        Assert.Equal(Environment.ProcessId, PidFile.ReadPid(path));
    }

    [Fact]
    public void Acquire_LiveOwner_IsAnErrorThatNamesItAndTheFix()
    {
        using var dir = new TempDir(tmpfs: true);
        var path = dir["d.pid"];
        using var live = Sleeper();
        File.WriteAllText(path, $"{live.Id}\n");

        var e = Assert.Throws<PidFileException>(() => PidFile.Acquire(path));
        Assert.Equal(live.Id, e.OwnerPid);
        Assert.Contains($"another instance is running (pid {live.Id}", e.Message);
        Assert.Contains("force-kill", e.Message);
        Assert.Equal(live.Id, PidFile.ReadPid(path)); // untouched
        Assert.False(live.HasExited);
        Assert.Single(Directory.GetFiles(dir.Path)); // no temp or lock file left behind
    }

    [Fact]
    public void Acquire_ForceKill_StopsTheOwnerWithSigtermAndTakesOver()
    {
        using var dir = new TempDir(tmpfs: true);
        var path = dir["d.pid"];
        using var live = Sleeper();
        File.WriteAllText(path, $"{live.Id}\n");

        using var pid = PidFile.Acquire(path, forceKill: true, killTimeout: Deadline);
        Assert.True(live.WaitForExit(Deadline));
        Assert.Equal(128 + 15, live.ExitCode); // the shell reports death by SIGTERM as 128+15
        Assert.Equal(Environment.ProcessId, PidFile.ReadPid(path));
    }

    [Fact]
    public void Acquire_ForceKill_EscalatesToSigkillAtTheDeadline()
    {
        using var dir = new TempDir(tmpfs: true);
        var path = dir["d.pid"];
        using var stubborn = Sleeper(ignoreTerm: true);
        File.WriteAllText(path, $"{stubborn.Id}\n");

        var clock = Stopwatch.StartNew();
        using var pid = PidFile.Acquire(path, forceKill: true, killTimeout: TimeSpan.FromMilliseconds(300));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(300), "SIGKILL only after the deadline");
        Assert.True(stubborn.WaitForExit(Deadline));
        Assert.Equal(128 + 9, stubborn.ExitCode);
        Assert.Equal(Environment.ProcessId, PidFile.ReadPid(path));
    }

    [Fact]
    public void Acquire_PidReusedByAProcessStartedAfterTheFile_IsStaleAndNotKilled()
    {
        using var dir = new TempDir(tmpfs: true);
        var path = dir["d.pid"];
        using var unrelated = Sleeper();
        File.WriteAllText(path, $"{unrelated.Id}\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1)); // written long before that process started

        using var pid = PidFile.Acquire(path, forceKill: true);
        Assert.Equal(Environment.ProcessId, PidFile.ReadPid(path));
        Assert.False(unrelated.HasExited, "a reused pid must not be killed");
    }

    [Fact]
    public void Dispose_LeavesAPidFileThatNowBelongsToAnotherProcess()
    {
        using var dir = new TempDir(tmpfs: true);
        var path = dir["d.pid"];
        var pid = PidFile.Acquire(path);
        File.WriteAllText(path, "1\n"); // someone else took over meanwhile
        pid.Dispose();
        Assert.Equal(1, PidFile.ReadPid(path));
    }

    [Fact]
    public void Terminate_DeadProcess_ReturnsTrueAtOnce()
    {
        using var dead = Process.Start("true")!;
        dead.WaitForExit();
        Assert.True(PidFile.Terminate(dead.Id, TimeSpan.Zero));
    }

    /// <summary>A `sleep` under sh; with <paramref name="ignoreTerm"/> it ignores SIGTERM (inherited across exec).</summary>
    private static Process Sleeper(bool ignoreTerm = false)
    {
        var p = Process.Start(new ProcessStartInfo("sh", ["-c", (ignoreTerm ? "trap '' TERM; " : "") + "exec sleep 60"]))!;
        // The pid file's owner must have started before the file was written: wait until it runs sleep.
        Assert.True(Probe.Eventually(() => File.ReadAllText($"/proc/{p.Id}/comm").Trim() == "sleep", Deadline));
        return p;
    }
}

/// <summary>Signals this whole process: runs alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(ShutdownSignalTests), DisableParallelization = true)]
[Collection(nameof(ShutdownSignalTests))]
public sealed class ShutdownSignalTests
{
    [Fact]
    public void Register_SigtermToThisProcess_CancelsTheTokenInsteadOfExiting()
    {
        using var shutdown = ShutdownSignal.Register();
        Assert.False(shutdown.Token.IsCancellationRequested);
        Assert.Equal(0, kill(Environment.ProcessId, 15));
        Assert.True(shutdown.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(10)));
        Assert.Equal(PosixSignal.SIGTERM, shutdown.Received);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
