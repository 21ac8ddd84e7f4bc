using System.Text;
using InotifyGen.Cli.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Cli.Tests;

/// <summary>
/// Output that shares a file with other writers: `&gt; log 2&gt;&amp;1`, and -o FILE appended to by someone else. No
/// line of any writer may be overwritten, which a stream keeping its own file offset (pwrite) does.
/// </summary>
public sealed class SharedOutputFileTests
{
    private const int Files = 5;

    [Fact]
    public void StdoutAndStderrToOneFile_KeepEveryLineOfBoth()
    {
        using var dir = new TempDir();
        var watched = dir.CreateDirectory("w");
        var log = dir["log"];
        // Each batch: the event line (stdout), the command's two lines (its stdout and stderr: the same file), and
        // inotifygen's own stderr line about the command's exit code.
        const string command = "echo \"cmd-out $INOTIFYGEN_NAME\"; echo \"cmd-err $INOTIFYGEN_NAME\" >&2; exit 3";
        using var sh = CliProcess.StartProgram("/bin/sh", "-c",
            $"exec {CliProcess.ShellQuote(CliProcess.CliPath)} -f -e IN_CLOSE_WRITE -c {CliProcess.ShellQuote(command)} {CliProcess.ShellQuote(watched)} > {CliProcess.ShellQuote(log)} 2>&1");
        Lines(log, l => l.Contains("Watches established."));

        for (var i = 0; i < Files; i++)
        {
            File.WriteAllText(Path.Combine(watched, $"f{i}"), "x");
            var batches = i + 1;
            Lines(log, l => l.Count(x => x.StartsWith("inotifygen: -c command exited with code 3", StringComparison.Ordinal)) == batches);
        }
        sh.Signal();

        var expected = new List<string> { "Setting up watches.", "Watches established." };
        for (var i = 0; i < Files; i++)
        {
            expected.Add($"<Event dir=False mask=0x8 maskname=IN_CLOSE_WRITE name=f{i} path={watched} pathname={watched}/f{i} wd=1 >");
            expected.Add($"cmd-out f{i}");
            expected.Add($"cmd-err f{i}");
            expected.Add($"inotifygen: -c command exited with code 3: {command}");
        }
        // Every line once, in the order written: nothing overwritten, nothing torn.
        Assert.Equal(expected, File.ReadAllLines(log));
    }

    [Fact]
    public void OutFile_IsAppendedTo_SoOtherWritersLinesStay()
    {
        using var dir = new TempDir();
        var watched = dir.CreateDirectory("w");
        var log = dir["log"];
        File.WriteAllText(log, "before\n");
        using var cli = CliProcess.StartWatching("-f", "-e", "IN_CLOSE_WRITE", "-o", log, watched);

        var expected = new List<string> { "before" };
        for (var i = 0; i < Files; i++)
        {
            File.AppendAllText(log, $"marker {i}\n"); // another writer, appending
            File.WriteAllText(Path.Combine(watched, $"f{i}"), "x");
            var line = $"<Event dir=False mask=0x8 maskname=IN_CLOSE_WRITE name=f{i} path={watched} pathname={watched}/f{i} wd=1 >";
            Lines(log, l => l.Contains(line));
            expected.Add($"marker {i}");
            expected.Add(line);
        }
        cli.Signal();

        Assert.Equal(expected, File.ReadAllLines(log));
    }

    /// <summary>Waits until the file's lines satisfy <paramref name="done"/>.</summary>
    private static void Lines(string path, Func<string[], bool> done) =>
        CliProcess.WaitForFile(path, b => done(Encoding.UTF8.GetString(b).Split('\n')));
}
