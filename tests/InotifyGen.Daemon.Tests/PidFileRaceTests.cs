using System.Diagnostics;
using InotifyGen.Daemon;
using InotifyGen.Tests.Support;

namespace InotifyGen.Daemon.Tests;

/// <summary>
/// Two daemons started at once on a stale pid file: exactly one may run. Each round starts two real processes
/// (tests/InotifyGen.PidFileRacer), lets both get ready, then releases them together into PidFile.Acquire.
/// </summary>
public sealed class PidFileRaceTests
{
    private const int Rounds = 100;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public void Acquire_TwoProcessesRacingOnAStalePidFile_ExactlyOneWinsEveryRound()
    {
        using var dir = new TempDir(tmpfs: true);
        using var dead = Process.Start("true")!;
        dead.WaitForExit();
        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var path = dir[$"round{round}/daemon.pid"];
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, $"{dead.Id}\n"); // stale: its process is gone
            if (round % 2 == 1)
                File.WriteAllText(path + ".lock", ""); // and the lock file of a daemon killed by SIGKILL, unlocked
            var outcome = Race(path);
            if (outcome is not null)
                failures.Add($"round {round}: {outcome}");
            Assert.False(File.Exists(path), $"round {round}: the winner left its pid file behind");
            Assert.False(File.Exists(path + ".lock"), $"round {round}: the winner left its lock file behind");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {Rounds} rounds did not have exactly one winner:\n" + string.Join('\n', failures));
    }

    /// <summary>One round: null when exactly one process won and the pid file names it, else what went wrong.</summary>
    private static string? Race(string path)
    {
        var racers = new[] { Start(path), Start(path) };
        try
        {
            foreach (var r in racers)
                Assert.Equal("ready", ReadLine(r));
            foreach (var r in racers)
            {
                r.StandardInput.WriteLine("go");
                r.StandardInput.Flush();
            }
            var answers = racers.Select(ReadLine).ToArray();
            var winners = racers.Where((_, i) => answers[i] == "won").ToArray();
            string? outcome = null;
            if (winners.Length != 1)
                outcome = $"{winners.Length} winners: {string.Join(" | ", answers)}";
            else if (PidFile.ReadPid(path) != winners[0].Id)
                outcome = $"the pid file names {PidFile.ReadPid(path)}, the winner is {winners[0].Id}";
            else if (answers.Single(a => a != "won") is var lost && !lost.StartsWith("lost: another instance is ", StringComparison.Ordinal))
                outcome = "the loser's reason: " + lost;
            foreach (var r in racers)
                r.StandardInput.Close(); // the winner lets go
            foreach (var r in racers)
                Assert.True(r.WaitForExit(Deadline), "a racer did not exit after its stdin closed");
            return outcome;
        }
        finally
        {
            foreach (var r in racers)
            {
                if (!r.HasExited)
                    r.Kill();
                r.Dispose();
            }
        }
    }

    private static Process Start(string path)
    {
        var psi = ChildProcess.Dotnet("InotifyGen.PidFileRacer", [path]);
        psi.RedirectStandardInput = true;
        return Process.Start(psi)!;
    }

    private static string ReadLine(Process p)
    {
        var line = p.StandardOutput.ReadLineAsync();
        Assert.True(line.Wait(Deadline), "a racer said nothing within the deadline");
        return line.Result ?? "(exited: " + p.StandardError.ReadToEnd() + ")";
    }
}
