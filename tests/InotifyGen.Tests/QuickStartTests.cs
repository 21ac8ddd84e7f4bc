using System.Diagnostics;
using InotifyGen.Tests.Support;

namespace InotifyGen.Tests;

/// <summary>The README's main-job command, run as a user runs it.</summary>
public class QuickStartTests
{
    [Fact]
    public async Task QuickStart_PrintsPyinotifysLine_AndStopsCleanlyOnCtrlC()
    {
        using var dir = new TempDir();
        using var p = Process.Start(ChildProcess.Dotnet("QuickStart", [dir.Path]))!;
        try
        {
            WaitUntilWatching(p.Id);
            dir.WriteFile("foo");
            var line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal($"<Event dir=False mask=0x100 maskname=IN_CREATE name=foo path={dir.Path} pathname={dir["foo"]} wd=1 >", line);

            InotifyGen.Tests.Shared.SignalDisposition.AssertSigIntReachesChildren();
            Process.Start("kill", ["-INT", p.Id.ToString()])!.WaitForExit();
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(10)), "QuickStart did not stop on SIGINT");
            Assert.Equal(0, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited)
                p.Kill();
        }
    }

    /// <summary>Waits until the process holds an inotify fd with a watch (its fdinfo lists "inotify wd:").</summary>
    internal static void WaitUntilWatching(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (Directory.GetFiles($"/proc/{pid}/fdinfo").Any(f => File.ReadAllText(f).Contains("inotify wd:")))
                    return;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            Thread.Sleep(10); // polling for a condition, with a deadline
        }
        throw new TimeoutException($"process {pid} never watched anything");
    }
}
