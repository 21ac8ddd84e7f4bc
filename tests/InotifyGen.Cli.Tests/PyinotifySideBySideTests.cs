using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using InotifyGen.Cli.Tests.Support;

namespace InotifyGen.Cli.Tests;

/// <summary>
/// `inotifygen -f -r -a DIR` against `python3 -m pyinotify -f -r -a DIR` over the same scripted file operations. The
/// two run one after the other on a fresh directory at the same path, so neither sees the other's directory listings
/// (auto-add lists each new directory, and that listing is itself a stream of IN_OPEN/IN_ACCESS/IN_CLOSE_NOWRITE).
/// The streams must be identical once wd and cookie numbers are renumbered in order of appearance.
/// </summary>
public sealed class PyinotifySideBySideTests
{
    private const string Python = "/usr/bin/python3";

    [SkippableUnlessPyinotify]
    public void ScriptedOperations_GiveTheSameEventStreamAsPyinotify()
    {
        var dir = Path.Combine(Path.GetTempPath(), "inotifygen-side-by-side-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var expected = Record(dir, () => CliProcess.StartProgram(Python, "-m", "pyinotify", "-f", "-r", "-a", dir));
            var actual = Record(dir, () => CliProcess.Start("-f", "-r", "-a", "--pyinotify-stream", dir));

            if (!expected.SequenceEqual(actual))
                Assert.Fail("the event streams differ (wd and cookie renumbered):\n" + Diff(expected, actual));
            // The script really exercised each kind of operation.
            foreach (var kind in new[] { "IN_CREATE|IN_ISDIR", "IN_MODIFY", "src_pathname=", "IN_MOVE_SELF", "IN_DELETE ", "IN_DELETE|IN_ISDIR", "IN_DELETE_SELF", "IN_IGNORED" })
                Assert.Contains(expected, l => l.Contains(kind, StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs the script under one watcher on a fresh <paramref name="dir"/>; returns its normalised stream.</summary>
    private static List<string> Record(string dir, Func<CliProcess> start)
    {
        if (Directory.Exists(dir))
            Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        using var watcher = start();
        var from = WaitUntilWatching(watcher, dir);

        var sync = 0;
        void Step(Action action, string? settledWhen = null)
        {
            // The watcher is paused (SIGSTOP) while the step runs, so what it reads never depends on timing:
            // - the kernel merges an event into an identical one still unread (two writes in a row give one IN_MODIFY
            //   or two, depending on whether the watcher read in between);
            // - mkdir -p races with auto-add: a quick watcher watches x before y exists and the kernel reports y; a
            //   slow one finds y when it lists x and makes the IN_CREATE up. Both are right; they differ in order.
            // Paused, every run takes the same path.
            watcher.Pause();
            try { action(); }
            finally { watcher.Resume(); }
            // A step that makes the watcher list directories (auto-add) is settled when the last listing event is out:
            // a sentinel created earlier would race with the listing and make the order a matter of timing.
            if (settledWhen is not null)
                watcher.WaitForLine(l => l.Contains(settledWhen, StringComparison.Ordinal));
            // A barrier: both tools handle events in kernel order, so once the sentinel's IN_CLOSE_WRITE is printed,
            // every earlier event (and the auto-add work it caused) is done. No timing race between steps.
            var name = $"sync-{sync++}";
            new FileStream(Path.Combine(dir, name), FileMode.CreateNew).Dispose();
            watcher.WaitForLine(l => l.Contains("maskname=IN_CLOSE_WRITE ", StringComparison.Ordinal) && l.Contains($" name={name} ", StringComparison.Ordinal));
        }

        Step(() => File.WriteAllText(Path.Combine(dir, "a.txt"), "hello"));
        Step(() => File.AppendAllText(Path.Combine(dir, "a.txt"), " world"));
        Step(() => File.Move(Path.Combine(dir, "a.txt"), Path.Combine(dir, "b.txt")));
        Step(() => Directory.CreateDirectory(Path.Combine(dir, "x/y/z")), $"maskname=IN_CLOSE_NOWRITE|IN_ISDIR name='' path={dir}/x/y/z ");
        Step(() => File.WriteAllText(Path.Combine(dir, "x/y/z/f"), "data"));
        Step(() => File.Move(Path.Combine(dir, "x/y/z/f"), Path.Combine(dir, "x/g")));
        Step(() => Directory.Move(Path.Combine(dir, "x/y"), Path.Combine(dir, "x/w")));
        Step(() => File.WriteAllText(Path.Combine(dir, "x/w/z/h"), "after the move"));
        Step(() => File.Delete(Path.Combine(dir, "b.txt")));
        Step(() =>
        {
            File.Delete(Path.Combine(dir, "x/w/z/h"));
            Directory.Delete(Path.Combine(dir, "x/w/z"));
            Directory.Delete(Path.Combine(dir, "x/w"));
        });
        watcher.Signal(CliProcess.SIGINT);
        return Normalise(watcher.Stdout.Skip(from));
    }

    /// <summary>
    /// pyinotify says nothing when its watches are up: create probe files until one is reported. Returns the index of
    /// the first line after the reported probe's IN_CLOSE_WRITE, where the comparison starts.
    /// </summary>
    private static int WaitUntilWatching(CliProcess watcher, string dir)
    {
        var until = DateTime.UtcNow + CliProcess.Deadline;
        for (var i = 0; DateTime.UtcNow < until; i++)
        {
            var name = $"probe-{i}";
            new FileStream(Path.Combine(dir, name), FileMode.CreateNew).Dispose();
            try
            {
                var line = watcher.WaitForLine(l => l.Contains($" name={name} ", StringComparison.Ordinal) && l.Contains("IN_CLOSE_WRITE", StringComparison.Ordinal),
                    TimeSpan.FromMilliseconds(500));
                return watcher.Stdout.ToList().IndexOf(line) + 1;
            }
            catch (Xunit.Sdk.FailException) when (DateTime.UtcNow < until)
            {
                // not watching yet: the next probe
            }
        }
        Assert.Fail("the watcher never reported a probe file:\n" + watcher.Describe());
        return 0;
    }

    /// <summary>wd and cookie values renumbered 1, 2, ... in order of first appearance.</summary>
    internal static List<string> Normalise(IEnumerable<string> lines)
    {
        var wds = new Dictionary<string, int>();
        var cookies = new Dictionary<string, int>();
        return lines.Select(l =>
        {
            l = Regex.Replace(l, @" wd=(-?\d+) >$", m => $" wd={Number(wds, m.Groups[1].Value)} >");
            return Regex.Replace(l, @"^<Event cookie=(\d+) ", m => $"<Event cookie={Number(cookies, m.Groups[1].Value)} ");
        }).ToList();
    }

    private static int Number(Dictionary<string, int> seen, string value)
    {
        if (!seen.TryGetValue(value, out var n))
            seen[value] = n = seen.Count + 1;
        return n;
    }

    private static string Diff(List<string> expected, List<string> actual)
    {
        var sb = new StringBuilder();
        var max = Math.Max(expected.Count, actual.Count);
        for (var i = 0; i < max; i++)
        {
            var e = i < expected.Count ? expected[i] : "(none)";
            var a = i < actual.Count ? actual[i] : "(none)";
            sb.Append(e == a ? "  " : "≠ ").Append(i).Append(": pyinotify  ").AppendLine(e);
            if (e != a)
                sb.Append("     inotifygen ").AppendLine(a);
        }
        return sb.ToString();
    }
}

/// <summary>A fact skipped, with the reason, when /usr/bin/python3 cannot import pyinotify.</summary>
public sealed class SkippableUnlessPyinotifyAttribute : FactAttribute
{
    private static readonly Lazy<bool> Available = new(() =>
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", "-c \"import pyinotify\"")
            { RedirectStandardError = true, UseShellExecute = false });
            return p is not null && p.WaitForExit(20_000) && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public SkippableUnlessPyinotifyAttribute()
    {
        if (!Available.Value)
            Skip = "/usr/bin/python3 -c 'import pyinotify' fails: install python3-pyinotify (apt-get install -y python3-pyinotify) to compare with pyinotify";
    }
}
