using System.Text.Json;
using InotifyGen.Cli.Tests.Support;
using InotifyGen.Tests.Support;

namespace InotifyGen.Cli.Tests;

/// <summary>--json carries the library's event flags (synthetic, moved_out, events_lost), and --rescan-on-overflow works.</summary>
public sealed class JsonFlagTests
{
    [Fact]
    public void EntryFoundByAutoAddListing_IsFlaggedSynthetic()
    {
        using var dir = new TempDir();
        var d = dir.Path;
        using var cli = CliProcess.StartWatching("--json", "-r", "-a", "-e", "IN_CREATE", d);

        // While inotifygen is stopped, a/f is created before a's watch can exist: only the listing can report it.
        cli.Pause();
        try
        {
            Directory.CreateDirectory(Path.Combine(d, "a"));
            File.WriteAllText(Path.Combine(d, "a", "f"), "x");
        }
        finally { cli.Resume(); }

        var f = Parse(cli.WaitForLine(l => l.Contains($"\"pathname\":\"{d}/a/f\"", StringComparison.Ordinal)));
        Assert.True(f.GetProperty("synthetic").GetBoolean());
        var a = Parse(cli.WaitForLine(l => l.Contains($"\"pathname\":\"{d}/a\"", StringComparison.Ordinal)));
        Assert.False(a.TryGetProperty("synthetic", out _)); // the kernel's own event
    }

    [Fact]
    public void MoveOutOfTheWatchedTree_IsFlaggedMovedOut()
    {
        using var dir = new TempDir();
        var watched = dir.CreateDirectory("w");
        File.WriteAllText(Path.Combine(watched, "gone"), "x");
        File.WriteAllText(Path.Combine(watched, "stays"), "x");
        using var cli = CliProcess.StartWatching("--json", "-e", "IN_MOVED_FROM,IN_MOVED_TO", watched);

        File.Move(Path.Combine(watched, "stays"), Path.Combine(watched, "renamed"));
        File.Move(Path.Combine(watched, "gone"), dir["outside"]);

        var lines = cli.WaitForLines(3).Select(Parse).ToList();
        Assert.Equal(["stays", "renamed", "gone"], lines.Select(o => o.GetProperty("name").GetString()));
        Assert.Equal([false, false, true], lines.Select(o => o.TryGetProperty("moved_out", out var v) && v.GetBoolean()));
    }

    [Fact]
    public void RescanOnOverflow_ReportsEventsLostPerTreeAndWatchesWhatIsNew()
    {
        using var dir = new TempDir(tmpfs: true);
        var d = dir.Path;
        var flood = dir.CreateDirectory("flood");
        int queue;
        CliProcess cli;
        // Library tests lower max_queued_events for a moment under this lock: hold it while inotifygen creates its
        // queue and the size is read, so the two agree.
        using (KernelLimits.Lock())
        {
            cli = CliProcess.StartWatching("--json", "-r", "-a", "--rescan-on-overflow", "-e", "IN_CREATE", d);
            queue = int.Parse(File.ReadAllText("/proc/sys/fs/inotify/max_queued_events").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        using var watching = cli;

        // While inotifygen is stopped: more events than its kernel queue holds, then a directory whose IN_CREATE is lost.
        cli.Pause();
        try
        {
            for (var i = 0; i <= queue; i++)
                new FileStream(Path.Combine(flood, $"f{i}"), FileMode.CreateNew).Dispose();
            Directory.CreateDirectory(Path.Combine(d, "late"));
        }
        finally { cli.Resume(); }

        var overflow = Parse(cli.WaitForLine(l => l.Contains("IN_Q_OVERFLOW", StringComparison.Ordinal) && !l.Contains("\"wd\"", StringComparison.Ordinal)));
        Assert.False(overflow.TryGetProperty("events_lost", out _)); // the kernel's own, wd -1
        var lost = Parse(cli.WaitForLine(l => l.Contains("IN_Q_OVERFLOW", StringComparison.Ordinal) && l.Contains("\"events_lost\":true", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60)));
        Assert.Equal(d, lost.GetProperty("path").GetString());
        Assert.True(lost.GetProperty("synthetic").GetBoolean());
        // The rescan watched "late": an entry made in it now is reported.
        File.WriteAllText(Path.Combine(d, "late", "after"), "x");
        cli.WaitForLine(l => l.Contains($"\"pathname\":\"{d}/late/after\"", StringComparison.Ordinal));
    }

    private static JsonElement Parse(string line) => JsonDocument.Parse(line).RootElement.Clone();
}
