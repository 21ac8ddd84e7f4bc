using System.Diagnostics;

namespace InotifyGen.Package.Tests;

/// <summary>
/// The inotifygen tool as README installs it (`dotnet tool install --tool-path ../tools --add-source ../inotifygen-feed`):
/// it answers -V with the packed version and watches a real directory.
/// </summary>
[Collection(PackageFeed.Name)]
public class ToolTests(NewUserFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private string Tool => Path.Combine(fixture.Tools, "inotifygen");

    [Fact]
    public void InstalledTool_PrintsThePackedVersion()
    {
        // README's block ran it once already; its output is in the install log.
        Assert.Contains($"inotifygen {fixture.Version}", fixture.InstallOutput);
        using var p = Start("-V");
        Assert.Equal($"inotifygen {fixture.Version}", ReadLine(p.StandardOutput));
        Assert.True(p.WaitForExit(Deadline));
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void InstalledTool_WatchesADirectory_AndPrintsTheEvent()
    {
        var dir = Directory.CreateDirectory(Path.Combine(fixture.Root, "tool-watched-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var p = Start("-f", "--once", "-e", "IN_CREATE", dir);
        try
        {
            while (ReadLine(p.StandardError) is var status && status != "Watches established.")
                Assert.Equal("Setting up watches.", status);
            File.WriteAllText(Path.Combine(dir, "hello.txt"), "hi");
            var line = ReadLine(p.StandardOutput);
            Assert.Contains("maskname=IN_CREATE name=hello.txt", line);
            Assert.Contains($"pathname={dir}/hello.txt", line);
            Assert.True(p.WaitForExit(Deadline), "--once did not exit after its event");
            Assert.Equal(0, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited)
                p.Kill();
        }
    }

    private Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    private static string ReadLine(StreamReader reader)
    {
        var line = reader.ReadLineAsync();
        Assert.True(line.Wait(Deadline), "no output within the deadline");
        return line.Result ?? "(end of output)";
    }
}
