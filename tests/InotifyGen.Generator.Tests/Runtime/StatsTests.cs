using InotifyGen.Generator.Tests.Handlers;
using InotifyGen.Tests.Support;

namespace InotifyGen.Generator.Tests.Runtime;

/// <summary>Stats: pyinotify's counters, repr, bar chart and dump, made thread-safe.</summary>
public sealed class StatsTests
{
    // The masks pyinotify 0.9.6 was fed to produce the expected texts below (python3-pyinotify, Stats.process_default).
    private static readonly EventMask[] Sample =
    {
        EventMask.Create | EventMask.IsDir, EventMask.Create, EventMask.Create, EventMask.Create,
        EventMask.Attrib, EventMask.Attrib, EventMask.Attrib, EventMask.CloseWrite,
    };

    [Fact]
    public void ToString_IsPyinotifyRepr_WithIsDirCountedOnItsOwn()
    {
        var stats = Feed(new Stats(), Sample);

        Assert.Equal("<Stats ElapsedTime=0sec IN_ATTRIB=3 IN_CLOSE_WRITE=1 IN_CREATE=4 IN_ISDIR=1 >", stats.ToString());
    }

    [Fact]
    public void ToChart_IsPyinotifyStr()
    {
        var stats = Feed(new Stats(), Sample);

        // Verbatim from pyinotify 0.9.6's str(Stats) for the same events.
        Assert.Equal(
            "IN_ATTRIB                 @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@             3\n" +
            "IN_CLOSE_WRITE            @@@@@@@@@@@                                   1\n" +
            "IN_CREATE                 @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 4\n" +
            "IN_ISDIR                  @@@@@@@@@@@                                   1",
            stats.ToChart());
    }

    [Fact]
    public void ToChart_NothingCounted_IsEmpty() => Assert.Equal("", new Stats().ToChart());

    [Theory]
    [InlineData(0, "0sec")]
    [InlineData(59, "59sec")]
    [InlineData(60, "1mn0sec")]
    [InlineData(3599, "59mn59sec")]
    [InlineData(3600, "1h0mn")]
    [InlineData(86399, "23h59mn")]
    [InlineData(86400, "1d0h")]
    [InlineData(90061, "1d1h")]
    public void FormatElapsed_UsesPyinotifyUnits(long seconds, string expected) =>
        Assert.Equal(expected, Stats.FormatElapsed(seconds));

    [Fact]
    public void QueueOverflow_IsNotCounted()
    {
        var stats = Feed(new Stats(), EventMask.QueueOverflow, EventMask.Create);

        Assert.Equal(new Dictionary<string, long> { ["IN_CREATE"] = 1 }, stats.GetCounts());
    }

    [Fact]
    public void Count_FromTwoThreadsAtOnce_LosesNothing()
    {
        var stats = new Stats();
        var masks = Enumerable.Repeat(EventMask.Modify | EventMask.IsDir, 20_000).ToArray();

        Parallel.For(0, 4, _ => Feed(stats, masks));

        Assert.Equal(80_000, stats.GetCounts()["IN_MODIFY"]);
        Assert.Equal(80_000, stats.GetCounts()["IN_ISDIR"]);
    }

    [Fact]
    public void Dump_WritesTheChartWithMode0600_AndNeverOverwrites()
    {
        using var dir = new TempDir(tmpfs: true);
        var stats = Feed(new Stats(), Sample);

        stats.Dump(dir["stats"]);

        Assert.Equal(stats.ToChart(), File.ReadAllText(dir["stats"]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir["stats"]));
        Assert.Throws<IOException>(() => stats.Dump(dir["stats"]));
    }

    [Fact]
    public void RealEvents_AreCountedByName()
    {
        using var dir = new TempDir(tmpfs: true);
        var stats = new Stats();
        var after = new Collector(next: stats); // runs once Stats has counted each event
        using var wm = new WatchManager();
        using var notifier = new ThreadedNotifier(wm, after);
        wm.AddWatch(dir.Path, EventMask.AllEvents, quiet: false);
        notifier.Start();

        Directory.CreateDirectory(dir["sub"]);
        File.WriteAllText(dir["file"], "x");
        after.WaitFor("process_default IN_CLOSE_WRITE file");

        var counts = stats.GetCounts();
        Assert.Equal(2, counts["IN_CREATE"]);
        Assert.Equal(1, counts["IN_CLOSE_WRITE"]);
        Assert.True(counts["IN_ISDIR"] >= 1);
        Assert.Contains(" IN_CREATE=2 ", stats.ToString(), StringComparison.Ordinal);
    }

    private static Stats Feed(Stats stats, params EventMask[] masks)
    {
        foreach (var mask in masks)
        {
            var e = new InotifyEvent(1, mask, 0, "f"u8, watch: null);
            stats.Invoke(in e);
        }
        return stats;
    }
}
